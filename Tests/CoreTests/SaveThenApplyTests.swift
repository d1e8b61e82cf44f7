import Foundation
import IPMICore
import NIOCore
import XCTest

/// Every piece of persisted state goes through one rule: change a copy, save it, then apply.
/// A save that fails answers 0xFF and leaves memory as it was, agreeing with the disk.
final class SaveThenApplyTests: XCTestCase {
    /// Makes the next save of `file` fail, even as root: a directory where its temporary file goes.
    private func blockSaves(of file: String, in bmc: TestBMC) throws -> () -> Void {
        let blocker = bmc.stateDirectory + "/" + file + ".tmp"
        try FileManager.default.createDirectory(atPath: blocker + "/in-the-way", withIntermediateDirectories: true)
        return { try? FileManager.default.removeItem(atPath: blocker) }
    }

    func testChannelAccessThatCannotBeSavedIsNotApplied() throws {
        let bmc = try TestBMC()
        defer { try? FileManager.default.removeItem(atPath: bmc.stateDirectory) }
        var console = try bmc.openSession()
        let before = bmc.bmc.channelAccess
        let unblock = try blockSaves(of: "channel.json", in: bmc)
        // Non-volatile: always available, alerting off; privilege limit operator.
        let request: [UInt8] = [0x01, 0x40 | 0x20 | 0x02, 0x40 | 0x03]
        XCTAssertEqual(try bmc.call(&console, .app, 0x40, request).completionCode, .unspecified)
        XCTAssertEqual(bmc.bmc.channelAccess, before, "memory keeps what the disk has")
        let read = try bmc.call(&console, .app, 0x41, [0x01, 0x40])
        XCTAssertEqual(Array(read.data.readableBytesView), [before.nonVolatile.accessMode, before.nonVolatile.privilegeLimit.rawValue])

        unblock()
        XCTAssertEqual(try bmc.call(&console, .app, 0x40, request).completionCode, .ok)
        XCTAssertEqual(bmc.bmc.channelAccess.nonVolatile.privilegeLimit, .operator)
        XCTAssertTrue(bmc.bmc.channelAccess.nonVolatile.alertingDisabled)
    }

    func testVolatileChannelAccessNeedsNoSave() throws {
        let bmc = try TestBMC()
        defer { try? FileManager.default.removeItem(atPath: bmc.stateDirectory) }
        var console = try bmc.openSession()
        _ = try blockSaves(of: "channel.json", in: bmc)
        XCTAssertEqual(try bmc.call(&console, .app, 0x40, [0x01, 0x80 | 0x02, 0x80 | 0x03]).completionCode, .ok)
        XCTAssertEqual(bmc.bmc.channelAccess.volatile.privilegeLimit, .operator)
    }

    func testSDRChangesThatCannotBeSavedAreNotApplied() throws {
        let bmc = try TestBMC()
        defer { try? FileManager.default.removeItem(atPath: bmc.stateDirectory) }
        var console = try bmc.openSession()
        let before = bmc.bmc.sdr.entries.map(\.id)
        let record: [UInt8] = [0x00, 0x00, 0x51, 0xC0, 0x04, 0x3D, 0x11, 0x00, 0x2A] // OEM record
        let unblock = try blockSaves(of: "sdr.json", in: bmc)
        XCTAssertEqual(try bmc.call(&console, .storage, 0x24, record).completionCode, .unspecified)
        XCTAssertEqual(bmc.bmc.sdr.entries.map(\.id), before, "Add SDR: nothing added")

        let reservation = try bmc.call(&console, .storage, 0x22).data.getInteger(at: 0, endianness: .little, as: UInt16.self)!
        let lowByte = UInt8(truncatingIfNeeded: reservation), highByte = UInt8(reservation >> 8)
        XCTAssertEqual(try bmc.call(&console, .storage, 0x26, [lowByte, highByte, 0x01, 0x00]).completionCode, .unspecified)
        XCTAssertEqual(bmc.bmc.sdr.entries.map(\.id), before, "Delete SDR: nothing deleted")
        XCTAssertEqual(try bmc.call(&console, .storage, 0x27, [lowByte, highByte, 0x43, 0x4C, 0x52, 0xAA]).completionCode,
                       .unspecified)
        XCTAssertEqual(bmc.bmc.sdr.entries.map(\.id), before, "Clear SDR Repository: nothing cleared")
        // Partial Add: the pieces before the last need no save; the last one does.
        XCTAssertEqual(try bmc.call(&console, .storage, 0x25, [lowByte, highByte, 0, 0, 0, 0] + record.prefix(5)).completionCode, .ok)
        let pending = try bmc.call(&console, .storage, 0x25, [lowByte, highByte] + [UInt8(before.max()! + 1), 0, 5, 1] + record.dropFirst(5))
        XCTAssertEqual(pending.completionCode, .unspecified)
        XCTAssertEqual(bmc.bmc.sdr.entries.map(\.id), before, "Partial Add SDR: nothing added")

        unblock()
        let added = try bmc.call(&console, .storage, 0x24, record)
        XCTAssertEqual(added.completionCode, .ok)
        XCTAssertEqual(bmc.bmc.sdr.entries.count, before.count + 1)
        let saved = try StateStore(directory: bmc.stateDirectory).load(SDRRepository.Changes.self, from: "sdr.json")
        XCTAssertEqual(saved?.added.count, 1, "on disk as in memory")
    }
}
