/// A line card's numbers for its SEL entries on the link (`LinkSELEntry.sequence`): 1, 2, 3 ...,
/// never reused across restarts and SEL clears, and the same number for the same entry every
/// time it is sent, so the management module logs each entry once.
///
/// The number is derived from the SEL record ID, which the SEL assigns in a circle of 65534 that
/// survives restarts and clears: one saved anchor (a sequence number and the record ID it
/// belongs to) turns the record ID's serial distance from the anchor into the sequence. The
/// anchor is saved (save, then apply) before any number derived from it leaves the card, and
/// moved on well before the distance could wrap.
public struct LineCardSELNumbering {
    struct Anchor: Codable, Equatable {
        var sequence: UInt32
        var recordID: UInt16
    }

    static let file = "linecard-sel.json"
    /// The anchor moves on to the newest entry once that is this far from it, far inside the
    /// half circle (32767) within which serial distances are unambiguous.
    static let reanchorDistance = 1024

    private let store: StateStore
    private(set) var anchor: Anchor?

    public init(store: StateStore) throws {
        self.store = store
        anchor = try store.load(Anchor.self, from: Self.file)
    }

    /// The entries to send, oldest first, with their numbers: those numbered above `confirmed`.
    /// Saves the anchor first when it is new or has to move on; throws if that fails, and
    /// then nothing may be sent.
    public mutating func unconfirmed(_ entries: [SELRecord], lastAssignedRecordID: UInt16,
                                     confirmed: UInt32) throws -> [(sequence: UInt32, record: SELRecord)] {
        var current = anchor ?? Anchor(sequence: 0, recordID: entries.first.map { SELState.predecessor($0.recordID) }
                                          ?? lastAssignedRecordID)
        // The management module knows numbers beyond any this card assigned: the card's state was
        // lost (a wiped state directory). Number what comes next above them.
        if Int64(confirmed) > Self.sequence(of: lastAssignedRecordID, from: current) {
            current = Anchor(sequence: confirmed, recordID: lastAssignedRecordID)
        }
        if let newest = entries.last, Self.distance(from: current.recordID, to: newest.recordID) > Self.reanchorDistance {
            current = Anchor(sequence: UInt32(Self.sequence(of: newest.recordID, from: current)), recordID: newest.recordID)
        }
        if current != anchor {
            // Save, then apply: a number never leaves the card before its anchor is on disk.
            try store.save(current, as: Self.file)
            anchor = current
        }
        return entries.compactMap { record in
            let sequence = Self.sequence(of: record.recordID, from: current)
            guard sequence > Int64(confirmed), sequence <= Int64(UInt32.max) else { return nil }
            return (UInt32(sequence), record)
        }
    }

    static func sequence(of recordID: UInt16, from anchor: Anchor) -> Int64 {
        Int64(anchor.sequence) + Int64(distance(from: anchor.recordID, to: recordID))
    }

    /// The serial distance between two record IDs on the SEL's circle of 0001h...FFFEh:
    /// positive when `id` is newer, negative when older.
    static func distance(from anchor: UInt16, to id: UInt16) -> Int {
        let count = 0xFFFE
        var distance = (Int(id) - Int(anchor)) % count
        if distance > count / 2 { distance -= count }
        if distance < -count / 2 { distance += count }
        return distance
    }
}
