import IPMICore
import NIOCore
import XCTest

final class StatusCountersTests: XCTestCase {
    func testRequestCountsKeepEveryCombinationInAFixedTable() {
        var counts = RequestCounts()
        counts.note(netFn: 0x06, command: 0x01, completionCode: 0x00)
        counts.note(netFn: 0x06, command: 0x01, completionCode: 0x00)
        counts.note(netFn: 0x04, command: 0x2D, completionCode: 0xCB)
        XCTAssertEqual(counts.all.map { "\($0.netFn) \($0.command) \($0.completionCode) \($0.count)" },
                       ["4 45 203 1", "6 1 0 2"])
        // Every netfn/command pair a client can send does not grow it past its capacity.
        for netFn in stride(from: UInt8(0), to: 0x40, by: 2) {
            for command in UInt8(0)...255 { counts.note(netFn: netFn, command: command, completionCode: 0xC1) }
        }
        XCTAssertLessThanOrEqual(counts.all.count, RequestCounts.capacity)
        XCTAssertEqual(counts.all.reduce(0) { $0 + $1.count } + counts.overflow, 3 + 32 * 256, "every request counted once")
    }

    func testSeverityFollowsFreeipmisInterpretation() {
        XCTAssertEqual(SensorSeverity(thresholdStatus: 0), .nominal)
        XCTAssertEqual(SensorSeverity(thresholdStatus: Threshold.upperNonCritical.maskBit), .warning)
        XCTAssertEqual(SensorSeverity(thresholdStatus: Threshold.upperNonCritical.maskBit | Threshold.upperCritical.maskBit), .critical)
        XCTAssertEqual(SensorSeverity(thresholdStatus: Threshold.lowerNonRecoverable.maskBit), .critical)
        XCTAssertEqual(SensorSeverity(sensorType: 0x08, eventReadingType: 0x6F, states: 0b1), .nominal, "PSU presence")
        XCTAssertEqual(SensorSeverity(sensorType: 0x08, eventReadingType: 0x6F, states: 0b11), .critical, "PSU failure")
    }

    func testAuthenticationFailuresStayInTheirSlots() {
        var counters = BMCCounters()
        counters.noteAuthenticationFailure(user: 2)
        counters.noteAuthenticationFailure(user: nil)
        counters.noteAuthenticationFailure(user: 200)
        XCTAssertEqual(counters.authenticationFailures[2], 1)
        XCTAssertEqual(counters.authenticationFailures[0], 2, "unknown names and out-of-range IDs share slot 0")
        XCTAssertEqual(counters.authenticationFailures.count, BMCCounters.userSlots)
    }
}

final class TickRingTests: XCTestCase {
    func testKeepsTheNewestCapacityTicksWithGapsEmpty() {
        var ring = TickRing<UInt8>(capacity: 4)
        XCTAssertTrue(ring.samples(since: 0).isEmpty)
        ring.set(1, at: 100)
        ring.set(2, at: 101)
        ring.set(4, at: 103) // 102 is a gap
        XCTAssertEqual(ring.samples(since: 0).map { "\($0.tick):\($0.value)" }, ["100:1", "101:2", "103:4"])
        ring.set(5, at: 104)
        ring.set(6, at: 105) // wraps: 100 and 101 go
        XCTAssertEqual(ring.samples(since: 0).map { "\($0.tick):\($0.value)" }, ["103:4", "104:5", "105:6"])
        XCTAssertNil(ring.value(at: 102))
        ring.set(7, at: 105) // the same tick again: the latest wins
        ring.set(9, at: 90) // older than the ring holds: ignored
        XCTAssertEqual(ring.value(at: 105), 7)
        XCTAssertEqual(ring.samples(since: 104).count, 2)
        ring.set(8, at: 200) // a gap longer than the ring: only the new tick is left
        XCTAssertEqual(ring.samples(since: 0).map { "\($0.tick):\($0.value)" }, ["200:8"])
    }

    func testSurvivesWriteAndRead() {
        var ring = TickRing<UInt32>(capacity: 100)
        for tick in Int64(0)..<150 where tick % 7 != 0 { ring.set(UInt32(tick * 3), at: tick) }
        var buffer = ByteBuffer()
        ring.write(to: &buffer)
        let copy = TickRing<UInt32>.read(from: &buffer, capacity: 100)
        XCTAssertEqual(copy?.samples(since: 0).map(\.tick), ring.samples(since: 0).map(\.tick))
        XCTAssertEqual(copy?.samples(since: 0).map(\.value), ring.samples(since: 0).map(\.value))
        XCTAssertEqual(buffer.readableBytes, 0)
        var cut = ByteBuffer()
        ring.write(to: &cut)
        cut.moveWriterIndex(to: cut.writerIndex - 3)
        XCTAssertNil(TickRing<UInt32>.read(from: &cut, capacity: 100), "a torn file reads as nothing")
    }
}
