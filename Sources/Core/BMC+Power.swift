import NIOCore

/// The system's input power for DCMI: the sum of the power supplies' input power sensors.
extension BMC {
    /// IPMI unit code for watts, and the entity ID of a power supply (IPMI 2.0 tables 43-15, 43-13).
    static let wattsUnit: UInt8 = 6
    static let powerSupplyEntity: UInt8 = 0x0A

    /// Positions of the input power sensors in `sensors`, found once.
    var inputPowerSensors: [Int] {
        if let known = powerStatistics.sensors { return known }
        let found = sensors.indices.filter {
            sensors[$0].definition.unit == BMC.wattsUnit && sensors[$0].definition.entityID == BMC.powerSupplyEntity
        }
        powerStatistics.sensors = found
        return found
    }

    /// The supplies' input power now: nil when there is no such sensor or none has a reading.
    var inputPower: Double? {
        var total: Double?
        for index in inputPowerSensors where sensors[index].isReadingAvailable {
            total = (total ?? 0) + sensors[index].definition.linearization.realValue(sensors[index].reading)
        }
        return total
    }

    /// Adds the present input power to the statistics after a batch of readings that
    /// includes a supply's; other batches cost one scan of the batch.
    func samplePower(after samples: [SensorSample], now: NIODeadline = .now()) {
        let supplies = inputPowerSensors
        guard !supplies.isEmpty, samples.contains(where: { supplies.contains($0.sensor) }) else { return }
        powerStatistics.record(inputPower, at: now.uptimeNanoseconds)
    }
}
