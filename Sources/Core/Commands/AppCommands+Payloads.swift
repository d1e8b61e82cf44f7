/// App commands about RMCP+ payloads. The LAN channel carries IPMI messages only: no user
/// may be given SOL or OEM payloads, since there are none to give.
extension AppCommands {
    static let payloadCommands: [CommandSpec] = [
        CommandSpec(0x4C, "Set User Payload Access", .administrator, setUserPayloadAccess),
        CommandSpec(0x4D, "Get User Payload Access", .operator, getUserPayloadAccess),
        CommandSpec(0x4F, "Get Channel Payload Version", .user, getChannelPayloadVersion),
    ]

    static func getUserPayloadAccess(_ bmc: BMC, _ request: GetUserPayloadAccessRequest, _: RequestContext) throws(CompletionCode) -> RawResponse {
        _ = try bmc.resolveLANChannel(request.channel)
        guard bmc.users[request.userID] != nil else { throw .invalidDataField }
        return RawResponse([0, 0, 0, 0]) // no standard or OEM payload enabled
    }

    /// Disabling is accepted (nothing is enabled); enabling a payload the channel lacks is 0xCC.
    static func setUserPayloadAccess(_ bmc: BMC, _ request: SetUserPayloadAccessRequest, _: RequestContext) throws(CompletionCode) -> EmptyResponse {
        _ = try bmc.resolveLANChannel(request.channel)
        guard bmc.users[request.userID] != nil else { throw .invalidDataField }
        guard !request.enables || (request.standardPayloads == 0 && request.oemPayloads == 0) else {
            throw .invalidDataField
        }
        return EmptyResponse()
    }

    static func getChannelPayloadVersion(_ bmc: BMC, _ request: ChannelPayloadRequest, _: RequestContext) throws(CompletionCode) -> SingleByteResponse {
        _ = try bmc.resolveLANChannel(request.channel)
        guard request.payloadType == PayloadType.ipmi.rawValue else { throw CompletionCode(0x80) } // payload type not available
        return SingleByteResponse(0x10) // format version 1.0
    }
}
