import Logging

/// The persistent System Event Log (IPMI 2.0 chapter 31): its entries, clock, reservation and
/// partial adds. Every change goes to `<state directory>/sel.log` through the journal, and
/// nobody is told of it before it is durable (`whenDurable`), so an entry a client was told
/// about survives kill -9 and power loss. Like the BMC that owns it, it is confined to one
/// event loop.
public final class SELStore {
    public static let fileName = "sel.log"

    public let configuration: SELConfiguration
    private var state: SELState
    private let journal: SELJournal
    private var reservation = SELReservation()
    private var partialAdd: SELPartialAdd?
    private let systemTime: () -> Int64
    private let logger: Logger

    public convenience init(directory: String, configuration: SELConfiguration) throws {
        try self.init(directory: directory, configuration: configuration, logger: Logger(label: "ipmigod.sel"),
                      systemTime: SELClock.systemSeconds)
    }

    /// - Parameter systemTime: the system clock in seconds since 1970; tests pass their own.
    public init(directory: String, configuration: SELConfiguration, logger: Logger,
                systemTime: @escaping () -> Int64) throws {
        self.configuration = configuration
        self.logger = logger
        self.systemTime = systemTime
        try AtomicFile.makeDirectory(directory)
        let (log, contents) = try SELLogFile.load(path: directory + "/" + SELStore.fileName)
        state = SELState()
        for record in contents.records { state.apply(record) }

        if contents.damagedRecords > 0 || contents.tornBytes > 0 {
            // A torn tail is what a power cut mid-append leaves: expected, and never acknowledged.
            logger.warning("SEL log: dropped what did not read back whole", metadata: [
                "path": "\(log.path)", "damaged_records": "\(contents.damagedRecords)",
                "torn_bytes": "\(contents.tornBytes)",
            ])
        }
        // With "stop", entries beyond a lowered capacity stay until deleted; with "overwrite",
        // they go now, as they would have had the capacity always been this.
        let trimmed = configuration.overwritesWhenFull ? state.evictOldest(beyond: configuration.capacity) : 0
        if trimmed > 0 {
            logger.notice("SEL capacity lowered: dropped the oldest entries", metadata: ["dropped": "\(trimmed)"])
        }
        if log.needsRewrite || trimmed > 0 || log.recordCount > SELStore.compactionThreshold(capacity: configuration.capacity) {
            try log.replace(with: SELLogFile.encode(state.snapshot()))
        }
        journal = SELJournal(file: log, logger: logger)
        journal.snapshot = { [unowned self] in self.state.snapshot() }
        logger.debug("SEL loaded", metadata: ["entries": "\(state.entries.count)", "path": "\(log.path)"])
    }

    // MARK: Durability

    /// From now on, disk writes run on `executor` and changes are durable when `whenDurable`
    /// says so. Call it on the owner's event loop, before any change.
    public func writeInBackground(on executor: any SELWriteExecutor) {
        journal.writeInBackground(on: executor)
    }

    /// How many changes have been made: a request that moved it must not be answered before
    /// `whenDurable` runs.
    public var changeCount: UInt64 { journal.made }

    /// Whether every change made so far is on disk.
    public var isDurable: Bool { journal.durable == journal.made }

    /// Runs `action` once every change made so far is on disk (at once if it is); `false` if
    /// writing it failed.
    public func whenDurable(_ action: @escaping (Bool) -> Void) {
        journal.whenDurable(action)
    }

    /// Retries a write that failed, from memory.
    public func retryFailedWrite() {
        journal.retryFailedWrite()
    }

    // MARK: Reading

