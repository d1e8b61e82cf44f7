import AllocationCounter
import IPMICore
import NIOCore
import XCTest

/// The request path's allocation budget: a steady-state request in an RMCP+ session costs a
/// small fixed number of heap allocations, whatever the cipher suite. Counted on this thread
/// around `handleDatagram` alone (the console's own work is outside the count).
final class RequestAllocationTests: XCTestCase {
    struct Budget {
        var deviceID: Int
        var sensorReading: Int
        var sdr: Int
    }

    #if DEBUG
    /// Unoptimized code boxes the generics and closures that the optimizer removes, so a debug
    /// build (`make test`) allocates more; the bound still catches any allocation added per
    /// request, or one that grows with the number of requests.
    static let budget = Budget(deviceID: 48, sensorReading: 55, sdr: 74)
    #else
    /// Optimized: none (the HMACs and AES run on contexts keyed once per session, and the
    /// answer is written into the caller's buffer), and for Get SDR the record's bytes,
    /// encoded when read (`ipmigod-request-cost` prints the same figures).
    static let budget = Budget(deviceID: 0, sensorReading: 0, sdr: 6)
    #endif

    func makeBMC() throws -> TestBMC {
        var settings = SensorSettings()
        settings.thresholds[.upperCritical] = 90
        return try TestBMC(sensors: [
            SensorDefinition(number: 1, name: "Board Temp", sensorType: 0x01, kind: .threshold, entityID: 0x07, unit: 1,
                             initialSettings: settings),
        ])
    }

    /// The most allocations any one of `count` requests cost, after a warm-up.
    func allocationsPerRequest(suite: UInt8, _ netFn: NetFn, _ command: UInt8, _ data: [UInt8],
                               count: Int = 50) throws -> (most: Int, total: Int) {
        let bmc = try makeBMC()
        var console = try bmc.openSession(suite: suite)
        for _ in 0..<10 {
            XCTAssertEqual(try bmc.call(&console, netFn, command, data).completionCode, .ok)
        }
        let requests = try (0..<count).map { _ in try console.request(netFn, command, data) }
        var output = ByteBuffer()
        output.reserveCapacity(512)
        var most = 0
        var total = 0
        for request in requests {
            output.clear()
            allocation_counter_start()
            let answer = bmc.bmc.handleDatagram(request, from: bmc.remote, now: bmc.now, into: &output)
            let allocations = allocation_counter_stop()
            XCTAssertEqual(answer, .sendNow)
            XCTAssertEqual(try console.response(output).completionCode, .ok)
            most = max(most, allocations)
            total += allocations
        }
        return (most, total)
    }

    func check(_ name: String, _ netFn: NetFn, _ command: UInt8, _ data: [UInt8], budget: Int) throws {
        try XCTSkipUnless(allocation_counter_available(), "counting allocations needs glibc")
        for suite: UInt8 in [3, 17] {
            let (most, total) = try allocationsPerRequest(suite: suite, netFn, command, data)
            print("\(name), suite \(suite): at most \(most) allocations per request, \(total) in 50")
            XCTAssertLessThanOrEqual(most, budget, "\(name), suite \(suite)")
        }
    }

    func testGetDeviceIDStaysWithinTheAllocationBudget() throws {
        try check("Get Device ID", .app, 0x01, [], budget: Self.budget.deviceID)
    }

    func testGetSensorReadingStaysWithinTheAllocationBudget() throws {
        try check("Get Sensor Reading", .sensorEvent, 0x2D, [1], budget: Self.budget.sensorReading)
    }

    func testGetSDRStaysWithinTheAllocationBudget() throws {
        // Record 3, the sensor's full record, whole: no reservation needed.
        try check("Get SDR", .storage, 0x23, [0, 0, 3, 0, 0, 0xFF], budget: Self.budget.sdr)
    }
}
