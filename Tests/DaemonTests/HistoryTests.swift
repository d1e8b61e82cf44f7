import Foundation
import IPMICore
import Logging
import XCTest
@testable import ipmigod

final class HistoryTests: XCTestCase {
    /// The default spans fit a switch's sensors whole; with 1,000 sensors (the performance
    /// target) the history stays within its memory limit, the recent hour kept whole.
    func testSpansFitTheMemoryLimit() {
        let defaults = HistoryConfiguration()
        XCTAssertEqual(defaults.capacities(sensors: 40).recent, 3600)
        XCTAssertEqual(defaults.capacities(sensors: 40).long, 7 * 24 * 60)
        for sensors in [1, 40, 200, 1000, 5000] {
            let (recent, long) = defaults.capacities(sensors: sensors)
            let bytes = sensors * (TickRing<UInt8>.bytes(capacity: recent) + TickRing<UInt32>.bytes(capacity: long))
            XCTAssertLessThanOrEqual(bytes, defaults.memoryLimit + sensors * 16, "\(sensors) sensors: \(recent), \(long)")
        }
        XCTAssertEqual(defaults.capacities(sensors: 1000).recent, 3600, "every second of the last hour")
        XCTAssertGreaterThan(defaults.capacities(sensors: 1000).long, 12 * 60, "and half a day of minute averages")
    }

    func testMinuteAveragesKeepMinAndMax() {
        var history = SensorHistory(configuration: HistoryConfiguration(), capacities: (3600, 100))
        for (second, raw) in [(0, 10), (10, 20), (20, 30), (60, 50)] {
            history.record(raw: UInt8(raw), at: 1_800_000_000 + Int64(second) - 1_800_000_000 % 60)
        }
        let long = history.longPoints(since: 0)
        XCTAssertEqual(long.map(\.raw), [20, 50])
        XCTAssertEqual(long.map(\.minimum), [10, 50])
        XCTAssertEqual(long.map(\.maximum), [30, 50])
        XCTAssertEqual(history.recentPoints(since: 0).count, 4)
    }

    func testHistoryIsSavedAndRestored() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ipmigod-history-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let store = HistoryStore(configuration: HistoryConfiguration(), sensorCount: 2, stateDirectory: folder,
                                 logger: Logger(label: "test"))
        var history = SensorHistory(configuration: store.configuration, capacities: store.capacities)
        for second in Int64(0)..<120 { history.record(raw: UInt8(second), at: 1_800_000_000 + second) }
        store.restore(["sw1": ["CPU Temp": history]])
        store.save()
        let again = HistoryStore(configuration: HistoryConfiguration(), sensorCount: 2, stateDirectory: folder,
                                 logger: Logger(label: "test"))
        again.load()
        XCTAssertEqual(again.history(member: "sw1", sensor: "CPU Temp")?.recentPoints(since: 0),
                       history.recentPoints(since: 0))
        XCTAssertEqual(again.history(member: "sw1", sensor: "CPU Temp")?.longPoints(since: 0).count, 2, "two minutes")

        var other = HistoryConfiguration()
        other.recentResolution = 5
        let changed = HistoryStore(configuration: other, sensorCount: 2, stateDirectory: folder, logger: Logger(label: "test"))
        changed.load()
        XCTAssertNil(changed.history(member: "sw1", sensor: "CPU Temp"), "another resolution starts afresh")
    }
}
