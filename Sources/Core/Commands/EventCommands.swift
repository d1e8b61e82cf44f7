/// The event commands of the Sensor/Event netfn: events from outside the BMC (a console's
/// Platform Event Message) go into the SEL and through PEF like the BMC's own.
extension SensorEventCommands {
    static let eventCommands: [CommandSpec] = [
        CommandSpec(0x00, "Set Event Receiver", .administrator, setEventReceiver),
        CommandSpec(0x01, "Get Event Receiver", .user, getEventReceiver),
        CommandSpec(0x02, "Platform Event Message", .operator, platformEventMessage),
    ]

    static func setEventReceiver(_ bmc: BMC, _ request: SetEventReceiverRequest, _: RequestContext) -> EmptyResponse {
        bmc.eventReceiver.address = request.address
        bmc.eventReceiver.lun = request.lun
        return EmptyResponse()
    }

    static func getEventReceiver(_ bmc: BMC, _: EmptyRequest, _: RequestContext) -> EventReceiverResponse {
        EventReceiverResponse(receiver: bmc.eventReceiver)
    }

    /// The generator ID is the requester's: its slave address or software ID (rqSA, with bit 0
    /// set for a software ID such as a remote console's 81h), then the channel it came in on
    /// (bits 7..4) and its LUN (bits 1..0), as IPMI 2.0 section 32.1 lays the two bytes out.
    /// The answer waits until the SEL entry is durable (`BMC.handleDatagram`).
    static func platformEventMessage(_ bmc: BMC, _ request: PlatformEventMessageRequest, _ context: RequestContext) -> EmptyResponse {
        let generatorID = UInt16(context.requesterAddress)
            | UInt16(bmc.configuration.channel.number & 0x0F) << 12 | UInt16(context.requesterLUN & 0x03) << 8
        bmc.logEvent(request.event(generatorID: generatorID), source: "Platform Event Message from \(context.remote)")
        return EmptyResponse()
    }
}
