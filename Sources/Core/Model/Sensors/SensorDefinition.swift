/// A sensor as the configuration declares it: what it measures, how its raw byte maps to
/// real units, where its readings come from, and its initial thresholds and event enables.
public struct SensorDefinition: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// Readings compared against thresholds (event/reading type 0x01).
        case threshold
        /// A set of states (event/reading type 0x02..0x0C generic, 0x6F sensor-specific);
        /// `states` has a bit for each offset the sensor reports.
        case discrete(eventReadingType: UInt8, states: UInt16)
    }

    public var number: UInt8
    /// Sensors past 254 live on LUNs 1 to 3 of the BMC (IPMI 2.0 section 7.2).
    public var lun: UInt8
    public var name: String
    public var sensorType: UInt8
    public var kind: Kind
    public var entityID: UInt8
    public var entityInstance: UInt8
    /// IPMI base unit code (1 degrees C, 4 volts, 5 amps, 6 watts, 18 RPM, 0 unspecified).
    public var unit: UInt8
    public var linearization: Linearization
    /// Thresholds, hysteresis and event enables until a client changes them.
    public var initialSettings: SensorSettings
    /// Described by an event-only SDR: it has events but no reading.
    public var isEventOnly: Bool
    public var source: SensorSource
    /// Seconds between readings.
    public var pollInterval: Double

    public init(number: UInt8, lun: UInt8 = 0, name: String, sensorType: UInt8, kind: Kind, entityID: UInt8, entityInstance: UInt8 = 1,
                unit: UInt8 = 0, linearization: Linearization = Linearization(),
                initialSettings: SensorSettings = SensorSettings(), isEventOnly: Bool = false,
                source: SensorSource = .none, pollInterval: Double = 1) {
        self.number = number
        self.lun = lun
        self.name = name
        self.sensorType = sensorType
        self.kind = kind
        self.entityID = entityID
        self.entityInstance = entityInstance
        self.unit = unit
        self.linearization = linearization
        self.initialSettings = initialSettings
        self.isEventOnly = isEventOnly
        self.source = source
        self.pollInterval = pollInterval
    }

    public var isThreshold: Bool { kind == .threshold }

    /// Unique per BMC: LUN and number.
    public var key: UInt16 { UInt16(lun) << 8 | UInt16(number) }

    public var eventReadingType: UInt8 {
        switch kind {
        case .threshold: 0x01
        case .discrete(let type, _): type
        }
    }

    /// Offsets this sensor can assert: the thresholds it has, or its discrete states.
    public var supportedEvents: UInt16 {
        switch kind {
        case .threshold:
            Threshold.allCases.reduce(0) { initialSettings.thresholds[$1] == nil ? $0 : $0 | 1 << UInt16($1.eventOffset) }
        case .discrete(_, let states):
            states
        }
    }
}

/// What a client may change about a sensor; persisted so the changes survive a restart.
public struct SensorSettings: Sendable, Equatable, Codable {
    public var thresholds = ThresholdSet()
    /// Raw counts a reading must fall back below an upper threshold before it deasserts.
    public var positiveHysteresis: UInt8 = 0
    /// Raw counts a reading must rise back above a lower threshold before it deasserts.
    public var negativeHysteresis: UInt8 = 0
    public var assertionEnables: UInt16 = 0
    public var deassertionEnables: UInt16 = 0
    public var eventMessagesEnabled = true
    public var scanningEnabled = true

    public init() {}
}

/// Where a sensor's readings come from. The daemon reads them; the BMC only sees values.
public enum SensorSource: Sendable, Equatable {
    /// Only Set Sensor Reading and Event Status sets it.
    case none
    /// A Linux hwmon attribute, found by chip name and label (or attribute name) under `root`.
    case hwmon(root: String, chip: String, label: String?, attribute: String?)
    /// A number in a text file, times `scale` plus `offset`.
    case file(path: String, scale: Double, offset: Double)
    case simulated(Waveform)
}

/// A simulated reading over time (seconds since the daemon started).
public enum Waveform: Sendable, Equatable {
    case constant(Double)
    /// From `from` to `to` over `period` seconds, then again.
    case ramp(from: Double, to: Double, period: Double)
    case sine(minimum: Double, maximum: Double, period: Double)
    /// Each reading moves by up to `step` from the last, within the bounds.
    case randomWalk(start: Double, step: Double, minimum: Double, maximum: Double)
    /// Holds each value from its time on; with `repeatEvery`, the script loops.
    case steps([WaveformStep], repeatEvery: Double?)
}

public struct WaveformStep: Sendable, Equatable {
    public var at: Double
    public var value: Double
    public init(at: Double, value: Double) {
        self.at = at
        self.value = value
    }
}
