import Foundation
@testable import IPMICore
import Logging
import NIOCore
import XCTest

/// The SEL store: what it acknowledged is what it loads again, whatever a crash left behind.
final class SELStoreTests: XCTestCase {
    private var directory = ""
    private var logPath: String { directory + "/" + SELStore.fileName }
    /// The system clock the store sees; tests move it.
    private var systemTime: Int64 = 1_700_000_000

    override func setUp() {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("ipmigod-sel-\(UUID().uuidString)").path
    }

    override func tearDown() {
        try? FileManager.default.removeItem(atPath: directory)
    }

    private func openStore(capacity: Int = 16, overwrite: Bool = false) throws -> SELStore {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        return try SELStore(directory: directory, configuration: SELConfiguration(capacity: capacity, overwritesWhenFull: overwrite),
                            logger: logger, systemTime: { [unowned self] in self.systemTime })
    }

    private func event(_ sensor: UInt8) -> PlatformEvent {
        PlatformEvent(sensorType: 0x01, sensorNumber: sensor, isDeassertion: false, eventReadingType: 0x01,
                      eventData1: 0x57, eventData2: sensor, eventData3: 0x40)
    }

    // MARK: Adding and reloading

    func testEntriesComeBackAfterReopenWithTheirIDsAndTimestamps() throws {
        var store = try openStore()
        let first = try store.add(event(1))
        systemTime += 5
        var oem = SELRecord(bytes: [0xAA, 0xBB, 0xE1] + (3..<16).map { UInt8($0) })
        let second = try store.add(oem)
        XCTAssertEqual([first, second], [1, 2])

        store = try openStore()
        XCTAssertEqual(store.entryCount, 2)
        let reloaded = try XCTUnwrap(store.entry(first))
        XCTAssertEqual(reloaded.record.bytes,
                       [0x01, 0x00, 0x02] + littleEndian(1_700_000_000) + [0x20, 0x00, 0x04, 0x01, 0x01, 0x01, 0x57, 0x01, 0x40])
        XCTAssertEqual(reloaded.nextRecordID, second)
        oem.recordID = second // the ID is the SEL's; a non-timestamped OEM record keeps bytes 3..6
        XCTAssertEqual(store.entry(second)?.record, oem)
        XCTAssertEqual(store.entry(second)?.nextRecordID, SELRecord.lastEntryID)
        XCTAssertEqual(store.lastAddTime, 1_700_000_005)
        XCTAssertEqual(store.lastEraseTime, SELState.unknownTime)
        XCTAssertEqual(try store.add(event(3)), 3, "IDs go on after a reload")
    }

    func testFirstAndLastAreFoundByTheSpecialIDs() throws {
        let store = try openStore()
        XCTAssertNil(store.entry(SELRecord.firstEntryID), "an empty SEL has no first entry")
        for sensor in 1...3 { _ = try store.add(event(UInt8(sensor))) }
        XCTAssertEqual(store.entry(SELRecord.firstEntryID)?.record.recordID, 1)
        XCTAssertEqual(store.entry(SELRecord.lastEntryID)?.record.recordID, 3)
        XCTAssertNil(store.entry(9))
    }

    func testDeletesAndClearsAreDurable() throws {
        var store = try openStore()
        for sensor in 1...5 { _ = try store.add(event(UInt8(sensor))) }
        systemTime += 60
        XCTAssertEqual(try store.delete(3), 3)
        XCTAssertEqual(try store.delete(SELRecord.firstEntryID), 1)
        XCTAssertEqual(try store.delete(SELRecord.lastEntryID), 5)
        XCTAssertThrowsError(try store.delete(3)) { XCTAssertEqual($0 as? CompletionCode, .notPresent) }

        store = try openStore()
        XCTAssertEqual(recordIDs(store), [2, 4])
        XCTAssertEqual(store.entry(2)?.nextRecordID, 4, "the walk skips the deleted entry")
        XCTAssertEqual(store.lastEraseTime, 1_700_000_060)

        systemTime += 60
        try store.clear()
        store = try openStore()
        XCTAssertEqual(store.entryCount, 0)
        XCTAssertEqual(store.lastEraseTime, 1_700_000_120)
        XCTAssertEqual(try store.add(event(6)), 6, "record IDs are not reused after a clear")
    }

    // MARK: A full SEL

