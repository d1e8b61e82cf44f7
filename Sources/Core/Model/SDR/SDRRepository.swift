/// The SDR repository: records generated from the BMC's sensors and devices (IDs from 1), and
/// records clients add (persisted). Generated records follow the sensors' current settings,
/// so a threshold set with ipmitool shows in the next `sdr` read.
public struct SDRRepository: Sendable {
    public enum Entry: Sendable, Equatable {
        case sensor(index: Int)
        case managementController
        case fruDevice
        case added([UInt8])
        /// A management module's record for a line card: built from the card's link, after
        /// the repository's own records and kept out of its saved changes.
        case chassis(ChassisRecord)

        var isChassis: Bool {
            if case .chassis = self { true } else { false }
        }
    }

    /// What survives a restart: client changes on top of the generated records.
    public struct Changes: Codable, Sendable, Equatable {
        public var added: [UInt16: String] = [:] // record ID -> hex bytes (header included)
        public var deletedGenerated: Set<UInt16> = []
        public var cleared = false
        public init() {}
    }

    public private(set) var entries: [(id: UInt16, entry: Entry)] = []
    public private(set) var changes: Changes
    public private(set) var reservation: UInt16 = 0
    public private(set) var lastAddition: UInt32 = 0
    public private(set) var lastErase: UInt32 = 0
    public var isInUpdateMode = false
    /// A record being built by Partial Add SDR.
    var partial: (id: UInt16, bytes: [UInt8])?

    /// 64 KiB in 16-byte units, as a real BMC's flash would be sized.
    public static let allocationUnitSize = 16
    public static let allocationUnits = 4096

    public init(sensorCount: Int, hasFRU: Bool, changes: Changes) {
        self.changes = changes
        var generated: [Entry] = [.managementController]
        if hasFRU { generated.append(.fruDevice) }
        generated += (0..<sensorCount).map { .sensor(index: $0) }
        if !changes.cleared {
            for (index, entry) in generated.enumerated() where !changes.deletedGenerated.contains(UInt16(index + 1)) {
                entries.append((UInt16(index + 1), entry))
            }
        }
        for (id, hex) in changes.added.sorted(by: { $0.key < $1.key }) {
            if let bytes = [UInt8](hexString: hex) { entries.append((id, .added(bytes))) }
        }
    }

    /// Replaces the chassis records (a line card's SDR set changed, or a slot appeared).
    /// Record IDs come with the records. A change at `changedAt` is dated, so clients' SDR
    /// caches notice it, and cancels the reservation; nil at start.
    mutating func setChassisRecords(_ records: [ChassisRecord], changedAt now: UInt32?) {
        entries.removeAll { $0.entry.isChassis }
        entries += records.map { ($0.id, .chassis($0)) }
        guard let now else { return }
        lastAddition = now
        lastErase = now
        reservation &+= 1
    }

    /// The ID an added record gets: after the repository's own, never one of the chassis range.
    private var nextAddedID: UInt16 {
        (entries.lazy.filter { !$0.entry.isChassis }.map(\.id).max() ?? 0) &+ 1
    }

    /// Where an added record goes: before the chassis records, which stay last.
    private var addedPosition: Int { entries.firstIndex { $0.entry.isChassis } ?? entries.count }

    public func index(of id: UInt16) -> Int? {
        if id == 0x0000 { return entries.isEmpty ? nil : 0 }
        if id == 0xFFFF { return entries.isEmpty ? nil : entries.count - 1 }
        return entries.firstIndex { $0.id == id }
    }

    public func nextID(after index: Int) -> UInt16 {
        index + 1 < entries.count ? entries[index + 1].id : 0xFFFF
    }

    public var usedUnits: Int {
        entries.reduce(0) { total, element in
            if case .added(let bytes) = element.entry { return total + (bytes.count + 15) / 16 }
            return total + 4 // generated records take at most 64 bytes
        }
    }

    public var freeBytes: Int { max(0, (Self.allocationUnits - usedUnits) * Self.allocationUnitSize) }

    public mutating func reserve() -> UInt16 {
        reservation = reservation == 0xFFFF ? 1 : reservation + 1
        return reservation
    }

    public func checkReservation(_ id: UInt16) throws(CompletionCode) {
        guard id == reservation, id != 0 else { throw .reservationCanceled }
    }

    /// Adds a whole record; returns its ID. The record's own ID bytes are replaced.
    public mutating func add(_ record: [UInt8], now: UInt32) throws(CompletionCode) -> UInt16 {
        guard record.count >= 5, record.count == 5 + Int(record[4]) else { throw .requestDataLengthInvalid }
        guard freeBytes >= record.count else { throw .outOfSpace }
        let id = nextAddedID
        guard id != 0xFFFF, id < ChassisRecord.firstID || !entries.contains(where: \.entry.isChassis) else { throw .outOfSpace }
        var bytes = record
        bytes[0] = UInt8(truncatingIfNeeded: id)
        bytes[1] = UInt8(id >> 8)
        entries.insert((id, .added(bytes)), at: addedPosition)
        changes.added[id] = bytes.hexString
        lastAddition = now
        reservation &+= 1 // a change cancels the reservation
        return id
    }

    public mutating func delete(_ id: UInt16, now: UInt32) throws(CompletionCode) -> UInt16 {
        guard let index = entries.firstIndex(where: { $0.id == id }) else { throw .notPresent }
        // A line card's records follow its link: set them on the card.
        guard !entries[index].entry.isChassis else { throw .notSupportedInPresentState }
        if case .added = entries[index].entry {
            changes.added[id] = nil
        } else {
            changes.deletedGenerated.insert(id)
        }
        entries.remove(at: index)
        lastErase = now
        reservation &+= 1
        return id
    }

    public mutating func clear(now: UInt32) {
        entries.removeAll { !$0.entry.isChassis }
        changes = Changes()
        changes.cleared = true
        partial = nil
        lastErase = now
        reservation &+= 1
    }

    /// Partial Add SDR: collects a record in pieces; returns its ID (the ID it will get).
    public mutating func partialAdd(recordID: UInt16, offset: Int, data: [UInt8], isLast: Bool,
                                    now: UInt32) throws(CompletionCode) -> UInt16 {
        if offset == 0 {
            partial = (nextAddedID, data)
        } else {
            guard var current = partial, current.id == recordID, offset == current.bytes.count else {
                throw .invalidDataField
            }
            current.bytes += data
            partial = current
        }
        guard let current = partial, current.bytes.count <= 5 + 255 else { throw .requestDataFieldLengthLimitExceeded }
        if isLast {
            partial = nil
            let saved = reservation
            let id = try add(current.bytes, now: now)
            reservation = saved
            return id
        }
        return current.id
    }
}
