import IPMICore

/// The traps a destination was sent lately, with the address each went to: what a PET
/// Acknowledge is checked against. Bounded: an acknowledgement comes within the ack
/// timeout and retries, long before a handful of newer alerts have followed.
struct SentTraps {
    static let capacity = 8

    private var traps: [(address: [UInt8], trap: PlatformEventTrap)] = []

    mutating func record(_ trap: PlatformEventTrap, to address: [UInt8]) {
        guard !traps.contains(where: { $0.trap == trap && $0.address == address }) else { return }
        if traps.count == Self.capacity { traps.removeFirst() }
        traps.append((address, trap))
    }

    /// The trap `acknowledgement` names, when it came from the address that trap went to.
    func trap(acknowledgedBy acknowledgement: PETAcknowledgement, from address: [UInt8]) -> PlatformEventTrap? {
        traps.last { $0.address == address && $0.trap.isAcknowledged(by: acknowledgement) }?.trap
    }

    func wasSent(to address: [UInt8]) -> Bool { traps.contains { $0.address == address } }

    func contains(sequenceNumber: UInt16) -> Bool { traps.contains { $0.trap.sequenceNumber == sequenceNumber } }
}
