/// The PET sequence number (the "sequence # / cookie" field): it only ever grows, across
/// restarts too, so that a receiver de-duplicating on (GUID, sequence) never drops a new alert
/// as a repeat of an old one. Persisting every number would cost an fsync per alert, so the
/// state directory holds the end of a reserved block; a restart skips the rest of that block.
public final class PETSequence {
    public static let blockSize: UInt32 = 1024
    static let file = "pet-sequence.json"

    private struct Reserved: Codable {
        var upTo: UInt32
    }

    private let store: StateStore
    private var next: UInt32
    private var reservedUpTo: UInt32

    public init(store: StateStore) throws {
        self.store = store
        let saved = try store.load(Reserved.self, from: PETSequence.file)?.upTo ?? 0
        next = saved
        reservedUpTo = saved
    }

    /// The number the next alert gets, before wrapping (the metrics' PET sequence).
    public var upcoming: UInt32 { next }

    /// The next sequence number; wraps after 65535 as the 16-bit field must.
    public func take() throws -> UInt16 {
        try reserve()
        defer { next += 1 }
        return UInt16(truncatingIfNeeded: next)
    }

    /// Saves the next block's end now if none is left (as `take` would with the first alert):
    /// done at start, so that the first alert after it does not wait for the disk, nor the
    /// loop with it (a fleet's thousand first alerts would).
    public func reserve() throws {
        guard next >= reservedUpTo else { return }
        reservedUpTo = next + PETSequence.blockSize
        try store.save(Reserved(upTo: reservedUpTo), as: PETSequence.file)
    }
}