    func testFullSELRefusesNewEntriesAndSetsTheOverflowFlag() throws {
        var store = try openStore(capacity: 16)
        for sensor in 1...16 { _ = try store.add(event(UInt8(sensor))) }
        XCTAssertEqual(store.freeBytes, 0)
        XCTAssertFalse(store.hasOverflowed)
        XCTAssertThrowsError(try store.add(event(17))) { XCTAssertEqual($0 as? CompletionCode, .outOfSpace) }
        XCTAssertTrue(store.hasOverflowed)

        store = try openStore(capacity: 16)
        XCTAssertTrue(store.hasOverflowed, "the flag is durable")
        XCTAssertEqual(recordIDs(store), Array(1...16))
        try store.clear()
        XCTAssertFalse(store.hasOverflowed, "a clear resets it")
        XCTAssertEqual(store.freeBytes, 16 * 16)
    }

    func testFullSELOverwritesTheOldestWhenConfiguredTo() throws {
        var store = try openStore(capacity: 16, overwrite: true)
        for sensor in 1...20 { _ = try store.add(event(UInt8(sensor))) }
        XCTAssertEqual(recordIDs(store), Array(5...20))
        XCTAssertTrue(store.hasOverflowed, "old entries were dropped")

        store = try openStore(capacity: 16, overwrite: true)
        XCTAssertEqual(recordIDs(store), Array(5...20))
        XCTAssertEqual(store.entry(5)?.record[11], 5, "the entry's own data came back too")
    }

    /// A management module notes each line card entry's slot and sequence with the add: kept
    /// by clears, compaction (overwriting a full SEL) and restarts, so nothing is logged twice.
    func testLineCardOriginsSurviveClearsCompactionAndRestarts() throws {
        var store = try openStore(capacity: 16, overwrite: true)
        XCTAssertEqual(store.confirmedSequence(slot: 2), 0)
        for sequence in 1...100 {
            _ = try store.add(event(UInt8(sequence)), origin: SELOrigin(slot: 2, sequence: UInt32(sequence)))
        }
        _ = try store.add(event(99), origin: SELOrigin(slot: 3, sequence: 7))
        try store.noteOrigin(SELOrigin(slot: 1, sequence: 5))
        try store.clear()
        XCTAssertEqual(store.entryCount, 0)
        XCTAssertEqual([store.confirmedSequence(slot: 1), store.confirmedSequence(slot: 2), store.confirmedSequence(slot: 3)], [5, 100, 7])
        store = try openStore(capacity: 16, overwrite: true)
        XCTAssertEqual([store.confirmedSequence(slot: 1), store.confirmedSequence(slot: 2), store.confirmedSequence(slot: 3)], [5, 100, 7])
        // A lower sequence never moves it back.
        try store.noteOrigin(SELOrigin(slot: 2, sequence: 3))
        XCTAssertEqual(store.confirmedSequence(slot: 2), 100)
    }

    func testLoweredCapacityKeepsOrDropsAsConfigured() throws {
        var store = try openStore(capacity: 32)
        for sensor in 1...20 { _ = try store.add(event(UInt8(sensor))) }
        store = try openStore(capacity: 16, overwrite: false)
        XCTAssertEqual(store.entryCount, 20, "stop never drops an entry")
        XCTAssertEqual(store.freeBytes, 0)
        XCTAssertThrowsError(try store.add(event(21)))
        store = try openStore(capacity: 16, overwrite: true)
        XCTAssertEqual(recordIDs(store), Array(5...20))
        store = try openStore(capacity: 32)
        XCTAssertEqual(recordIDs(store), Array(5...20), "the drop was saved")
    }

    // MARK: Crashes and damage

    /// A power cut mid-append leaves part of the last record; whatever its length, the store
    /// loads every acknowledged entry and nothing else, and goes on appending cleanly.
    func testTornTailOfAnyLengthIsDropped() throws {
        for _ in 0..<12 {
            try? FileManager.default.removeItem(atPath: directory)
            var store = try openStore()
            for sensor in 1...3 { _ = try store.add(event(UInt8(sensor))) }
            let acknowledged = try Data(contentsOf: URL(fileURLWithPath: logPath))
            _ = try store.add(event(4))
            let whole = try Data(contentsOf: URL(fileURLWithPath: logPath))
            let kept = Int.random(in: acknowledged.count..<whole.count)
            var torn = whole.prefix(kept)
            if Bool.random() { torn += Data((0..<Int.random(in: 1...40)).map { _ in UInt8.random(in: 0...255) }) }
            try torn.write(to: URL(fileURLWithPath: logPath))

            store = try openStore()
            XCTAssertEqual(recordIDs(store), [1, 2, 3], "kept \(kept) of \(whole.count) bytes")
            XCTAssertEqual(try store.add(event(5)), 4, "record ID 4 was never acknowledged, so it is free again")
            store = try openStore()
            XCTAssertEqual(recordIDs(store), [1, 2, 3, 4])
            XCTAssertEqual(store.entry(4)?.record[11], 5)
            XCTAssertEqual(try fileSize() % SELLogRecord.size, 0, "the file was repaired before the append")
        }
    }

