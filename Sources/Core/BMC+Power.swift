import NIOCore

/// The system's input power for DCMI: the sum of the power supplies' input power sensors.
extension BMC {
    /// IPMI unit code for watts, and the entity ID of a power supply (IPMI 2.0 tables 43-15, 43-13).
    static let wattsUnit: UInt8 = 6
    static let powerSupplyEntity: UInt8 = 0x0A

    /// The supplies' input power now: nil when there is no such sensor or none has a reading.
    var inputPower: Double? {
        var total: Double?
        for sensor in sensors where sensor.definition.unit == BMC.wattsUnit
            && sensor.definition.entityID == BMC.powerSupplyEntity && sensor.isReadingAvailable {
            total = (total ?? 0) + sensor.definition.linearization.realValue(sensor.reading)
        }
        return total
    }

    /// Adds the present input power to the statistics; called after each batch of readings.
    func samplePower(now: NIODeadline = .now()) {
        powerStatistics.record(inputPower, at: now.uptimeNanoseconds)
    }
}
