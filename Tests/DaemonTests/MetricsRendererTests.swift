import Foundation
import IPMIAlerting
import IPMICore
import Logging
import XCTest
@testable import ipmigod

/// The metrics of a fleet: one endpoint, every sample labelled with its member, each family
/// declared once; and the status text from the same snapshot.
final class MetricsRendererTests: XCTestCase {
    private var folders: [String] = []

    override func tearDown() {
        for folder in folders { try? FileManager.default.removeItem(atPath: folder) }
    }

    private func snapshot(member: String, temperature: Double) throws -> MemberSnapshot {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ipmigod-metrics-\(UUID().uuidString)").path
        folders.append(folder)
        var settings = SensorSettings()
        settings.thresholds[.upperCritical] = 90
        var configuration = BMCConfiguration(
            users: [UserConfiguration(id: 2, name: "admin", password: Array("admin".utf8), privilege: .administrator)],
            stateDirectory: folder)
        configuration.sensors = [
            SensorDefinition(number: 1, name: "CPU Temp", sensorType: 0x01, kind: .threshold, entityID: 3, unit: 1,
                             initialSettings: settings),
            SensorDefinition(number: 2, name: "PSU1 Status", sensorType: 0x08, kind: .discrete(eventReadingType: 0x6F, states: 0b1011),
                             entityID: 10),
        ]
        let bmc = try BMC(configuration: configuration, logger: Logger(label: "test"))
        bmc.record([SensorSample(sensor: 0, value: temperature), SensorSample(sensor: 1, value: 1)])
        var counters = DestinationCounters()
        counters.sent = 3
        return MemberSnapshot(member: member, bmc: bmc.snapshot(time: 1_800_000_000),
                              destinations: [.init(selector: 1, address: "127.0.0.2:162", version: "v1", acknowledged: false,
                                                   counters: counters, queueDepth: 0)],
                              petSequence: 7, timings: DaemonTimings.Values())
    }

    func testAFleetGetsOneFamilyPerMetricAndAMemberLabelOnEverySample() throws {
        let text = MetricsRenderer.render([try snapshot(member: "sw1", temperature: 45), try snapshot(member: "sw2", temperature: 95)])
        let lines = text.split(separator: "\n")
        let samples = lines.filter { !$0.hasPrefix("#") }
        XCTAssertFalse(samples.isEmpty)
        for sample in samples {
            XCTAssertTrue(sample.contains("{member=\"sw1\"") || sample.contains("{member=\"sw2\""), "\(sample)")
        }
        let help = lines.filter { $0.hasPrefix("# HELP ") }.map { $0.split(separator: " ")[2] }
        XCTAssertEqual(help.count, Set(help).count, "each family declared once")
        XCTAssertTrue(text.contains("ipmi_temperature_celsius{member=\"sw1\",id=\"3\",name=\"CPU Temp\"} 45\n"), text)
        XCTAssertTrue(text.contains("ipmi_temperature_state{member=\"sw2\",id=\"3\",name=\"CPU Temp\"} 2\n"), text)
        XCTAssertTrue(text.contains("ipmi_sensor_state{member=\"sw1\",id=\"4\",name=\"PSU1 Status\",type=\"Power Supply\"} 0\n"), text)
        XCTAssertTrue(text.contains("ipmigod_alerts_total{member=\"sw2\",destination=\"1\",outcome=\"sent\"} 3\n"), text)
        XCTAssertTrue(text.contains("ipmigod_pet_sequence{member=\"sw1\"} 7\n"), text)
        XCTAssertTrue(text.contains("ipmi_chassis_power_state{member=\"sw1\"} 1\n"), "the chassis starts powered: \(text)")
        XCTAssertEqual(text.components(separatedBy: "# TYPE ipmi_chassis_power_state ").count, 2, "declared once")
    }

    func testLabelsAreEscaped() {
        XCTAssertEqual(PrometheusText.escape("a\"b\\c\nd"), "a\\\"b\\\\c\\nd")
        XCTAssertEqual(PrometheusText.format(.nan), "NaN")
        XCTAssertEqual(PrometheusText.format(12), "12")
        XCTAssertEqual(PrometheusText.format(3.3), "3.3")
    }

    func testStatusTextComesFromTheSnapshot() throws {
        let text = DaemonStatus(try snapshot(member: "", temperature: 95)).text
        XCTAssertTrue(text.contains("1: 127.0.0.2:162 v1: sent 3, acknowledged 0, retried 0, failed 0"), text)
        XCTAssertTrue(text.hasPrefix("sessions active: 0\nSEL entries: 0"), text)
    }

    /// The control socket's `status` verb: the fleet's text under member names (as
    /// `/api/status.txt`), the JSON document on `json`, a refusal before any snapshot.
    func testStatusVerbAnswersFromTheBoard() throws {
        let members = [try snapshot(member: "sw1", temperature: 45), try snapshot(member: "sw2", temperature: 95)]
        let text = StatusVerb.respond(to: [], members: members)
        XCTAssertTrue(text.ok, "\(text)")
        XCTAssertEqual(text.output, DaemonStatus.text(of: members))
        XCTAssertTrue(text.output.hasPrefix("member sw1:\nsessions active: 0\n"), text.output)
        XCTAssertTrue(text.output.contains("\nmember sw2:\n"), text.output)
        let json = StatusVerb.respond(to: ["json"], members: members)
        let document = try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: Any]
        XCTAssertEqual((document?["members"] as? [[String: Any]])?.map { $0["member"] as? String }, ["sw1", "sw2"], json.output)
        XCTAssertEqual(StatusVerb.respond(to: [], members: []), .failure("no status published yet"))
        XCTAssertEqual(StatusVerb.respond(to: ["xml"], members: members), .failure("usage: status [json]"))
    }
}