    func testRecordWithABadCRCIsDroppedAndTheRestKept() throws {
        var store = try openStore()
        for sensor in 1...4 { _ = try store.add(event(UInt8(sensor))) }
        // The file: header, clock, state, then one add per entry; damage entry 2's payload.
        var bytes = try Data(contentsOf: URL(fileURLWithPath: logPath))
        bytes[4 * SELLogRecord.size + 12] ^= 0x10
        try bytes.write(to: URL(fileURLWithPath: logPath))

        store = try openStore()
        XCTAssertEqual(recordIDs(store), [1, 3, 4])
        store = try openStore()
        XCTAssertEqual(recordIDs(store), [1, 3, 4], "the repaired file loads the same")
    }

    func testNewerFormatIsRefusedNotOverwritten() throws {
        _ = try openStore()
        var bytes = try Data(contentsOf: URL(fileURLWithPath: logPath))
        var header = SELLogRecord.header(nextRecordID: 1)
        header.flags = SELLogRecord.formatVersion + 1
        withUnsafeTemporaryAllocation(byteCount: SELLogRecord.size, alignment: 8) { buffer in
            header.encode(into: buffer)
            bytes.replaceSubrange(0..<SELLogRecord.size, with: buffer)
        }
        try bytes.write(to: URL(fileURLWithPath: logPath))
        XCTAssertThrowsError(try openStore())
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: logPath)), bytes)
    }

    func testLogIsCompactedAndKeepsEverything() throws {
        var store = try openStore(capacity: 16)
        systemTime += 1
        try store.setTime(2_000_000_000)
        for round in 0..<10 {
            for sensor in 1...8 { _ = try store.add(event(UInt8(sensor))) }
            for _ in 1...8 { _ = try store.delete(SELRecord.firstEntryID) }
            _ = round
        }
        _ = try store.add(event(99))
        XCTAssertLessThanOrEqual(try fileSize(), (2 * 16 + 8) * SELLogRecord.size, "160 changes, compacted")
        let lastErase = store.lastEraseTime

        store = try openStore(capacity: 16)
        XCTAssertEqual(recordIDs(store), [81])
        XCTAssertEqual(store.entry(81)?.record[11], 99)
        XCTAssertEqual(store.lastEraseTime, lastErase)
        XCTAssertEqual(store.time, 2_000_000_000)
        XCTAssertEqual(try store.add(event(100)), 82)
    }

    // MARK: Clock

    func testClockAndUTCOffsetSurviveReopen() throws {
        var store = try openStore()
        XCTAssertEqual(store.time, 1_700_000_000)
        XCTAssertEqual(store.utcOffset, SELClock.unspecifiedUTCOffset)
        try store.setTime(1_000_000_000)
        try store.setUTCOffset(-300)
        XCTAssertThrowsError(try store.setUTCOffset(1441)) { XCTAssertEqual($0 as? CompletionCode, .parameterOutOfRange) }
        systemTime += 30
        XCTAssertEqual(store.time, 1_000_000_030)

        store = try openStore()
        XCTAssertEqual(store.time, 1_000_000_030, "the offset from the system clock is kept")
        XCTAssertEqual(store.utcOffset, -300)
        XCTAssertEqual(store.entry(try store.add(event(1)))?.record.timestamp, 1_000_000_030)
    }

    // MARK: Reservations and partial adds

    func testPartialAddBuildsARecordAndNeedsTheReservation() throws {
        let store = try openStore()
        let reservation = store.reserve()
        XCTAssertNotEqual(reservation, 0)
        let record = Array(0..<16).map(UInt8.init)
        let id = try store.partialAdd(reservation: reservation, recordID: 0, offset: 0, data: Array(record[0..<7]), isLast: false)
        XCTAssertThrowsError(try store.partialAdd(reservation: reservation &+ 1, recordID: id, offset: 7, data: [], isLast: false)) {
            XCTAssertEqual($0 as? CompletionCode, .reservationCanceled)
        }
        XCTAssertThrowsError(try store.partialAdd(reservation: reservation, recordID: id, offset: 9, data: [1], isLast: false)) {
            XCTAssertEqual($0 as? CompletionCode, .parameterOutOfRange, "no gaps")
        }
        XCTAssertEqual(try store.partialAdd(reservation: reservation, recordID: id, offset: 7, data: Array(record[7...]), isLast: true), id)
        let added = try XCTUnwrap(store.entry(id)?.record)
        XCTAssertEqual(added.recordID, id)
        XCTAssertEqual(added.timestamp, 1_700_000_000, "record type 02h is stamped by the SEL")
        XCTAssertEqual(Array(added.bytes[7...]), Array(record[7...]))

        let short = try store.partialAdd(reservation: reservation, recordID: 0, offset: 0, data: [1, 2], isLast: false)
        XCTAssertThrowsError(try store.partialAdd(reservation: reservation, recordID: short, offset: 2, data: [3], isLast: true)) {
            XCTAssertEqual($0 as? CompletionCode, CompletionCode(0x80), "ends short of 16 bytes")
        }
        XCTAssertEqual(store.entryCount, 1)
    }

    func testReserveDeleteAndClearCancelTheReservation() throws {
        let store = try openStore()
        for sensor in 1...3 { _ = try store.add(event(UInt8(sensor))) }
        let first = store.reserve()
        let second = store.reserve()
        XCTAssertThrowsError(try store.checkReservation(first))
        XCTAssertNoThrow(try store.checkReservation(second))
        _ = try store.add(event(4))
        XCTAssertNoThrow(try store.checkReservation(second), "new events do not cancel it")
        _ = try store.delete(1)
        XCTAssertThrowsError(try store.checkReservation(second))
        let third = store.reserve()
        try store.clear()
        XCTAssertThrowsError(try store.checkReservation(third))
    }

    func testRecordIDsWrapAroundPastFFFE() {
        var state = SELState()
        state.apply(.header(nextRecordID: 0xFFFD))
        XCTAssertEqual(state.allocateRecordID(), 0xFFFD)
        XCTAssertEqual(state.allocateRecordID(), 0xFFFE)
        XCTAssertEqual(state.allocateRecordID(), 0x0001, "0xFFFF and 0x0000 are never record IDs")
        XCTAssertTrue(SELState.isNewer(0x0001, than: 0xFFFE))
        XCTAssertFalse(SELState.isNewer(0xFFFE, than: 0x0001))

        var replayed = SELState()
        replayed.apply(SELLogRecord(.add, recordID: 0xFFFE))
        replayed.apply(SELLogRecord(.add, recordID: 0x0002))
        replayed.apply(SELLogRecord(.add, recordID: 0x0001)) // a partial add, logged late
        XCTAssertEqual(replayed.allocateRecordID(), 0x0003)
    }

    // MARK: Helpers

    private func recordIDs(_ store: SELStore) -> [UInt16] {
        var ids: [UInt16] = []
        var next = SELRecord.firstEntryID
        while next != SELRecord.lastEntryID, let (record, after) = store.entry(next) {
            ids.append(record.recordID)
            next = after
        }
        return ids
    }

    private func fileSize() throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: logPath)[.size] as? Int) ?? -1
    }

    private func littleEndian(_ value: UInt32) -> [UInt8] {
        (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
    }
}

