/// A named fault scenario: for each sensor it names, a timeline of segments that overrides the
/// sensor's configured source while it runs. After a track's last segment the sensor follows
/// its source again. conf/scenarios/README.md documents the file format.
public struct Scenario: Sendable, Equatable {
    public var name: String
    public var description: String
    public var tracks: [ScenarioTrack]
    /// Runs again every `period` seconds when started looping.
    public var loops: Bool
    /// Seconds from one loop's start to the next; at least `duration`.
    public var period: Double

    public init(name: String, description: String = "", tracks: [ScenarioTrack], loops: Bool = false, period: Double? = nil) {
        self.name = name
        self.description = description
        self.tracks = tracks
        self.loops = loops
        self.period = max(period ?? 0, tracks.map(\.duration).max() ?? 0)
    }

    /// Seconds until the last track ends.
    public var duration: Double { tracks.map(\.duration).max() ?? 0 }
}

/// One sensor's timeline: segments one after another from the scenario's start.
public struct ScenarioTrack: Sendable, Equatable {
    /// The sensor's name, as `ipmitool sdr elist` shows it.
    public var sensor: String
    public var segments: [ScenarioSegment]

    public init(sensor: String, segments: [ScenarioSegment]) {
        self.sensor = sensor
        self.segments = segments
    }

    public var duration: Double { segments.reduce(0) { $0 + $1.duration } }

    /// The reading `t` seconds into the track: a value, unavailable, or nil where the sensor
    /// follows its source (a `normal` segment, or past the end). `initial` is the sensor's
    /// reading when the scenario started: where a first ramp, hold or noise begins.
    public func reading(at t: Double, initial: Double?, noise: () -> Double = { Double.random(in: -1...1) }) -> SimulatedReading? {
        guard t >= 0 else { return nil }
        var start = 0.0
        var level = initial
        for segment in segments {
            let end = start + segment.duration
            if t < end {
                return segment.kind.reading(at: t - start, of: segment.duration, level: level, noise: noise)
            }
            level = segment.kind.level(after: level)
            start = end
        }
        return nil
    }

    /// The values the track sets (for range checks against its sensor).
    public var values: [Double] { segments.flatMap(\.kind.values) }
}

/// What a sensor reads while a scenario or a hand-set override holds it.
public enum SimulatedReading: Sendable, Equatable {
    case value(Double)
    /// The source cannot be read: the BMC reports the reading unavailable.
    case unavailable
}

/// A span of a track: what the sensor reads, for `duration` seconds.
public struct ScenarioSegment: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// Jumps to the value and stays there (a discrete sensor's value is its state mask).
        case step(Double)
        /// Stays at the value the track reached before (or the reading at the start).
        case hold
        /// Moves linearly to `to` from `from`, or from where the track was.
        case ramp(from: Double?, to: Double)
        /// Jitters uniformly within `amplitude` of `around`, or of where the track was.
        case noise(amplitude: Double, around: Double?)
        /// Alternates between two values, each held for `every` seconds, starting with `first`.
        case flap(first: Double, second: Double, every: Double)
        /// The source cannot be read.
        case unavailable
        /// The sensor follows its configured source.
        case normal
    }

    public var kind: Kind
    public var duration: Double

    public init(_ kind: Kind, duration: Double) {
        self.kind = kind
        self.duration = duration
    }
}

extension ScenarioSegment.Kind {
    func reading(at t: Double, of duration: Double, level: Double?, noise: () -> Double) -> SimulatedReading? {
        switch self {
        case .step(let value):
            return .value(value)
        case .hold:
            return level.map(SimulatedReading.value)
        case .ramp(let from, let to):
            guard let start = from ?? level else { return .value(to) }
            return .value(start + (to - start) * min(1, t / duration))
        case .noise(let amplitude, let around):
            guard let center = around ?? level else { return nil }
            return .value(center + amplitude * noise())
        case .flap(let first, let second, let every):
            return .value(Int(t / every) % 2 == 0 ? first : second)
        case .unavailable:
            return .unavailable
        case .normal:
            return nil
        }
    }

    /// Where the track stands after this segment: the level the next ramp, hold or noise starts from.
    func level(after level: Double?) -> Double? {
        switch self {
        case .step(let value): value
        case .ramp(_, let to): to
        case .noise(_, let around): around ?? level
        case .hold, .flap, .unavailable, .normal: level
        }
    }

    var values: [Double] {
        switch self {
        case .step(let value): [value]
        case .ramp(let from, let to): (from.map { [$0] } ?? []) + [to]
        case .noise(let amplitude, let around): around.map { [$0 - amplitude, $0 + amplitude] } ?? []
        case .flap(let first, let second, _): [first, second]
        case .hold, .unavailable, .normal: []
        }
    }
}
