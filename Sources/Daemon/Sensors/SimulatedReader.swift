#if canImport(Glibc)
import Glibc
#endif
import IPMICore

/// A simulated sensor following its waveform over the daemon's uptime.
struct SimulatedReader: SensorReader {
    let waveform: Waveform
    private var walk: Double?

    init(waveform: Waveform) {
        self.waveform = waveform
    }

    mutating func read(elapsed: Double) -> Result<Double, SensorReadError> {
        .success(value(at: elapsed))
    }

    mutating func value(at t: Double) -> Double {
        switch waveform {
        case .constant(let value):
            return value
        case .ramp(let from, let to, let period):
            return from + (to - from) * (t.truncatingRemainder(dividingBy: period) / period)
        case .sine(let minimum, let maximum, let period):
            let middle = (minimum + maximum) / 2
            return middle + (maximum - minimum) / 2 * sin(2 * .pi * t / period)
        case .randomWalk(let start, let step, let minimum, let maximum):
            let next = (walk ?? start) + Double.random(in: -step...step)
            walk = min(maximum, max(minimum, next))
            return walk!
        case .steps(let steps, let repeatEvery):
            let time = repeatEvery.map { t.truncatingRemainder(dividingBy: $0) } ?? t
            return steps.last { $0.at <= time }?.value ?? steps[0].value
        }
    }
}
