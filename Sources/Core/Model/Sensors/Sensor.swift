/// A sensor's live state: its last reading, which events are asserted, and the settings in
/// force. `update` is the threshold and state-change logic of IPMI 2.0 sections 30.5 and 36.
public struct Sensor: Sendable {
    public let definition: SensorDefinition
    public var settings: SensorSettings
    public private(set) var reading: UInt8 = 0
    public private(set) var isReadingAvailable = false
    /// Threshold sensors: the asserted threshold event offsets; discrete: the present states.
    public private(set) var assertedStates: UInt16 = 0
    /// Deassertions seen since the last re-arm (Get Sensor Event Status).
    public private(set) var deassertedStates: UInt16 = 0
    /// Set by Set Sensor Reading: the sensor keeps the injected value and ignores its source.
    public var isOverridden = false

    public init(definition: SensorDefinition, settings: SensorSettings? = nil) {
        self.definition = definition
        self.settings = settings ?? definition.initialSettings
    }

    public var number: UInt8 { definition.number }

    /// The BMC, with the sensor's LUN in bits 9..8.
    var generatorID: UInt16 { PlatformEvent.bmcGeneratorID | UInt16(definition.lun) << 8 }

    /// Takes a new raw reading (nil: the source could not be read) and returns the events it
    /// causes, enabled or not: assertions in rising severity, deassertions in falling severity.
    public mutating func update(raw: UInt8?) -> [PlatformEvent] {
        guard let raw else {
            // No reading, no events: a flaky source must not fake a recovery or a failure.
            isReadingAvailable = false
            return []
        }
        reading = raw
        isReadingAvailable = true
        switch definition.kind {
        case .threshold: return evaluateThresholds(raw)
        case .discrete(_, let states): return changeStates(to: UInt16(raw) & states)
        }
    }

    /// Sets a discrete sensor's states directly (Set Sensor Reading and Event Status).
    public mutating func setStates(_ states: UInt16) -> [PlatformEvent] {
        guard case .discrete(_, let supported) = definition.kind else { return [] }
        isReadingAvailable = true
        return changeStates(to: states & supported)
    }

    /// Forgets asserted events so that conditions still present are reported again.
    public mutating func rearm() {
        assertedStates = definition.isThreshold ? 0 : assertedStates
        deassertedStates = 0
    }

    /// Whether an event passes the sensor's event enables.
    public func isEnabled(_ event: PlatformEvent) -> Bool {
        guard settings.eventMessagesEnabled else { return false }
        let mask = event.isDeassertion ? settings.deassertionEnables : settings.assertionEnables
        return mask & 1 << UInt16(event.offset) != 0
    }

    /// Threshold comparison status for Get Sensor Reading: bit n set while threshold n is asserted.
    public var thresholdStatus: UInt8 {
        Threshold.allCases.reduce(0) { isAsserted($1) ? $0 | $1.maskBit : $0 }
    }

    public func isAsserted(_ threshold: Threshold) -> Bool {
        assertedStates & 1 << UInt16(threshold.eventOffset) != 0
    }

    private mutating func evaluateThresholds(_ raw: UInt8) -> [PlatformEvent] {
        var events: [PlatformEvent] = []
        let value = Int(raw)
        // Deassert first, most severe first, once the reading is back past the hysteresis.
        for threshold in Threshold.deassertionOrder where isAsserted(threshold) {
            let limit = settings.thresholds[threshold].map(Int.init)
            let cleared: Bool
            if let limit {
                cleared = threshold.isUpper
                    ? value < limit - Int(settings.positiveHysteresis)
                    : value > limit + Int(settings.negativeHysteresis)
            } else {
                cleared = true // the threshold was removed
            }
            if cleared {
                assertedStates &= ~(1 << UInt16(threshold.eventOffset))
                deassertedStates |= 1 << UInt16(threshold.eventOffset)
                events.append(thresholdEvent(threshold, raw: raw, limit: UInt8(clamping: limit ?? 0), deassertion: true))
            }
        }
        // Then assert, least severe first, as the reading reaches each threshold.
        for threshold in Threshold.assertionOrder where !isAsserted(threshold) {
            guard let limit = settings.thresholds[threshold] else { continue }
            let crossed = threshold.isUpper ? raw >= limit : raw <= limit
            if crossed {
                assertedStates |= 1 << UInt16(threshold.eventOffset)
                events.append(thresholdEvent(threshold, raw: raw, limit: limit, deassertion: false))
            }
        }
        return events
    }

    private func thresholdEvent(_ threshold: Threshold, raw: UInt8, limit: UInt8, deassertion: Bool) -> PlatformEvent {
        // Event data 1: trigger reading in byte 2, trigger threshold in byte 3, then the offset.
        PlatformEvent(generatorID: generatorID, sensorType: definition.sensorType, sensorNumber: definition.number,
                      isDeassertion: deassertion,
                      eventReadingType: 0x01, eventData1: 0x50 | threshold.eventOffset, eventData2: raw,
                      eventData3: limit)
    }

    private mutating func changeStates(to states: UInt16) -> [PlatformEvent] {
        let changed = assertedStates ^ states
        var events: [PlatformEvent] = []
        for offset in 0..<15 where changed & 1 << UInt16(offset) != 0 {
            let asserted = states & 1 << UInt16(offset) != 0
            if !asserted { deassertedStates |= 1 << UInt16(offset) }
            events.append(PlatformEvent(generatorID: generatorID, sensorType: definition.sensorType, sensorNumber: definition.number,
                                        isDeassertion: !asserted, eventReadingType: definition.eventReadingType,
                                        eventData1: UInt8(offset)))
        }
        assertedStates = states
        return events
    }
}
