import IPMICore
import Logging
import NIOCore

/// Reads every sensor at its interval on a thread of its own and hands each batch of
/// readings to the BMC's event loop: source -> poller -> BMC (thresholds, events, SEL).
final class SensorPoller {
    private struct Group {
        var interval: Double
        /// Each sensor's position in the configuration, name and reader.
        var sensors: [(index: Int, name: String, reader: any SensorReader)]
        /// Each sensor's source kind, for the poll-duration metric.
        var sourceKinds: [String] = []
    }

    private let loop: any EventLoop
    private let bmc: NIOLoopBound<BMC>
    private let logger: Logger
    private var groups: [Group]
    private var failures = RateLimitedLog(burst: 3, interval: .seconds(300))
    private let started = NIODeadline.now()
    /// Where poll durations go (the metrics); nil measures nothing.
    var timings: DaemonTimings?
    /// Simulate mode's overrides (hand-set values, failures, scenarios), on this loop too.
    private let simulation: SimulatedSwitch?

    /// Runs on `loop` (not the BMC's): file reads block, so they stay off the request path.
    init(sensors: [SensorDefinition], loop: any EventLoop, bmc: NIOLoopBound<BMC>, simulation: SimulatedSwitch? = nil,
         logger: Logger) {
        self.loop = loop
        self.simulation = simulation
        self.bmc = bmc
        self.logger = logger
        var groups: [Double: Group] = [:]
        for (index, sensor) in sensors.enumerated() {
            guard let reader = SensorReaders.make(for: sensor.source) else { continue }
            groups[sensor.pollInterval, default: Group(interval: sensor.pollInterval, sensors: [])]
                .sensors.append((index, sensor.name, reader))
            groups[sensor.pollInterval]!.sourceKinds.append(sensor.source.kindName)
        }
        self.groups = groups.values.sorted { $0.interval < $1.interval }
    }

    /// Starts polling; each group is read at once, then every `interval`.
    static func start(sensors: [SensorDefinition], loop: any EventLoop, bmc: NIOLoopBound<BMC>,
                      simulation: NIOLoopBound<SimulatedSwitch>? = nil, logger: Logger, timings: DaemonTimings? = nil) {
        loop.execute {
            // The poller lives on its loop alone.
            let poller = NIOLoopBound(SensorPoller(sensors: sensors, loop: loop, bmc: bmc, simulation: simulation?.value,
                                                   logger: logger), eventLoop: loop)
            poller.value.timings = timings
            for index in poller.value.groups.indices {
                let delay = TimeAmount.nanoseconds(Int64(poller.value.groups[index].interval * 1e9))
                loop.scheduleRepeatedTask(initialDelay: .zero, delay: delay) { _ in poller.value.poll(group: index) }
            }
        }
    }

    private func poll(group index: Int) {
        let now = NIODeadline.now()
        let elapsed = Double((now - started).nanoseconds) / 1e9
        var samples: [SensorSample] = []
        samples.reserveCapacity(groups[index].sensors.count)
        var durations: [String: TimeAmount] = [:]
        let seconds = SimulatedSwitch.seconds(now)
        simulation?.expire(at: seconds)
        for position in groups[index].sensors.indices {
            let sensor = groups[index].sensors[position].index
            var value: Double?
            if let held = simulation?.reading(sensor: sensor, at: seconds) {
                // A hand-set value, a failure or a scenario stands in for the source.
                if case .value(let number) = held { value = number }
            } else {
                let readStarted = timings == nil ? now : NIODeadline.now()
                let result = groups[index].sensors[position].reader.read(elapsed: elapsed)
                if timings != nil { durations[groups[index].sourceKinds[position], default: .zero] += .now() - readStarted }
                switch result {
                case .success(let number):
                    value = number
                case .failure(let error):
                    let name = groups[index].sensors[position].name
                    failures.note("sensor \(name) unreadable", detail: error.description, logger: logger, now: now)
                }
            }
            simulation?.note(sensor: sensor, value: value)
            samples.append(SensorSample(sensor: sensor, value: value))
        }
        timings?.notePolls(durations)
        let bmc = self.bmc
        let batch = samples
        bmc.eventLoop.execute { bmc.value.record(batch) }
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