/// The SEL commands as a console sees them, in-process.
final class SELCommandTests: XCTestCase {
    private func call(_ bmc: TestBMC, _ console: inout RMCPPlusConsole, _ command: UInt8,
                      _ data: [UInt8] = []) throws -> (CompletionCode, [UInt8]) {
        let response = try bmc.call(&console, .storage, command, data)
        return (response.completionCode, Array(response.data.readableBytesView))
    }

    func testGetSELInfoDescribesAnEmptySEL() throws {
        let bmc = try TestBMC()
        var console = try bmc.openSession()
        let (code, info) = try call(bmc, &console, 0x40)
        XCTAssertEqual(code, .ok)
        // Version 1.5; no entries; 1024 x 16 bytes free; never added to or erased; every operation.
        XCTAssertEqual(info, [0x51, 0x00, 0x00, 0x00, 0x40, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F])
        XCTAssertEqual(try call(bmc, &console, 0x41).1, [0x00, 0x04, 0x10, 0x00, 0x00, 0x04, 0x00, 0x04, 0x01])
    }

    func testPartialReadsNeedTheReservation() throws {
        let bmc = try TestBMC()
        var console = try bmc.openSession()
        let record: [UInt8] = [0, 0, 0xE5] + (3..<16).map { UInt8($0) }
        XCTAssertEqual(try call(bmc, &console, 0x44, record).1, [0x01, 0x00])
        XCTAssertEqual(try call(bmc, &console, 0x44, Array(record.prefix(15))).0, .requestDataLengthInvalid)

        XCTAssertEqual(try call(bmc, &console, 0x43, [0, 0, 0, 0, 0, 0xFF]).1, [0xFF, 0xFF, 0x01, 0x00] + record[2...])
        XCTAssertEqual(try call(bmc, &console, 0x43, [0, 0, 1, 0, 4, 2]).0, .reservationCanceled)
        let reservation = try call(bmc, &console, 0x42).1
        XCTAssertEqual(try call(bmc, &console, 0x43, reservation + [1, 0, 4, 2]).1, [0xFF, 0xFF, 4, 5])
        XCTAssertEqual(try call(bmc, &console, 0x43, reservation + [1, 0, 12, 0xFF]).1, [0xFF, 0xFF, 12, 13, 14, 15])
        XCTAssertEqual(try call(bmc, &console, 0x43, reservation + [1, 0, 12, 5]).0, .cannotReturnRequestedBytes)
        XCTAssertEqual(try call(bmc, &console, 0x43, reservation + [2, 0, 0, 0xFF]).0, .notPresent)
    }

