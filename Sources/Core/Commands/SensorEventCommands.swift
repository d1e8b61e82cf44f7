import NIOCore

/// The Sensor/Event network function (netfn 0x04): sensor readings, thresholds, hysteresis,
/// event enables and the device SDR.
public enum SensorEventCommands {
    public static let table: [CommandSpec] = pefCommands + eventCommands + [
        CommandSpec(0x20, "Get Device SDR Info", .user, getDeviceSDRInfo),
        CommandSpec(0x21, "Get Device SDR", .user, getDeviceSDR),
        CommandSpec(0x22, "Reserve Device SDR Repository", .user, reserveDeviceSDR),
        CommandSpec(0x23, "Get Sensor Reading Factors", .user, getSensorReadingFactors),
        CommandSpec(0x24, "Set Sensor Hysteresis", .operator, setSensorHysteresis),
        CommandSpec(0x25, "Get Sensor Hysteresis", .user, getSensorHysteresis),
        CommandSpec(0x26, "Set Sensor Thresholds", .operator, setSensorThresholds),
        CommandSpec(0x27, "Get Sensor Thresholds", .user, getSensorThresholds),
        CommandSpec(0x28, "Set Sensor Event Enable", .operator, setSensorEventEnable),
        CommandSpec(0x29, "Get Sensor Event Enable", .user, getSensorEventEnable),
        CommandSpec(0x2A, "Re-arm Sensor Events", .operator, rearmSensorEvents),
        CommandSpec(0x2B, "Get Sensor Event Status", .user, getSensorEventStatus),
        CommandSpec(0x2D, "Get Sensor Reading", .user, getSensorReading),
        CommandSpec(0x30, "Set Sensor Reading and Event Status", .operator, setSensorReading),
    ]

    // MARK: Device SDR (the same records as the SDR repository)

    static func getDeviceSDRInfo(_ bmc: BMC, _ request: OptionalByteRequest, _ context: RequestContext) -> RawResponse {
        // A management module's chassis sensors (proxies, link sensors) are its sensors too.
        let chassis = bmc.lineCards?.sensors.keys ?? [:].keys
        let count = request.value == 1
            ? bmc.sdr.entries.count
            : bmc.sensors.count { $0.definition.lun == context.lun } + chassis.count { UInt8($0 >> 8) == context.lun }
        let luns = bmc.sensors.reduce(UInt8(0)) { $0 | 1 << $1.definition.lun } | chassis.reduce(UInt8(0)) { $0 | 1 << UInt8($1 >> 8) }
        return RawResponse([UInt8(clamping: count), luns]) // static population; the LUNs that have sensors
    }

    static func getDeviceSDR(_ bmc: BMC, _ request: GetRecordRequest, _ context: RequestContext) throws(CompletionCode) -> GetSDRResponse {
        try bmc.readSDR(request)
    }

    static func reserveDeviceSDR(_ bmc: BMC, _: EmptyRequest, _: RequestContext) -> UInt16Response {
        UInt16Response(value: bmc.sdr.reserve())
    }

    // MARK: Readings and thresholds

    static func getSensorReading(_ bmc: BMC, _ request: SensorNumberRequest, _ context: RequestContext) throws(CompletionCode) -> GetSensorReadingResponse {
        let index = try bmc.sensorIndex(for: request.sensor, lun: context.lun)
        guard !bmc.sensors[index].definition.isEventOnly else { throw .notPresent }
        return GetSensorReadingResponse(sensor: bmc.sensors[index])
    }

    static func getSensorReadingFactors(_ bmc: BMC, _ request: SensorNumberRequest, _ context: RequestContext) throws(CompletionCode) -> RawResponse {
        let index = try bmc.sensorIndex(for: request.sensor, lun: context.lun)
        let linearization = bmc.sensors[index].definition.linearization
        let m = linearization.m & 0x3FF
        let b = linearization.b & 0x3FF
        return RawResponse([
            0xFF, // linear: the factors hold for every reading
            UInt8(truncatingIfNeeded: m), UInt8(m >> 8) << 6,
            UInt8(truncatingIfNeeded: b), UInt8(b >> 8) << 6,
            0x00,
            UInt8(linearization.rExponent & 0x0F) << 4 | UInt8(linearization.bExponent & 0x0F),
        ])
    }

    static func getSensorThresholds(_ bmc: BMC, _ request: SensorNumberRequest, _ context: RequestContext) throws(CompletionCode) -> ThresholdsResponse {
        let index = try bmc.thresholdSensorIndex(request.sensor, lun: context.lun)
        return ThresholdsResponse(thresholds: bmc.sensors[index].settings.thresholds)
    }

    static func setSensorThresholds(_ bmc: BMC, _ request: SetSensorThresholdsRequest, _ context: RequestContext) throws(CompletionCode) -> EmptyResponse {
        let index = try bmc.thresholdSensorIndex(request.sensor, lun: context.lun)
        let settable = bmc.sensors[index].definition.initialSettings.thresholds.mask
        guard request.mask & ~settable == 0 else { throw .invalidDataField }
        try bmc.changeSettings(of: index) { settings in
            for threshold in Threshold.allCases where request.mask & threshold.maskBit != 0 {
                settings.thresholds[threshold] = request.values[threshold.rawValue]
            }
        }
        return EmptyResponse()
    }

    static func getSensorHysteresis(_ bmc: BMC, _ request: SensorNumberRequest, _ context: RequestContext) throws(CompletionCode) -> RawResponse {
        let index = try bmc.thresholdSensorIndex(request.sensor, lun: context.lun)
        let settings = bmc.sensors[index].settings
        return RawResponse([settings.positiveHysteresis, settings.negativeHysteresis])
    }

