/// The Transport network function (netfn 0x0C): LAN configuration parameters, alert
/// destinations included. Privileges as IPMI 2.0 appendix G.
public enum TransportCommands {
    public static let table: [CommandSpec] = solCommands + [
        CommandSpec(0x01, "Set LAN Configuration Parameters", .administrator, setLANParameter),
        CommandSpec(0x02, "Get LAN Configuration Parameters", .operator, getLANParameter),
    ]

    /// Completion code 0x80: the parameter is not supported.
    static let parameterNotSupported = CompletionCode(0x80)

    static func setLANParameter(_ bmc: BMC, _ request: SetLANParameterRequest, _: RequestContext) throws(CompletionCode) -> EmptyResponse {
        _ = try bmc.resolveLANChannel(request.channel)
        guard let parameter = request.parameter else { throw parameterNotSupported }
        var data = request.data
        if parameter == .cipherSuitePrivileges {
            data = try bmc.configuration.channel.validatedCipherSuitePrivileges(data)
        }
        try bmc.lan.set(parameter, data: data) { values throws(CompletionCode) in
            try bmc.persist(values, as: LANParameters.stateFile)
        }
        if parameter == .cipherSuitePrivileges { bmc.capSessionsToCipherSuitePrivileges() }
        return EmptyResponse()
    }

    static func getLANParameter(_ bmc: BMC, _ request: GetLANParameterRequest, _: RequestContext) throws(CompletionCode) -> GetLANParameterResponse {
        _ = try bmc.resolveLANChannel(request.channel)
        // The revision is the same for every parameter, so it is answered for any selector.
        if request.revisionOnly { return GetLANParameterResponse(data: []) }
        guard let parameter = request.parameter else { throw parameterNotSupported }
        return GetLANParameterResponse(data: try bmc.lan.get(parameter, selector: request.setSelector,
                                                             channel: bmc.configuration.channel))
    }
}