    public var entryCount: Int { state.entries.count }
    /// The newest `count` entries, oldest first (for the status page).
    public func latestEntries(_ count: Int) -> [SELRecord] { Array(state.entries.suffix(count)) }
    public var freeBytes: Int { max(0, configuration.capacity - entryCount) * SELRecord.size }
    /// Get SEL Info's most recent addition and erase times; FFFFFFFFh for never.
    public var lastAddTime: UInt32 { state.lastAddTime }
    public var lastEraseTime: UInt32 { state.lastEraseTime }
    /// Entries were refused, or overwritten, for lack of space since the last clear.
    public var hasOverflowed: Bool { state.overflowed }
    /// The SEL clock: seconds since 1970 UTC.
    public var time: UInt32 { state.clock.time(atSystemTime: systemTime()) }
    /// Minutes east of UTC, or `SELClock.unspecifiedUTCOffset`.
    public var utcOffset: Int16 { state.clock.utcOffset }

    /// The record ID most recently assigned (the one before the next), kept across restarts
    /// and clears: what a line card numbers its entries from (`LineCardSELNumbering`).
    public var lastAssignedRecordID: UInt16 { SELState.predecessor(state.nextRecordID) }

    /// An entry by record ID (0000h the first, FFFFh the last), and the ID of the next one
    /// (FFFFh after the last).
    public func entry(_ requestedID: UInt16) -> (record: SELRecord, nextRecordID: UInt16)? {
        guard let index = state.entries.index(for: requestedID) else { return nil }
        return (state.entries[index], state.entries.nextRecordID(after: index))
    }

    // MARK: Adding

    /// Adds a system event record stamped with the SEL clock (or with `timestamp`, a line
    /// card's entry keeping the card's time); durable when it returns.
    public func add(_ event: PlatformEvent, origin: SELOrigin? = nil, timestamp: UInt32? = nil) throws(CompletionCode) -> UInt16 {
        let eviction = try makeRoom()
        return try commitAdd(SELRecord(event: event, timestamp: timestamp ?? 0), id: state.allocateRecordID(),
                             evicting: eviction, origin: origin, keepingTimestamp: timestamp != nil)
    }

    /// Adds a record as Add SEL Entry does: the SEL assigns the record ID and, for record types
    /// that carry one, the timestamp. Out of space (C4h) when full, unless configured to
    /// overwrite the oldest entry. With an origin (a line card's entry), the origin is written
    /// in the same append, so the entry and the fact that it was logged are durable together.
    public func add(_ record: SELRecord, origin: SELOrigin? = nil) throws(CompletionCode) -> UInt16 {
        let eviction = try makeRoom()
        return try commitAdd(record, id: state.allocateRecordID(), evicting: eviction, origin: origin)
    }

    /// The highest sequence number of the line card in `slot` whose entry is logged; 0 for none.
    public func confirmedSequence(slot: UInt8) -> UInt32 { state.confirmedOrigins[slot] ?? 0 }

    /// Notes a line card's entry as logged without adding it (SEL logging off, or full).
    public func noteOrigin(_ origin: SELOrigin) throws(CompletionCode) {
        try commit(.origin(origin))
    }

    /// One piece of a Partial Add SEL Entry: the first (record ID 0000h, offset 0) takes a
    /// record ID, the last commits the record. Returns the record's ID.
    public func partialAdd(reservation id: UInt16, recordID: UInt16, offset: Int, data: [UInt8],
                           isLast: Bool) throws(CompletionCode) -> UInt16 {
        try reservation.check(id)
        var pending: SELPartialAdd
        if recordID == SELRecord.firstEntryID {
            guard offset == 0 else { throw .invalidDataField }
            _ = try makeRoom() // refuse now a record there is no room for; room is made at the end
            pending = SELPartialAdd(recordID: state.allocateRecordID())
        } else {
            guard let current = partialAdd, current.recordID == recordID else { throw .notPresent }
            pending = current
        }
        try pending.write(data, at: offset)
        guard isLast else {
            partialAdd = pending
            return pending.recordID
        }
        partialAdd = nil
        guard pending.isComplete else { throw CompletionCode(0x80) } // record length mismatch
        let eviction = try makeRoom()
        return try commitAdd(pending.record, id: pending.recordID, evicting: eviction)
    }

