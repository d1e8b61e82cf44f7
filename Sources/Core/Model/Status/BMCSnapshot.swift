/// What the BMC publishes about itself, taken on its event loop about once a second:
/// immutable and Sendable, so HTTP, metrics and `ipmigod status` read it on their own threads
/// without touching the BMC. A fleet publishes one per member.
public struct BMCSnapshot: Sendable {
    public struct SensorStatus: Sendable {
        /// The SDR record ID describing the sensor (freeipmi's and the exporter's `id`).
        public var recordID: UInt16
        public var number: UInt8
        public var lun: UInt8
        public var name: String
        public var sensorType: UInt8
        public var eventReadingType: UInt8
        /// IPMI base unit code.
        public var unit: UInt8
        public var linearization: Linearization
        /// The raw reading; nil while the sensor has none.
        public var raw: UInt8?
        /// Threshold sensors: raw thresholds present, by `Threshold.rawValue`.
        public var thresholds: ThresholdSet
        /// Threshold sensors: the comparison status bits; discrete ones: the asserted states.
        public var states: UInt16
        public var severity: SensorSeverity

        public var isThreshold: Bool { eventReadingType == 0x01 }
        /// The reading in real units (threshold sensors).
        public var value: Double? { raw.map(linearization.realValue) }
        public func threshold(_ threshold: Threshold) -> Double? { thresholds[threshold].map(linearization.realValue) }
    }

    public struct SELStatus: Sendable {
        public var entries: Int
        public var freeBytes: Int
        public var capacity: Int
        public var overflowed: Bool
        /// The newest entries, oldest first.
        public var latest: [SELRecord]
    }

    public struct Device: Sendable {
        public var deviceID: UInt8
        public var firmwareRevision: String
        public var manufacturerID: UInt32
        public var productID: UInt16
        public var guid: [UInt8]
        /// System Info parameter 1, as a client set it ("" until then).
        public var systemFirmwareVersion: String
    }

    /// Seconds since 1970, when it was taken.
    public var time: Int64
    public var device: Device
    public var sensors: [SensorStatus]
    public var sel: SELStatus
    /// The chassis power state (nil leaves `ipmi_chassis_power_state` out).
    public var chassisPowerOn: Bool?
    public var sessionsActive: Int
    public var sessionCapacity: Int
    /// User names by ID, for the per-user counters' labels.
    public var userNames: [UInt8: String]
    public var counters: BMCCounters
    public var eventsLogged: Int
    public var alertsRaised: Int
    /// Packets dropped, by reason (malformed, bad authentication, session refused, ...).
    public var drops: [String: Int]
    /// A management module's line-card links, by slot: up or not. Empty on any other BMC.
    public var lineCardLinks: [UInt8: Bool] = [:]
}

extension BMC {
    public static let snapshotSELEntries = 20

    /// The published snapshot: call it on the BMC's event loop.
    public func snapshot(time: Int64 = SELClock.systemSeconds()) -> BMCSnapshot {
        var recordIDs: [Int: UInt16] = [:]
        for element in sdr.entries {
            if case .sensor(let index) = element.entry { recordIDs[index] = element.id }
        }
        let statuses = sensors.indices.map { index in
            let sensor = sensors[index]
            let definition = sensor.definition
            let states = definition.isThreshold ? UInt16(sensor.thresholdStatus) : sensor.assertedStates
            return BMCSnapshot.SensorStatus(
                recordID: recordIDs[index] ?? 0, number: definition.number, lun: definition.lun, name: definition.name,
                sensorType: definition.sensorType, eventReadingType: definition.eventReadingType, unit: definition.unit,
                linearization: definition.linearization,
                raw: sensor.isReadingAvailable && !definition.isEventOnly ? sensor.reading : nil,
                thresholds: sensor.settings.thresholds, states: states,
                severity: definition.isThreshold
                    ? SensorSeverity(thresholdStatus: sensor.thresholdStatus)
                    : SensorSeverity(sensorType: definition.sensorType, eventReadingType: definition.eventReadingType,
                                     states: sensor.assertedStates))
        }
        let device = configuration.device
        var names: [UInt8: String] = [:]
        for user in users.slots where !user.name.isEmpty { names[user.id] = user.name }
        var snapshot = BMCSnapshot(
            time: time,
            device: .init(deviceID: device.deviceID, firmwareRevision: "\(device.firmwareMajor).\(device.firmwareMinor < 10 ? "0" : "")\(device.firmwareMinor)",
                          manufacturerID: device.manufacturerID, productID: device.productID, guid: device.systemGUID,
                          systemFirmwareVersion: settings.systemInfo.string(.firmwareVersion)),
            sensors: statuses,
            sel: .init(entries: sel.entryCount, freeBytes: sel.freeBytes, capacity: sel.configuration.capacity,
                       overflowed: sel.hasOverflowed, latest: sel.latestEntries(BMC.snapshotSELEntries)),
            chassisPowerOn: chassis.isPoweredOn,
            sessionsActive: sessions.active.count, sessionCapacity: sessions.capacity,
            userNames: names, counters: counters, eventsLogged: eventsLogged, alertsRaised: alertsRaised,
            drops: drops.counts)
        for link in lineCards?.links ?? [] { snapshot.lineCardLinks[link.slot] = link.isUp }
        return snapshot
    }
}
