import IPMICore
import Logging
import NIOCore

/// Reads every sensor of every switch the host runs at its interval, on a thread of its own,
/// and hands the readings to the BMCs' event loops in batches: source -> poller -> BMC
/// (thresholds, events, SEL). One repeated task per distinct interval serves all members, and
/// each tick makes one hop per BMC loop, however many switches live there.
final class SensorPoller {
    /// A switch to poll: its sensors, its BMC, and simulate mode's overrides for it.
    struct Member {
        var sensors: [SensorDefinition]
        var bmc: NIOLoopBound<BMC>
        var simulation: NIOLoopBound<SimulatedSwitch>?
    }

    private struct Source {
        /// The sensor's position in the configuration.
        var index: Int
        var name: String
        var reader: any SensorReader
        /// The source's kind, for the poll-duration metric.
        var kind: String
    }

    private struct Polled {
        let bmc: NIOLoopBound<BMC>
        /// Simulate mode's overrides (hand-set values, failures, scenarios), on this loop too.
        let simulation: SimulatedSwitch?
        /// The member's sources by interval (`SensorPoller.intervals`' order).
        var groups: [[Source]]
        let label: String
    }

    private let intervals: [Double]
    private var members: [Polled]
    private let logger: Logger
    private var failures = RateLimitedLog(burst: 3, interval: .seconds(300))
    private let started = NIODeadline.now()
    /// Where poll durations go (the metrics); nil measures nothing.
    private let timings: DaemonTimings?

    /// Runs on the poller's loop (not a BMC's): file reads block, so they stay off the request path.
    private init(members: [Member], timings: DaemonTimings?, logger: Logger) {
        self.logger = logger
        self.timings = timings
        let intervals = Set(members.flatMap { $0.sensors.map(\.pollInterval) }).sorted()
        self.intervals = intervals
        self.members = members.map { member in
            var groups = [[Source]](repeating: [], count: intervals.count)
            for (index, sensor) in member.sensors.enumerated() {
                guard let reader = SensorReaders.make(for: sensor.source) else { continue }
                groups[intervals.firstIndex(of: sensor.pollInterval)!].append(Source(index: index, name: sensor.name, reader: reader,
                                                                                         kind: sensor.source.kindName))
            }
            return Polled(bmc: member.bmc, simulation: member.simulation?.value, groups: groups,
                          label: members.count > 1 ? "member \(member.simulation?.value.member ?? 0) " : "")
        }
    }

    /// Starts polling one switch; each interval's sensors are read at once, then every interval.
    static func start(sensors: [SensorDefinition], loop: any EventLoop, bmc: NIOLoopBound<BMC>,
                      simulation: NIOLoopBound<SimulatedSwitch>? = nil, logger: Logger, timings: DaemonTimings? = nil) {
        start(members: [Member(sensors: sensors, bmc: bmc, simulation: simulation)], loop: loop, logger: logger,
              timings: timings)
    }

    /// Starts polling every member on `loop`, the simulations' loop.
    static func start(members: [Member], loop: any EventLoop, logger: Logger, timings: DaemonTimings? = nil) {
        loop.execute {
            // The poller lives on its loop alone.
            let poller = NIOLoopBound(SensorPoller(members: members, timings: timings, logger: logger), eventLoop: loop)
            for (index, interval) in poller.value.intervals.enumerated() {
                let delay = TimeAmount.nanoseconds(Int64(interval * 1e9))
                loop.scheduleRepeatedTask(initialDelay: .zero, delay: delay) { _ in poller.value.poll(group: index) }
            }
        }
    }

    private func poll(group index: Int) {
        let now = NIODeadline.now()
        let elapsed = Double((now - started).nanoseconds) / 1e9
        let seconds = SimulatedSwitch.seconds(now)
        // One hop per BMC loop, carrying the readings of every member that lives there.
        var batches: [ObjectIdentifier: (loop: any EventLoop, readings: [(NIOLoopBound<BMC>, [SensorSample])])] = [:]
        var durations: [String: TimeAmount] = [:]
        for position in members.indices where !members[position].groups[index].isEmpty {
            let samples = read(member: position, group: index, elapsed: elapsed, seconds: seconds, now: now,
                               durations: &durations)
            let loop = members[position].bmc.eventLoop
            batches[ObjectIdentifier(loop), default: (loop, [])].readings.append((members[position].bmc, samples))
        }
        timings?.notePolls(durations)
        for batch in batches.values {
            let readings = batch.readings
            batch.loop.execute {
                for (bmc, samples) in readings { bmc.value.record(samples) }
            }
        }
    }

    private func read(member position: Int, group index: Int, elapsed: Double, seconds: Double, now: NIODeadline,
                      durations: inout [String: TimeAmount]) -> [SensorSample] {
        let simulation = members[position].simulation
        var samples: [SensorSample] = []
        samples.reserveCapacity(members[position].groups[index].count)
        simulation?.expire(at: seconds)
        for source in members[position].groups[index].indices {
            let sensor = members[position].groups[index][source].index
            var value: Double?
            if let held = simulation?.reading(sensor: sensor, at: seconds) {
                // A hand-set value, a failure or a scenario stands in for the source.
                if case .value(let number) = held { value = number }
            } else {
                let readStarted = timings == nil ? now : NIODeadline.now()
                let result = members[position].groups[index][source].reader.read(elapsed: elapsed)
                if timings != nil { durations[members[position].groups[index][source].kind, default: .zero] += .now() - readStarted }
                switch result {
                case .success(let number):
                    value = number
                case .failure(let error):
                    let name = members[position].label + "sensor " + members[position].groups[index][source].name
                    failures.note("\(name) unreadable", detail: error.description, logger: logger, now: now)
                }
            }
            simulation?.note(sensor: sensor, value: value)
            samples.append(SensorSample(sensor: sensor, value: value))
        }
        return samples
    }
}

extension SensorSource {
    /// hwmon, file or simulated (the poll-duration metric's `source` label).
    var kindName: String {
        switch self {
        case .none: "none"
        case .hwmon: "hwmon"
        case .file: "file"
        case .simulated: "simulated"
        }
    }
}
