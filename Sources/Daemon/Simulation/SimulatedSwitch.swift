import IPMICore
import Logging
import NIOCore

/// One simulated switch's sensor overlay and scenario player. Lives on the poller's loop (as
/// does the control server that drives it): the poller asks it for each reading, the `sim`
/// verbs change it. A fleet has one per member.
final class SimulatedSwitch {
    let member: Int
    let sensors: [SensorDefinition]
    let catalog: ScenarioCatalog
    private(set) var overlay = SensorOverlay()
    /// Each sensor's last reading as polled, overlay included; nil when unavailable or not yet read.
    private(set) var readings: [Double?]
    private let logger: Logger

    init(member: Int, sensors: [SensorDefinition], catalog: ScenarioCatalog, logger: Logger) {
        self.member = member
        self.sensors = sensors
        self.catalog = catalog
        self.readings = Array(repeating: nil, count: sensors.count)
        self.logger = logger
    }

    /// Seconds on the monotonic clock scenarios run on.
    static func now() -> Double { seconds(.now()) }
    static func seconds(_ deadline: NIODeadline) -> Double { Double(deadline.uptimeNanoseconds) / 1e9 }

    // MARK: The poller's side

    /// What replaces the sensor's source now; nil: read the source.
    func reading(sensor: Int, at now: Double) -> SimulatedReading? {
        overlay.reading(sensor: sensor, at: now, current: readings[sensor])
    }

    func note(sensor: Int, value: Double?) {
        readings[sensor] = value
    }

    /// Ends the one-shot scenarios that are over (their sensors read their sources again).
    func expire(at now: Double) {
        for name in overlay.removeFinished(at: now) {
            logger.notice("scenario \(name) finished", metadata: ["member": "\(member)"])
        }
    }

    // MARK: The control side

    func set(_ name: String, value: Double) throws(SimulationError) {
        let index = try sensors.simulatedSensor(named: name)
        try sensors[index].checkSimulated(value)
        overlay.hold(sensor: index, .value(value))
        logger.notice("sensor \(name) set to \(value.readingText)", metadata: ["member": "\(member)"])
    }

    func fail(_ name: String) throws(SimulationError) {
        let index = try sensors.simulatedSensor(named: name)
        overlay.hold(sensor: index, .unavailable)
        logger.notice("sensor \(name) failed (reading unavailable)", metadata: ["member": "\(member)"])
    }

    func clear(_ name: String) throws(SimulationError) {
        overlay.clear(sensor: try sensors.simulatedSensor(named: name))
        logger.notice("sensor \(name) back to its source", metadata: ["member": "\(member)"])
    }

    func clearAll() {
        overlay.clearAll()
        logger.notice("every sensor back to its source, scenarios stopped", metadata: ["member": "\(member)"])
    }

    func start(_ request: ScenarioStart, at now: Double) throws(SimulationError) {
        guard let scenario = catalog[request.name] else {
            throw SimulationError("no scenario named \"\(request.name)\" (known: \(catalog.names.joined(separator: ", ")))")
        }
        let tracks = try scenario.bind(to: sensors)
        let loops = request.loops ?? scenario.loops
        overlay.start(RunningScenario(scenario: scenario, tracks: tracks, startsAt: now + request.offset, loops: loops,
                                      period: request.period))
        logger.notice("scenario \(scenario.name) started", metadata: [
            "member": "\(member)", "loop": "\(loops)", "offset": "\(request.offset.readingText)",
        ])
    }

    /// Stops one running scenario, or all; the names stopped.
    func stop(_ name: String?) throws(SimulationError) -> [String] {
        let stopped = overlay.stop(name)
        if let name, stopped.isEmpty { throw SimulationError("scenario \(name) is not running") }
        for name in stopped { logger.notice("scenario \(name) stopped", metadata: ["member": "\(member)"]) }
        return stopped
    }

    // MARK: Reports

    /// Every simulated sensor: its last reading and what holds it.
    func sensorTable(at now: Double) -> [[String]] {
        sensors.indices.filter { sensors[$0].isSimulated }.map { index in
            let sensor = sensors[index]
            let value = readings[index].map { value -> String in
                sensor.isThreshold ? value.readingText : "0x" + String(Int(value), radix: 16, uppercase: true)
            } ?? "na"
            return [sensor.name, value, overlay.holder(of: index, at: now) ?? "source"]
        }
    }

    /// Every running scenario: how far in, and whether it loops.
    func scenarioTable(at now: Double) -> [[String]] {
        overlay.running.map { run in
            let elapsed = run.elapsed(at: now)
            let progress = elapsed < 0
                ? "starts in \((-elapsed).rounded().readingText) s"
                : "\(elapsed.rounded().readingText) s of \(run.scenario.duration.readingText) s"
            let iteration = run.iteration(at: now)
            let repeats = run.loops ? "looping every \(run.period.readingText) s" + (iteration > 0 ? ", run \(iteration)" : "") : "once"
            return [run.scenario.name, progress, repeats]
        }
    }
}