    func testClearSELChecksItsConfirmationAndReservation() throws {
        let bmc = try TestBMC()
        var console = try bmc.openSession()
        _ = try call(bmc, &console, 0x44, [UInt8](repeating: 2, count: 16))
        let reservation = try call(bmc, &console, 0x42).1
        XCTAssertEqual(try call(bmc, &console, 0x47, reservation + Array("CLX".utf8) + [0xAA]).0, .invalidDataField)
        XCTAssertEqual(try call(bmc, &console, 0x47, [0, 0] + Array("CLR".utf8) + [0xAA]).0, .reservationCanceled)
        XCTAssertEqual(try call(bmc, &console, 0x47, reservation + Array("CLR".utf8) + [0xAA]).1, [0x01])
        XCTAssertEqual(try call(bmc, &console, 0x47, reservation + Array("CLR".utf8) + [0x00]).1, [0x01], "erasure completed")
        XCTAssertEqual(try call(bmc, &console, 0x46, reservation + [1, 0]).0, .reservationCanceled, "the clear cancelled it")
        XCTAssertEqual(try call(bmc, &console, 0x40).1[1...2], [0, 0])
    }

    func testReadingNeedsUserAndChangingNeedsOperator() throws {
        let bmc = try TestBMC()
        var console = try bmc.openSession(suite: 17, user: "watcher", password: "watcher-password-20b", privilege: .user)
        for command: UInt8 in [0x40, 0x41, 0x42, 0x48, 0x5C] {
            XCTAssertEqual(try call(bmc, &console, command).0, .ok, "command \(command)")
        }
        XCTAssertEqual(try call(bmc, &console, 0x44, [UInt8](repeating: 2, count: 16)).0, .insufficientPrivilege)
        XCTAssertEqual(try call(bmc, &console, 0x49, [0, 0, 0, 0x60]).0, .insufficientPrivilege)
    }

    func testTimeAndUTCOffset() throws {
        let bmc = try TestBMC()
        var console = try bmc.openSession()
        XCTAssertEqual(try call(bmc, &console, 0x49, [0x00, 0x00, 0x00, 0x60]).0, .ok)
        let time = try call(bmc, &console, 0x48).1
        XCTAssertEqual(time.count, 4)
        XCTAssertEqual(time[3], 0x60, "within a second or two of 0x60000000")
        XCTAssertEqual(try call(bmc, &console, 0x5C).1, [0xFF, 0x07], "unspecified")
        XCTAssertEqual(try call(bmc, &console, 0x5D, [0xC4, 0xFF]).0, .ok) // -60 minutes
        XCTAssertEqual(try call(bmc, &console, 0x5C).1, [0xC4, 0xFF])
        XCTAssertEqual(try call(bmc, &console, 0x5D, [0xA1, 0x05]).0, .parameterOutOfRange) // 1441 minutes
    }
}
