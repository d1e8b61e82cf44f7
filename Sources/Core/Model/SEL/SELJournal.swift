import Logging
import NIOCore

/// Runs the SEL's disk writes off the BMC's event loop and reports back on it. The daemon's
/// runs them on a thread pool; without one, the journal writes before each change returns.
public protocol SELWriteExecutor {
    /// Runs `write` elsewhere, then `completion` with its result on the BMC's event loop.
    func run(_ write: @escaping @Sendable () throws -> Void, then completion: @escaping (Result<Void, any Error>) -> Void)
}

/// Gets the SEL's changes onto disk, in the order they were made. With a background writer,
/// the event loop never waits for the disk: changes made while one batch is syncing go out
/// together in the next (group commit), so a flood of events costs one fdatasync per batch,
/// not one per event. Whatever must not happen before a change is durable (the reply to Add
/// SEL Entry, the alert for an event) waits for it with `whenDurable`.
final class SELJournal {
    /// One step of a batch, encoded on the event loop so that only bytes cross to the writer.
    enum Write: Sendable {
        case append([UInt8])
        case replace([UInt8])
    }

    /// Changes made so far, and how many of them are known to be on disk.
    private(set) var made: UInt64 = 0
    private(set) var durable: UInt64 = 0
    /// Records the file holds once the queued writes are done; the store compacts past a threshold.
    private(set) var recordsInFile: Int
    /// The records that rebuild the present state, for when the file must be replaced.
    var snapshot: () -> [SELLogRecord] = { [] }

    private let file: SELLogFile
    private let logger: Logger
    private var executor: (any SELWriteExecutor)?
    private var queued: [Write] = []
    private var writing = false
    /// A write failed: the file must be replaced from memory before anything is appended to it.
    private var mustReplace = false
    private var waiters = CircularBuffer<(change: UInt64, action: (Bool) -> Void)>()

    init(file: SELLogFile, logger: Logger) {
        self.file = file
        self.logger = logger
        recordsInFile = file.recordCount
    }

    var path: String { file.path }

    /// From now on, writes run on `executor`. Call it on the BMC's event loop, before any change.
    func writeInBackground(on executor: any SELWriteExecutor) {
        self.executor = executor
    }

    /// Records one change (two records for an add that evicts the oldest entry). Without a
    /// background writer it is durable when this returns, and a failure throws; with one it is
    /// queued, and `whenDurable` tells when it is on disk.
    func append(_ first: SELLogRecord, _ second: SELLogRecord? = nil, _ third: SELLogRecord? = nil) throws(FileError) {
        // Written together: an add, the eviction that made room for it, the line card entry it logged.
        let bytes = second == nil && third == nil
            ? SELLogFile.encode(CollectionOfOne(first)) : SELLogFile.encode([first, second, third].compactMap { $0 })
        guard executor != nil else {
            if file.needsRewrite { try file.replace(with: SELLogFile.encode(snapshot())) }
            try file.append(bytes)
            made += 1
            durable = made
            recordsInFile = file.recordCount
            return
        }
        made += 1
        recordsInFile += bytes.count / SELLogRecord.size
        queued.append(.append(bytes))
        writeQueued()
    }

    /// Replaces the file with `records`, the present state (compaction).
    func replace(with records: [SELLogRecord]) {
        let bytes = SELLogFile.encode(records)
        recordsInFile = records.count
        guard executor != nil else {
            do {
                try file.replace(with: bytes)
            } catch {
                // The changes themselves are saved; the next append replaces the file first.
                logger.error("SEL log not compacted", metadata: ["path": "\(file.path)", "error": "\(error)"])
            }
            return
        }
        // The snapshot holds every change made so far: appends still queued are in it.
        queued.removeAll(keepingCapacity: true)
        queued.append(.replace(bytes))
        writeQueued()
    }

    /// Runs `action` once every change made so far is on disk: at once if it is, else on the
    /// event loop when its batch is synced. `false` if that batch could not be written.
    func whenDurable(_ action: @escaping (Bool) -> Void) {
        guard durable < made else { return action(true) }
        waiters.append((made, action))
    }

    /// After a failed write, tries again to make memory durable (the BMC's tick calls it).
    func retryFailedWrite() {
        if mustReplace { writeQueued() }
    }

    private func writeQueued() {
        guard let executor, !writing, mustReplace || !queued.isEmpty else { return }
        if mustReplace {
            queued = [.replace(SELLogFile.encode(snapshot()))]
            mustReplace = false
        }
        let batch = queued
        queued.removeAll(keepingCapacity: true)
        let through = made
        writing = true
        executor.run({ [file] in try file.perform(batch) }, then: { result in self.finished(through: through, result) })
    }

    private func finished(through change: UInt64, _ result: Result<Void, any Error>) {
        writing = false
        let saved: Bool
        switch result {
        case .success:
            durable = change
            saved = true
        case .failure(let error):
            // The changes stay in memory; the next batch replaces the file with them. The
            // replies waiting on them are not sent, so their clients were never told they stuck.
            logger.error("SEL changes not saved", metadata: ["path": "\(file.path)", "error": "\(error)"])
            mustReplace = true
            saved = false
        }
        while let first = waiters.first, first.change <= change {
            waiters.removeFirst().action(saved)
        }
        if !queued.isEmpty { writeQueued() }
    }
}
