import Foundation
@testable import IPMICore
import Logging
import NIOCore
import XCTest

/// Runs the journal's writes when the test says, as the daemon's thread pool would run them.
final class ManualSELWriter: SELWriteExecutor {
    private var pending: [(write: () throws -> Void, completion: (Result<Void, any Error>) -> Void)] = []
    private(set) var batchesRun = 0

    var hasPending: Bool { !pending.isEmpty }

    func run(_ write: @escaping @Sendable () throws -> Void, then completion: @escaping (Result<Void, any Error>) -> Void) {
        pending.append((write, completion))
    }

    /// Runs the oldest write and reports its result; or, with `failing`, reports a failure
    /// without writing, as a full or broken disk would.
    func finishNext(failing: Bool = false) {
        let next = pending.removeFirst()
        batchesRun += 1
        if failing {
            next.completion(.failure(FileError(path: "sel.log", operation: "fdatasync", errno: EIO)))
        } else {
            next.completion(Result { try next.write() })
        }
    }
}

/// The SEL journal with a background writer: group commit, and nobody told of a change before
/// it is on disk.
final class SELJournalTests: XCTestCase {
    private var directory = ""

    override func setUp() {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("ipmigod-journal-\(UUID().uuidString)").path
    }

    override func tearDown() {
        try? FileManager.default.removeItem(atPath: directory)
    }

    private func openStore(capacity: Int = 64) throws -> SELStore {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        return try SELStore(directory: directory, configuration: SELConfiguration(capacity: capacity, overwritesWhenFull: true),
                            logger: logger, systemTime: { 1_700_000_000 })
    }

    private func event(_ sensor: UInt8) -> PlatformEvent {
        PlatformEvent(sensorType: 0x01, sensorNumber: sensor, isDeassertion: false, eventReadingType: 0x01,
                      eventData1: 0x57, eventData2: sensor, eventData3: 0x40)
    }

    func testChangesMadeWhileABatchSyncsGoOutTogetherInTheNext() throws {
        let store = try openStore()
        let writer = ManualSELWriter()
        store.writeInBackground(on: writer)
        var told: [String] = []

        _ = try store.add(event(1))
        store.whenDurable { told.append("first: \($0)") }
        for sensor in 2...10 { _ = try store.add(event(UInt8(sensor))) }
        store.whenDurable { told.append("all: \($0)") }
        XCTAssertEqual(store.entryCount, 10, "memory has every change at once")
        XCTAssertFalse(store.isDurable)
        XCTAssertEqual(try openStore().entryCount, 0, "nothing is on disk before the writer runs")
        XCTAssertEqual(told, [])

        writer.finishNext()
        XCTAssertEqual(told, ["first: true"])
        XCTAssertEqual(try openStore().entryCount, 1)
        writer.finishNext()
        XCTAssertEqual(told, ["first: true", "all: true"])
        XCTAssertFalse(writer.hasPending)
        XCTAssertEqual(writer.batchesRun, 2, "nine changes queued behind the first are one batch")
        XCTAssertTrue(store.isDurable)
        XCTAssertEqual(try openStore().entryCount, 10)

        var immediately = false
        store.whenDurable { immediately = $0 }
        XCTAssertTrue(immediately, "with nothing pending, at once")
    }

    func testAFailedWriteTellsItsWaitersAndTheNextBatchReplacesTheFileFromMemory() throws {
        let store = try openStore()
        let writer = ManualSELWriter()
        store.writeInBackground(on: writer)
        var told: [Bool] = []

        _ = try store.add(event(1))
        store.whenDurable { told.append($0) }
        writer.finishNext(failing: true)
        XCTAssertEqual(told, [false], "the reply waiting on a change that was not saved is not sent")
        XCTAssertFalse(store.isDurable)

        store.retryFailedWrite()
        _ = try store.add(event(2))
        store.whenDurable { told.append($0) }
        while writer.hasPending { writer.finishNext() }
        XCTAssertEqual(told, [false, true])
        XCTAssertFalse(writer.hasPending)
        let reloaded = try openStore()
        XCTAssertEqual(reloaded.entryCount, 2, "the replacement holds the change whose own write failed")
    }

    func testCompactionReplacesTheQueuedAppends() throws {
        let store = try openStore(capacity: 16)
        let writer = ManualSELWriter()
        store.writeInBackground(on: writer)
        _ = try store.add(event(0))
        // Past twice the capacity plus 8 records, the log is compacted.
        for sensor in 1...80 { _ = try store.add(event(UInt8(sensor))) }
        while writer.hasPending { writer.finishNext() }
        XCTAssertTrue(store.isDurable)
        XCTAssertEqual(writer.batchesRun, 2, "the first add, then one replacement standing for the rest")
        let reloaded = try openStore(capacity: 16)
        XCTAssertEqual(reloaded.entryCount, 16)
        XCTAssertEqual(reloaded.entry(SELRecord.lastEntryID)?.record.bytes[11], 80, "the newest entries survive")
    }

    func testARequestThatChangesTheSELIsAnsweredOnlyOnceTheChangeIsDurable() throws {
        let bmc = try TestBMC(stateDirectory: directory)
        let writer = ManualSELWriter()
        bmc.bmc.sel.writeInBackground(on: writer)
        var console = try bmc.openSession()

        var output = ByteBuffer()
        let addEntry = try console.request(.storage, 0x44, [0, 0, 0xE5] + (3..<16).map { UInt8($0) })
        guard case .later(let pending) = bmc.bmc.handleDatagram(addEntry, from: bmc.remote, now: bmc.now, into: &output) else {
            return XCTFail("an Add SEL Entry is answered once durable")
        }
        var sent: [ByteBuffer] = []
        pending.whenReady { sent.append($0) }
        XCTAssertTrue(sent.isEmpty, "not before the disk has it")

        output.clear()
        let deviceID = try console.request(.app, 0x01)
        XCTAssertEqual(bmc.bmc.handleDatagram(deviceID, from: bmc.remote, now: bmc.now, into: &output), .sendNow,
                       "other requests do not wait for the disk")
        XCTAssertEqual(try console.response(output).completionCode, .ok)

        output.clear()
        let selInfo = try console.request(.storage, 0x40)
        XCTAssertEqual(bmc.bmc.handleDatagram(selInfo, from: bmc.remote, now: bmc.now, into: &output), .sendNow)
        writer.finishNext()
        XCTAssertTrue(bmc.bmc.sel.isDurable)
        XCTAssertEqual(sent.count, 1)
        XCTAssertEqual(try console.response(sent[0]).completionCode, .ok)
    }
}
