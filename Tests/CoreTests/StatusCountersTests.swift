import IPMICore
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
