/// The SEL's one reservation (IPMI 2.0 section 31.4). Delete SEL Entry, Clear SEL, Partial Add
/// and partial reads need the current one; a new Reserve SEL, a delete or a clear cancels it,
/// so nobody deletes or clears from a view of the SEL that has gone stale.
struct SELReservation {
    private(set) var current: UInt16?
    /// Random at start, so a reservation from before a restart does not match a new one.
    private var last = UInt16.random(in: 1...0xFFFF)

    /// Never 0000h: ipmitool reads a zero reservation ID as failure.
    mutating func reserve() -> UInt16 {
        last = last == 0xFFFF ? 1 : last + 1
        current = last
        return last
    }

    mutating func cancel() { current = nil }

    func check(_ id: UInt16) throws(CompletionCode) {
        guard let current, id == current else { throw .reservationCanceled }
    }
}
