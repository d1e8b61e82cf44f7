import IPMIAlerting
import IPMICore

/// `/api/status`: the published snapshots as JSON, for the status page and scripts.
struct StatusDocument: Encodable {
    struct Member: Encodable {
        var member: String
        var time: Int64
        var firmwareRevision: String
        var manufacturer: String
        var sensors: [Sensor]
        var sel: SEL
        var chassisPowerOn: Bool?
        var sessionsActive: Int
        var sessionCapacity: Int
        var eventsLogged: Int
        var alertsRaised: Int
        var petSequence: UInt32
        var destinations: [Destination]
        var droppedPackets: [String: Int]
    }

    struct Sensor: Encodable {
        var id: UInt16
        var number: UInt8
        var name: String
        var type: String
        var unit: String
        var isThreshold: Bool
        /// Real units for threshold sensors; the raw reading's states otherwise.
        var value: Double?
        var states: UInt16
        /// "Nominal", "Warning", "Critical" or "N/A".
        var state: String
        /// lnr, lcr, lnc, unc, ucr, unr: those the sensor has.
        var thresholds: [String: Double]
    }

    struct SEL: Encodable {
        var entries: Int
        var freeBytes: Int
        var capacity: Int
        /// Newest last; each the fields of an `ipmitool sel elist` line.
        var latest: [[String]]
    }

    struct Destination: Encodable {
        var selector: UInt8
        var address: String
        var version: String
        var acknowledged: Bool
        var sent: Int
        var acknowledgedAlerts: Int
        var retried: Int
        var failed: Int
        var dropped: Int
        var queueDepth: Int
    }

    var members: [Member]

    init(_ snapshots: [MemberSnapshot]) {
        members = snapshots.map { snapshot in
            let bmc = snapshot.bmc
            return Member(
                member: snapshot.member, time: bmc.time, firmwareRevision: bmc.device.firmwareRevision,
                manufacturer: Manufacturers.name(bmc.device.manufacturerID),
                sensors: bmc.sensors.map { sensor in
                    var thresholds: [String: Double] = [:]
                    for threshold in Threshold.allCases {
                        if let value = sensor.threshold(threshold), sensor.isThreshold { thresholds[threshold.shortName] = value }
                    }
                    return Sensor(id: sensor.recordID, number: sensor.number, name: sensor.name,
                                  type: SensorNames.type(sensor.sensorType), unit: SensorNames.unit(sensor.unit),
                                  isThreshold: sensor.isThreshold,
                                  value: sensor.isThreshold ? sensor.value : sensor.raw.map { _ in Double(sensor.states) },
                                  states: sensor.states,
                                  state: sensor.raw == nil && sensor.isThreshold ? "N/A" : sensor.severity.name,
                                  thresholds: thresholds)
                },
                sel: SEL(entries: bmc.sel.entries, freeBytes: bmc.sel.freeBytes, capacity: bmc.sel.capacity,
                         latest: bmc.sel.latest.map { SELText.fields($0, sensors: bmc.sensors) }),
                chassisPowerOn: bmc.chassisPowerOn, sessionsActive: bmc.sessionsActive,
                sessionCapacity: bmc.sessionCapacity, eventsLogged: bmc.eventsLogged, alertsRaised: bmc.alertsRaised,
                petSequence: snapshot.petSequence,
                destinations: snapshot.destinations.map {
                    Destination(selector: $0.selector, address: $0.address, version: $0.version, acknowledged: $0.acknowledged,
                                sent: $0.counters.sent, acknowledgedAlerts: $0.counters.acknowledged,
                                retried: $0.counters.retried, failed: $0.counters.failed, dropped: $0.counters.dropped,
                                queueDepth: $0.queueDepth)
                },
                droppedPackets: bmc.drops)
        }
    }
}
