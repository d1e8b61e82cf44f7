/// Everything the SEL keeps across restarts. It changes only by applying log records, the same
/// way when a change is made and when the log is replayed at start, so a restart rebuilds
/// exactly what was acknowledged.
struct SELState {
    /// Get SEL Info's "never" for the last add and erase times.
    static let unknownTime: UInt32 = 0xFFFF_FFFF

    private(set) var entries = SELEntryList()
    /// Where the search for the next free record ID starts.
    private(set) var nextRecordID: UInt16 = 1
    private(set) var lastAddTime = SELState.unknownTime
    private(set) var lastEraseTime = SELState.unknownTime
    /// Entries have been refused or overwritten for lack of space since the last clear.
    private(set) var overflowed = false
    private(set) var clock = SELClock()
    /// Per line-card slot, the highest LC SEL sequence number logged (management module).
    /// Kept by SEL clears and compaction: a cleared entry must not be logged again.
    private(set) var confirmedOrigins: [UInt8: UInt32] = [:]

    mutating func apply(_ change: SELLogRecord) {
        switch change.operation {
        case .header:
            if SELState.isAssignable(change.recordID) { nextRecordID = change.recordID }
        case .state:
            lastAddTime = change.time
            lastEraseTime = change.lastEraseTime
            overflowed = change.overflowed
        case .clock:
            clock = change.clock
        case .add:
            let id = change.recordID
            guard SELState.isAssignable(id), !entries.contains(id: id) else { return }
            var record = change.payload
            record.recordID = id
            entries.append(record)
            lastAddTime = change.time
            // A partial add takes its ID when it starts and is logged when it ends, so IDs
            // may be logged out of order: only a newer ID moves the counter on.
            if SELState.isNewer(id, than: SELState.predecessor(nextRecordID)) {
                nextRecordID = SELState.successor(id)
            }
        case .delete:
            entries.remove(id: change.recordID)
            lastEraseTime = change.time
        case .evict:
            entries.remove(id: change.recordID)
            overflowed = true
        case .clear:
            entries.removeAll()
            lastEraseTime = change.time
            overflowed = false
        case .overflow:
            overflowed = true
        case .origin:
            let origin = change.origin
            confirmedOrigins[origin.slot] = max(confirmedOrigins[origin.slot] ?? 0, origin.sequence)
        }
    }

    /// Drops the oldest entries beyond `capacity`; returns how many went.
    mutating func evictOldest(beyond capacity: Int) -> Int {
        var evicted = 0
        while entries.count > capacity, let oldest = entries.first {
            apply(SELLogRecord(.evict, recordID: oldest.recordID))
            evicted += 1
        }
        return evicted
    }

    /// Takes the next record ID not in use.
    mutating func allocateRecordID() -> UInt16 {
        var id = nextRecordID
        while entries.contains(id: id) { id = SELState.successor(id) }
        nextRecordID = SELState.successor(id)
        return id
    }

    /// The log records that rebuild this state: what compaction writes.
    func snapshot() -> [SELLogRecord] {
        var records: [SELLogRecord] = []
        records.reserveCapacity(entries.count + 3)
        records.append(.header(nextRecordID: nextRecordID))
        records.append(.clock(clock))
        for record in entries {
            records.append(SELLogRecord(.add, recordID: record.recordID, time: lastAddTime, payload: record))
        }
        for (slot, sequence) in confirmedOrigins.sorted(by: { $0.key < $1.key }) {
            records.append(.origin(SELOrigin(slot: slot, sequence: sequence)))
        }
        // Last, so the times and flag it restores are not moved by the adds before it.
        records.append(.state(lastAddTime: lastAddTime, lastEraseTime: lastEraseTime, overflowed: overflowed))
        return records
    }

    // MARK: Record IDs

    // 0000h and FFFFh mean "first" and "last" in requests; entries get 0001h...FFFEh, in a
    // circle, compared as serial numbers so the order survives the wrap from FFFEh to 0001h.

    private static let assignableCount = 0xFFFE

    static func isAssignable(_ id: UInt16) -> Bool {
        id != SELRecord.firstEntryID && id != SELRecord.lastEntryID
    }

    static func successor(_ id: UInt16) -> UInt16 { id >= 0xFFFE ? 1 : id + 1 }

    static func predecessor(_ id: UInt16) -> UInt16 { id <= 1 ? 0xFFFE : id - 1 }

    static func isNewer(_ id: UInt16, than other: UInt16) -> Bool {
        let distance = (Int(id) - Int(other) + assignableCount) % assignableCount
        return distance != 0 && distance < assignableCount / 2
    }
}
