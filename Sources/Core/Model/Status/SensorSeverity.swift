/// How bad a sensor's state is, as freeipmi's ipmimonitoring (and so the Prometheus IPMI
/// exporter) reports it: the `*_state` metrics are this value.
public enum SensorSeverity: Int, Sendable, Codable, Comparable {
    case nominal = 0
    case warning = 1
    case critical = 2

    public static func < (lhs: SensorSeverity, rhs: SensorSeverity) -> Bool { lhs.rawValue < rhs.rawValue }

    public var name: String { ["Nominal", "Warning", "Critical"][rawValue] }

    /// Threshold sensors: an asserted non-critical threshold is a warning, a critical or
    /// non-recoverable one critical (freeipmi's default interpretation).
    public init(thresholdStatus: UInt8) {
        let critical = Threshold.lowerCritical.maskBit | Threshold.lowerNonRecoverable.maskBit
            | Threshold.upperCritical.maskBit | Threshold.upperNonRecoverable.maskBit
        let warning = Threshold.lowerNonCritical.maskBit | Threshold.upperNonCritical.maskBit
        self = thresholdStatus & critical != 0 ? .critical : thresholdStatus & warning != 0 ? .warning : .nominal
    }

    /// Discrete sensors: the worst of the asserted states, for the sensor-specific states
    /// freeipmi's default interpretation rates (IPMI 2.0 table 42-3); others are nominal.
    public init(sensorType: UInt8, eventReadingType: UInt8, states: UInt16) {
        var worst = SensorSeverity.nominal
        for offset in 0..<15 where states & 1 << UInt16(offset) != 0 {
            worst = max(worst, Self.rating(sensorType: sensorType, eventReadingType: eventReadingType, offset: offset))
        }
        self = worst
    }

    private static func rating(sensorType: UInt8, eventReadingType: UInt8, offset: Int) -> SensorSeverity {
        switch eventReadingType {
        case 0x6F:
            switch (sensorType, offset) {
            case (0x08, 0): return .nominal // power supply: presence detected
            case (0x08, 2): return .warning // power supply: predictive failure
            case (0x08, 1...6): return .critical // failure detected, input lost or out of range, config error
            case (0x07, 0...5), (0x07, 8): return .critical // processor: IERR, thermal trip, ... disabled
            case (0x0C, 0...5): return .critical // memory: ECC and parity errors
            case (0x23, 1...3): return .critical // watchdog 2: reset, power down, power cycle
            case (0x05, 0...6): return .critical // chassis intrusion
            default: return .nominal
            }
        case 0x07: // severity: transitions to OK, non-critical, critical, non-recoverable
            switch offset {
            case 1, 4: return .warning
            case 2, 3, 5, 6: return .critical
            default: return .nominal
            }
        case 0x08: return .nominal // device removed / inserted
        case 0x03: return offset == 1 ? .critical : .nominal // state asserted
        default: return .nominal
        }
    }
}