    /// Refuses an add when the SEL is full, or names the oldest entry to drop for it.
    private func makeRoom() throws(CompletionCode) -> SELLogRecord? {
        guard state.entries.count >= configuration.capacity else { return nil }
        guard configuration.overwritesWhenFull, let oldest = state.entries.first else {
            noteOverflow()
            throw .outOfSpace
        }
        return SELLogRecord(.evict, recordID: oldest.recordID, time: time)
    }

    private func commitAdd(_ record: SELRecord, id: UInt16, evicting eviction: SELLogRecord?,
                           origin: SELOrigin? = nil, keepingTimestamp: Bool = false) throws(CompletionCode) -> UInt16 {
        let now = time
        var record = record
        record.recordID = id
        if record.isTimestamped && !keepingTimestamp { record.timestamp = now }
        let add = SELLogRecord(.add, recordID: id, time: now, payload: record)
        let noted = origin.map(SELLogRecord.origin)
        if let eviction {
            try commit(eviction, add, noted)
        } else {
            try commit(add, noted)
        }
        return id
    }

    private func noteOverflow() {
        guard !state.overflowed else { return }
        // Best effort: the add is refused either way.
        try? commit(SELLogRecord(.overflow, time: time))
    }

    // MARK: Erasing

    /// Deletes an entry by record ID (0000h the first, FFFFh the last); returns the ID deleted.
    /// Cancels the reservation.
    public func delete(_ requestedID: UInt16) throws(CompletionCode) -> UInt16 {
        guard let index = state.entries.index(for: requestedID) else { throw .notPresent }
        let id = state.entries[index].recordID
        try commit(SELLogRecord(.delete, recordID: id, time: time))
        cancelReservation()
        return id
    }

    /// Erases every entry and the overflow flag. Cancels the reservation.
    public func clear() throws(CompletionCode) {
        try commit(SELLogRecord(.clear, time: time))
        cancelReservation()
    }

    // MARK: Reservation

    public func reserve() -> UInt16 {
        partialAdd = nil
        return reservation.reserve()
    }

    /// C5h unless `id` is the current reservation.
    public func checkReservation(_ id: UInt16) throws(CompletionCode) {
        try reservation.check(id)
    }

    private func cancelReservation() {
        reservation.cancel()
        partialAdd = nil
    }

    // MARK: Clock

    public func setTime(_ time: UInt32) throws(CompletionCode) {
        var clock = state.clock
        clock.set(time, atSystemTime: systemTime())
        try commit(.clock(clock))
    }

    public func setUTCOffset(_ minutes: Int16) throws(CompletionCode) {
        guard SELClock.utcOffsetRange.contains(minutes) || minutes == SELClock.unspecifiedUTCOffset else {
            throw .parameterOutOfRange
        }
        var clock = state.clock
        clock.utcOffset = minutes
        try commit(.clock(clock))
    }

    // MARK: Persistence

    /// The log is compacted once it holds about twice what the SEL can.
    private static func compactionThreshold(capacity: Int) -> Int { 2 * capacity + 8 }

    /// Hands a change to the journal, then applies it. Without a background writer it is on
    /// disk first, and a failure refuses it; with one, `whenDurable` holds back whoever must
    /// not learn of it before it is.
    private func commit(_ change: SELLogRecord, _ second: SELLogRecord? = nil, _ third: SELLogRecord? = nil) throws(CompletionCode) {
        do {
            try journal.append(change, second, third)
        } catch {
            logger.error("SEL change not saved", metadata: ["path": "\(journal.path)", "error": "\(error)"])
            throw .unspecified
        }
        state.apply(change)
        if let second { state.apply(second) }
        if let third { state.apply(third) }
        if journal.recordsInFile > SELStore.compactionThreshold(capacity: configuration.capacity) {
            journal.replace(with: state.snapshot())
        }
    }
}