    static func setSensorHysteresis(_ bmc: BMC, _ request: SetSensorHysteresisRequest, _ context: RequestContext) throws(CompletionCode) -> EmptyResponse {
        let index = try bmc.thresholdSensorIndex(request.sensor, lun: context.lun)
        try bmc.changeSettings(of: index) { settings in
            settings.positiveHysteresis = request.positive
            settings.negativeHysteresis = request.negative
        }
        return EmptyResponse()
    }

    // MARK: Events

    static func getSensorEventEnable(_ bmc: BMC, _ request: SensorNumberRequest, _ context: RequestContext) throws(CompletionCode) -> SensorEventFlagsResponse {
        let settings = bmc.sensors[try bmc.sensorIndex(for: request.sensor, lun: context.lun)].settings
        return SensorEventFlagsResponse(flags: bmc.sensorFlags(settings), assertions: settings.assertionEnables,
                                        deassertions: settings.deassertionEnables)
    }

    static func setSensorEventEnable(_ bmc: BMC, _ request: SetSensorEventEnableRequest, _ context: RequestContext) throws(CompletionCode) -> EmptyResponse {
        let index = try bmc.sensorIndex(for: request.sensor, lun: context.lun)
        let supported = bmc.sensors[index].definition.supportedEvents
        try bmc.changeSettings(of: index) { settings in
            settings.eventMessagesEnabled = request.eventMessagesEnabled
            settings.scanningEnabled = request.scanningEnabled
            switch request.change {
            case .none: break
            case .enableSelected:
                settings.assertionEnables |= request.assertions & supported
                settings.deassertionEnables |= request.deassertions & supported
            case .disableSelected:
                settings.assertionEnables &= ~request.assertions
                settings.deassertionEnables &= ~request.deassertions
            }
        }
        return EmptyResponse()
    }

    static func getSensorEventStatus(_ bmc: BMC, _ request: SensorNumberRequest, _ context: RequestContext) throws(CompletionCode) -> SensorEventFlagsResponse {
        let sensor = bmc.sensors[try bmc.sensorIndex(for: request.sensor, lun: context.lun)]
        let flags = bmc.sensorFlags(sensor.settings) | (sensor.isReadingAvailable ? 0 : 0x20)
        return SensorEventFlagsResponse(flags: flags, assertions: sensor.assertedStates, deassertions: sensor.deassertedStates)
    }

    static func rearmSensorEvents(_ bmc: BMC, _ request: RearmSensorEventsRequest, _ context: RequestContext) throws(CompletionCode) -> EmptyResponse {
        let index = try bmc.sensorIndex(for: request.sensor, lun: context.lun)
        bmc.sensors[index].rearm()
        if bmc.sensors[index].isReadingAvailable {
            bmc.log(bmc.sensors[index].update(raw: bmc.sensors[index].reading), from: index)
        }
        return EmptyResponse()
    }

    /// Lets an operator or a test inject a reading (or discrete states); the sensor then
    /// keeps it instead of its source's readings until the daemon restarts.
    static func setSensorReading(_ bmc: BMC, _ request: SetSensorReadingRequest, _ context: RequestContext) throws(CompletionCode) -> EmptyResponse {
        let index = try bmc.sensorIndex(for: request.sensor, lun: context.lun)
        var events: [PlatformEvent] = []
        if request.operation & 0x03 == 0x01 {
            guard let reading = request.reading else { throw .requestDataLengthInvalid }
            bmc.sensors[index].isOverridden = true
            events += bmc.sensors[index].update(raw: reading)
        }
        if let bits = request.assertions, !bmc.sensors[index].definition.isThreshold {
            let current = bmc.sensors[index].assertedStates
            let states: UInt16? = switch request.operation >> 4 & 0x03 {
            case 1: bits
            case 2: current | bits
            case 3: current & ~bits
            default: nil
            }
            if let states {
                bmc.sensors[index].isOverridden = true
                events += bmc.sensors[index].setStates(states)
            }
        }
        bmc.log(events, from: index)
        return EmptyResponse()
    }
}

/// A request with one optional byte (Get Device SDR Info's operation).
public struct OptionalByteRequest: CommandRequest {
    public var value: UInt8?
    public init(from reader: inout RequestReader) throws(CompletionCode) {
        value = reader.remaining > 0 ? try reader.byte() : nil
        try reader.end()
    }
}

extension BMC {
    func thresholdSensorIndex(_ number: UInt8, lun: UInt8) throws(CompletionCode) -> Int {
        let index = try sensorIndex(for: number, lun: lun)
        guard sensors[index].definition.isThreshold else { throw .illegalForSensorOrRecordType }
        return index
    }

    func sensorFlags(_ settings: SensorSettings) -> UInt8 {
        (settings.eventMessagesEnabled ? 0x80 : 0) | (settings.scanningEnabled ? 0x40 : 0)
    }

    /// Changes a sensor's settings durably, then re-evaluates its reading against them.
    func changeSettings(of index: Int, _ change: (inout SensorSettings) -> Void) throws(CompletionCode) {
        try saveThenApply(\.sensors, as: BMC.sensorSettingsFile, saving: BMC.settingsByName) { change(&$0[index].settings) }
        if sensors[index].isReadingAvailable {
            log(sensors[index].update(raw: sensors[index].reading), from: index)
        }
    }
}
