import IPMICore

/// SEL entries as `ipmitool sel elist` shows them: ID, date, time, sensor, event, direction
/// and, for threshold events, the trigger reading against the threshold.
enum SELText {
    private static let thresholdEvents = [
        "Lower Non-critical going low", "Lower Non-critical going high", "Lower Critical going low",
        "Lower Critical going high", "Lower Non-recoverable going low", "Lower Non-recoverable going high",
        "Upper Non-critical going low", "Upper Non-critical going high", "Upper Critical going low",
        "Upper Critical going high", "Upper Non-recoverable going low", "Upper Non-recoverable going high",
    ]
    /// Sensor-specific offsets (IPMI 2.0 table 42-3) of the types a switch reports.
    private static let specificEvents: [UInt8: [String]] = [
        0x08: ["Presence detected", "Failure detected", "Predictive failure", "Power Supply AC lost",
               "AC lost or out-of-range", "AC out-of-range, but present", "Config Error"],
        0x04: ["Transition to Running", "Transition to In Test", "Transition to Power Off", "Transition to On Line",
               "Transition to Off Line", "Transition to Off Duty", "Transition to Degraded", "Transition to Power Save",
               "Install Error"],
        0x23: ["Timer expired, status only", "Hard reset", "Power down", "Power cycle", "reserved", "reserved", "reserved",
               "reserved", "Timer interrupt"],
        0x10: ["Correctable memory error logging disabled", "Event logging disabled", "Log area reset/cleared",
               "All event logging disabled", "Log full", "Log almost full"],
    ]
    private static let unitNames: [UInt8: String] = [1: "degrees C", 2: "degrees F", 3: "degrees K", 4: "Volts", 5: "Amps",
                                                     6: "Watts", 18: "RPM"]

    /// The fields of one line, without the separators.
    static func fields(_ record: SELRecord, sensors: [BMCSnapshot.SensorStatus]) -> [String] {
        let id = String(record.recordID, radix: 16)
        guard record.recordType == SELRecord.systemEventType else {
            let stamp = record.isTimestamped ? dateAndTime(record.timestamp) : ["", ""]
            return [id] + stamp + ["OEM record \(String(record.recordType, radix: 16))"]
        }
        let sensorType = record[10], number = record[11], typeByte = record[12]
        let deasserted = typeByte & 0x80 != 0
        let readingType = typeByte & 0x7F
        let offset = Int(record[13] & 0x0F)
        let lun = record[8] & 0x03
        let sensor = sensors.first { $0.number == number && $0.lun == lun }
        let name = SensorNames.type(sensorType) + " " + (sensor?.name ?? "#0x" + String(number, radix: 16))
        var event: String
        switch readingType {
        case 0x01: event = offset < thresholdEvents.count ? thresholdEvents[offset] : "Threshold offset \(offset)"
        case 0x6F:
            let names = specificEvents[sensorType] ?? []
            event = offset < names.count ? names[offset] : "Sensor-specific offset \(offset)"
        case 0x03: event = offset == 0 ? "State Deasserted" : "State Asserted"
        case 0x08: event = offset == 0 ? "Device Absent" : "Device Present"
        default: event = "Event offset \(offset)"
        }
        var fields = [id] + dateAndTime(record.timestamp) + [name, event, deasserted ? "Deasserted" : "Asserted"]
        if readingType == 0x01, record[13] & 0xF0 == 0x50, let sensor {
            let reading = sensor.linearization.realValue(record[14])
            let threshold = sensor.linearization.realValue(record[15])
            let high = offset % 2 == 1
            fields.append("Reading \(PrometheusText.format(reading)) \(high ? ">" : "<") Threshold "
                + "\(PrometheusText.format(threshold)) \(unitNames[sensor.unit] ?? "unspecified")")
        }
        return fields
    }

    /// MM/DD/YY and HH:MM:SS UTC, as ipmitool prints them with TZ=UTC.
    static func dateAndTime(_ seconds: UInt32) -> [String] {
        if seconds <= 0x2000_0000 { return ["Pre-Init", String(seconds)] }
        let days = Int(seconds / 86400), rest = Int(seconds % 86400)
        let (year, month, day) = civilDate(daysSince1970: days)
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return ["\(two(month))/\(two(day))/\(two(year % 100))", "\(two(rest / 3600)):\(two(rest / 60 % 60)):\(two(rest % 60)) UTC"]
    }

    /// Days since 1970-01-01 to a proleptic Gregorian date (H. Hinnant's algorithm).
    static func civilDate(daysSince1970: Int) -> (year: Int, month: Int, day: Int) {
        let z = daysSince1970 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
