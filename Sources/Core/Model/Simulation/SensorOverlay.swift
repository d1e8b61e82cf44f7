/// What overrides one simulated switch's sensor sources: values and failures set by hand
/// (`ipmigod sim set/fail`) and running scenarios. The poller asks it for every reading; a
/// sensor it does not hold reads its source. Times are seconds on one monotonic clock.
///
/// A hand-set override wins over scenarios; of several scenarios holding a sensor, the one
/// started last wins.
public struct SensorOverlay: Sendable {
    /// Hand-set overrides by sensor position (in `BMCConfiguration.sensors`).
    public private(set) var manual: [Int: SimulatedReading] = [:]
    /// Running scenarios, oldest first.
    public private(set) var running: [RunningScenario] = []

    public init() {}

    /// The reading that replaces the sensor's source now, or nil to read the source.
    /// `current` is the sensor's last reading: where a scenario's run starts from.
    public mutating func reading(sensor: Int, at now: Double, current: Double?) -> SimulatedReading? {
        if let held = manual[sensor] { return held }
        for index in running.indices.reversed() {
            if let reading = running[index].reading(sensor: sensor, at: now, current: current) { return reading }
        }
        return nil
    }

    /// Why a sensor is not reading its source: "set", "fail", or the scenario holding it.
    public func holder(of sensor: Int, at now: Double) -> String? {
        switch manual[sensor] {
        case .value: return "set"
        case .unavailable: return "fail"
        case nil: return running.last { $0.holds(sensor: sensor, at: now) }.map { "scenario \($0.scenario.name)" }
        }
    }

    public mutating func hold(sensor: Int, _ reading: SimulatedReading) {
        manual[sensor] = reading
    }

    /// Gives the sensor back to its source: drops its hand-set override and releases it from
    /// the scenarios running now (they go on driving their other sensors).
    public mutating func clear(sensor: Int) {
        manual[sensor] = nil
        for index in running.indices { running[index].released.insert(sensor) }
    }

    /// Every sensor back to its source: no overrides, no scenarios.
    public mutating func clearAll() {
        manual = [:]
        running = []
    }

    /// Starts a scenario (again, if it is running: from its beginning).
    public mutating func start(_ run: RunningScenario) {
        running.removeAll { $0.scenario.name == run.scenario.name }
        running.append(run)
    }

    /// Stops the named scenario, or all of them; returns the names stopped.
    @discardableResult
    public mutating func stop(_ name: String? = nil) -> [String] {
        let stopped = running.filter { name == nil || $0.scenario.name == name }.map(\.scenario.name)
        running.removeAll { name == nil || $0.scenario.name == name }
        return stopped
    }

    /// Drops the one-shot scenarios that have ended; returns their names.
    public mutating func removeFinished(at now: Double) -> [String] {
        let finished = running.filter { $0.isFinished(at: now) }.map(\.scenario.name)
        if !finished.isEmpty { running.removeAll { $0.isFinished(at: now) } }
        return finished
    }
}

/// A scenario playing on one switch: its tracks bound to sensor positions.
public struct RunningScenario: Sendable {
    public struct BoundTrack: Sendable {
        public var sensor: Int
        public var track: ScenarioTrack
        /// The sensor's reading when the current run began (where a first ramp starts), and
        /// which run that was (0: none yet).
        public internal(set) var initial: Double?
        public internal(set) var run = 0
        public init(sensor: Int, track: ScenarioTrack) {
            self.sensor = sensor
            self.track = track
        }
    }

    public let scenario: Scenario
    public private(set) var tracks: [BoundTrack]
    /// When the first run begins (a start offset puts it in the future).
    public let startsAt: Double
    public let loops: Bool
    /// Seconds between the starts of two runs when looping.
    public let period: Double
    /// Sensors `clear` gave back to their sources.
    var released: Set<Int> = []

    public init(scenario: Scenario, tracks: [BoundTrack], startsAt: Double, loops: Bool, period: Double? = nil) {
        self.scenario = scenario
        self.tracks = tracks
        self.startsAt = startsAt
        self.loops = loops
        self.period = max(period ?? scenario.period, scenario.duration, 0.001)
    }

    /// Seconds into the current run; negative before the first.
    public func elapsed(at now: Double) -> Double {
        let elapsed = now - startsAt
        guard loops, elapsed >= 0 else { return elapsed }
        return elapsed.truncatingRemainder(dividingBy: period)
    }

    /// Runs begun so far (1 during the first).
    public func iteration(at now: Double) -> Int {
        let elapsed = now - startsAt
        guard elapsed >= 0 else { return 0 }
        return loops ? Int(elapsed / period) + 1 : 1
    }

    public func isFinished(at now: Double) -> Bool {
        !loops && now - startsAt >= scenario.duration
    }

    /// The track's reading now; the first read of each run notes where the sensor stood.
    mutating func reading(sensor: Int, at now: Double, current: Double?) -> SimulatedReading? {
        guard !released.contains(sensor), let index = tracks.lastIndex(where: { $0.sensor == sensor }) else { return nil }
        let t = elapsed(at: now)
        guard t >= 0 else { return nil }
        let run = iteration(at: now)
        if tracks[index].run != run {
            tracks[index].run = run
            tracks[index].initial = current
        }
        return tracks[index].track.reading(at: t, initial: tracks[index].initial)
    }

    /// Whether the scenario stands in for the sensor's source now.
    func holds(sensor: Int, at now: Double) -> Bool {
        guard !released.contains(sensor), let bound = tracks.last(where: { $0.sensor == sensor }) else { return false }
        let t = elapsed(at: now)
        return t >= 0 && bound.track.reading(at: t, initial: bound.initial ?? 0, noise: { 0 }) != nil
    }
}
