/// The SEL's entries in the order they were added, which is the order Get SEL Entry walks
/// them, found by record ID. Record IDs are handles, not positions: they need not ascend.
struct SELEntryList: RandomAccessCollection {
    private struct Slot {
        /// Increases with every append, so slots stay sorted by it and a record ID's slot can
        /// be found by binary search after entries in the middle have been deleted.
        var sequence: Int
        var record: SELRecord
    }

    private var slots: [Slot] = []
    private var sequenceByID: [UInt16: Int] = [:]
    private var nextSequence = 0

    var startIndex: Int { slots.startIndex }
    var endIndex: Int { slots.endIndex }
    subscript(position: Int) -> SELRecord { slots[position].record }

    func contains(id: UInt16) -> Bool { sequenceByID[id] != nil }

    /// The position of a record ID, where 0000h means the first entry and FFFFh the last.
    func index(for requestedID: UInt16) -> Int? {
        switch requestedID {
        case SELRecord.firstEntryID: return isEmpty ? nil : startIndex
        case SELRecord.lastEntryID: return isEmpty ? nil : endIndex - 1
        default:
            guard let sequence = sequenceByID[requestedID] else { return nil }
            var range = slots.indices
            while !range.isEmpty {
                let middle = range.lowerBound + range.count / 2
                if slots[middle].sequence == sequence { return middle }
                range = slots[middle].sequence < sequence ? middle + 1..<range.upperBound : range.lowerBound..<middle
            }
            return nil
        }
    }

    /// The record ID after the entry at `index`, or FFFFh after the last.
    func nextRecordID(after index: Int) -> UInt16 {
        index + 1 < endIndex ? slots[index + 1].record.recordID : SELRecord.lastEntryID
    }

    mutating func append(_ record: SELRecord) {
        precondition(!contains(id: record.recordID), "duplicate SEL record ID")
        slots.append(Slot(sequence: nextSequence, record: record))
        sequenceByID[record.recordID] = nextSequence
        nextSequence += 1
    }

    mutating func remove(id: UInt16) {
        guard contains(id: id), let index = index(for: id) else { return }
        sequenceByID[id] = nil
        slots.remove(at: index)
    }

    mutating func removeAll() {
        slots.removeAll(keepingCapacity: true)
        sequenceByID.removeAll(keepingCapacity: true)
    }
}
