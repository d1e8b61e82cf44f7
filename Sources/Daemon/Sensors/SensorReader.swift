import IPMICore

/// Reads one sensor's value in real units; nil when it cannot (the BMC then marks the
/// reading unavailable). Readers run on the poller thread, never on the BMC's loop.
protocol SensorReader {
    /// `elapsed` is seconds since the daemon started (simulated waveforms follow it).
    mutating func read(elapsed: Double) -> Result<Double, SensorReadError>
}

struct SensorReadError: Error, CustomStringConvertible {
    var description: String
}

enum SensorReaders {
    static func make(for source: SensorSource) -> (any SensorReader)? {
        switch source {
        case .none: nil
        case .hwmon(let root, let chip, let label, let attribute):
            HwmonReader(root: root, chip: chip, label: label, attribute: attribute)
        case .file(let path, let scale, let offset):
            FileReader(path: path, scale: scale, offset: offset)
        case .simulated(let waveform):
            SimulatedReader(waveform: waveform)
        }
    }
}
