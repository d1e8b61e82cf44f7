import IPMICore
import XCTest

/// The timeline math of simulate mode's scenarios and the overlay that applies them.
final class ScenarioTests: XCTestCase {
    func value(_ reading: SimulatedReading?) -> Double? {
        if case .value(let value) = reading { return value }
        return nil
    }

    func testSegmentsFollowOneAnother() {
        let track = ScenarioTrack(sensor: "T", segments: [
            ScenarioSegment(.ramp(from: nil, to: 100), duration: 10),
            ScenarioSegment(.hold, duration: 5),
            ScenarioSegment(.step(50), duration: 5),
            ScenarioSegment(.ramp(from: 0, to: 10), duration: 10),
            ScenarioSegment(.unavailable, duration: 2),
            ScenarioSegment(.normal, duration: 2),
            ScenarioSegment(.flap(first: 1, second: 2, every: 1), duration: 4),
        ])
        XCTAssertEqual(track.duration, 38)
        XCTAssertEqual(value(track.reading(at: 0, initial: 60)), 60, "a first ramp starts where the sensor stood")
        XCTAssertEqual(value(track.reading(at: 5, initial: 60)), 80)
        XCTAssertEqual(value(track.reading(at: 12, initial: 60)), 100, "hold keeps the ramp's end")
        XCTAssertEqual(value(track.reading(at: 16, initial: 60)), 50)
        XCTAssertEqual(value(track.reading(at: 25, initial: 60)), 5, "a ramp with from ignores where it was")
        XCTAssertEqual(track.reading(at: 31, initial: 60), .unavailable)
        XCTAssertNil(track.reading(at: 33, initial: 60), "normal: the sensor's source")
        XCTAssertEqual([34.5, 35.5, 36.5, 37.5].map { value(track.reading(at: $0, initial: 60)) }, [1, 2, 1, 2])
        XCTAssertNil(track.reading(at: 38, initial: 60), "past the end: the source again")
        XCTAssertNil(track.reading(at: -1, initial: 60))
        XCTAssertEqual(value(track.reading(at: 5, initial: nil)), 100, "no reading to start from: straight to the target")
    }

    func testNoiseStaysWithinItsAmplitude() {
        let track = ScenarioTrack(sensor: "T", segments: [ScenarioSegment(.noise(amplitude: 2, around: nil), duration: 10)])
        for t in stride(from: 0.0, to: 10, by: 0.1) {
            let reading = value(track.reading(at: t, initial: 40))!
            XCTAssertTrue((38...42).contains(reading), "\(reading)")
        }
        XCTAssertEqual(value(track.reading(at: 1, initial: 40, noise: { 1 })), 42)
    }

    func testOverlayPrecedenceLoopsAndClear() {
        let hot = Scenario(name: "hot", tracks: [ScenarioTrack(sensor: "T", segments: [ScenarioSegment(.step(90), duration: 10)])])
        let cold = Scenario(name: "cold", tracks: [ScenarioTrack(sensor: "T", segments: [ScenarioSegment(.step(5), duration: 4)])])
        var overlay = SensorOverlay()
        XCTAssertNil(overlay.reading(sensor: 0, at: 0, current: 20))
        overlay.start(RunningScenario(scenario: hot, tracks: [.init(sensor: 0, track: hot.tracks[0])], startsAt: 100, loops: true, period: 30))
        XCTAssertNil(overlay.reading(sensor: 0, at: 99, current: 20), "not started yet")
        XCTAssertEqual(value(overlay.reading(sensor: 0, at: 105, current: 20)), 90)
        XCTAssertNil(overlay.reading(sensor: 0, at: 115, current: 20), "between runs: the source")
        XCTAssertEqual(value(overlay.reading(sensor: 0, at: 131, current: 20)), 90, "the second run")
        XCTAssertEqual(overlay.running[0].iteration(at: 131), 2)
        XCTAssertEqual(overlay.holder(of: 0, at: 131), "scenario hot")

        overlay.start(RunningScenario(scenario: cold, tracks: [.init(sensor: 0, track: cold.tracks[0])], startsAt: 131, loops: false))
        XCTAssertEqual(value(overlay.reading(sensor: 0, at: 132, current: 20)), 5, "the later scenario wins")
        overlay.hold(sensor: 0, .value(33))
        XCTAssertEqual(value(overlay.reading(sensor: 0, at: 132, current: 20)), 33, "a hand-set value wins over scenarios")
        XCTAssertEqual(overlay.holder(of: 0, at: 132), "set")

        XCTAssertEqual(overlay.removeFinished(at: 136), ["cold"])
        overlay.clear(sensor: 0)
        XCTAssertNil(overlay.reading(sensor: 0, at: 161, current: 20), "clear releases the sensor from running scenarios too")
        XCTAssertEqual(overlay.running.map(\.scenario.name), ["hot"])
        XCTAssertEqual(overlay.stop(), ["hot"])
    }

    func testEachRunStartsFromTheReadingThen() {
        let ramp = Scenario(name: "r", tracks: [ScenarioTrack(sensor: "T", segments: [ScenarioSegment(.ramp(from: nil, to: 100), duration: 10)])])
        var overlay = SensorOverlay()
        overlay.start(RunningScenario(scenario: ramp, tracks: [.init(sensor: 0, track: ramp.tracks[0])], startsAt: 0, loops: true, period: 20))
        XCTAssertEqual(value(overlay.reading(sensor: 0, at: 0, current: 50)), 50)
        XCTAssertEqual(value(overlay.reading(sensor: 0, at: 5, current: 75)), 75, "the start is kept for the run")
        XCTAssertEqual(value(overlay.reading(sensor: 0, at: 20, current: 40)), 40, "the next run starts afresh")
    }

    func testBindingChecksNamesAndRanges() throws {
        let temperature = SensorDefinition(number: 1, name: "T", sensorType: 1, kind: .threshold, entityID: 7,
                                           source: .simulated(.constant(30)))
        let psu = SensorDefinition(number: 2, name: "PSU", sensorType: 8, kind: .discrete(eventReadingType: 0x6F, states: 0b1011),
                                   entityID: 10, source: .simulated(.constant(1)))
        let wired = SensorDefinition(number: 3, name: "W", sensorType: 1, kind: .threshold, entityID: 7, source: .none)
        let sensors = [temperature, psu, wired]
        let good = Scenario(name: "good", tracks: [ScenarioTrack(sensor: "PSU", segments: [ScenarioSegment(.step(3), duration: 1)])])
        XCTAssertEqual(try good.bind(to: sensors).map(\.sensor), [1])
        for (scenario, message) in [
            (Scenario(name: "a", tracks: [ScenarioTrack(sensor: "X", segments: [ScenarioSegment(.hold, duration: 1)])]),
             "scenario a: no sensor named \"X\" (see ipmigod sim list)"),
            (Scenario(name: "b", tracks: [ScenarioTrack(sensor: "T", segments: [ScenarioSegment(.ramp(from: nil, to: 300), duration: 1)])]),
             "scenario b: 300 is out of range for T (0 to 255)"),
            (Scenario(name: "c", tracks: [ScenarioTrack(sensor: "W", segments: [ScenarioSegment(.step(1), duration: 1)])]),
             "scenario c: sensor \"W\" is not simulated"),
        ] {
            XCTAssertThrowsError(try scenario.bind(to: sensors)) { XCTAssertEqual("\($0)", message) }
        }
        XCTAssertThrowsError(try psu.checkSimulated(1.5))
        XCTAssertEqual(Scenario(name: "p", tracks: good.tracks, period: 0.5).period, 1, "a period is at least the length")
    }
}
