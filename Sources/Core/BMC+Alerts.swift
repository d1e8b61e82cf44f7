extension BMC {
    /// What an alert for `event` will send, as things are now: taken when the event is
    /// logged (or an Alert Immediate asked for), never when the alert finally goes out.
    public func alertContext(for event: PlatformEvent) -> AlertContext {
        let entity = sensorEntity(generatorID: event.generatorID, number: event.sensorNumber)
        let device = configuration.device
        var context = AlertContext(
            timestamp: sel.time, entityID: entity.id, entityInstance: entity.instance, agentAddress: lan.bmcIPv4,
            guid: pef.tables.guidControl & 0x01 != 0 ? pef.tables.guid : device.systemGUID,
            manufacturerID: device.manufacturerID, systemID: device.productID, community: lan.communityString,
            destinations: (0...LANParameter.highestDestination).compactMap { lan.destination(selector: $0) })
        if let proxy = lineCards?.proxySensor(generatorID: event.generatorID, number: event.sensorNumber) {
            context.sensorDevice = SDRRecord.ownerID
            context.sensorNumber = proxy
        }
        return context
    }
}
