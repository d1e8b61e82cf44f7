/// The SOL configuration commands of the Transport netfn. ipmigod has no SOL payload: the
/// parameters are answered, kept within range and persisted so that `ipmitool sol info` and
/// bmc-config work; SOL itself is reported disabled and cannot be enabled (Activate Payload
/// stays refused).
extension TransportCommands {
    static let solCommands: [CommandSpec] = [
        CommandSpec(0x21, "Set SOL Configuration Parameters", .administrator, setSOLParameter),
        CommandSpec(0x22, "Get SOL Configuration Parameters", .user, getSOLParameter),
    ]

    static func getSOLParameter(_ bmc: BMC, _ request: GetConfigurationParameterRequest, _: RequestContext) throws(CompletionCode) -> ConfigurationParameterResponse {
        let channel = try bmc.resolveLANChannel(request.channel)
        if request.revisionOnly { return ConfigurationParameterResponse([]) }
        guard let parameter = SOLParameters.Parameter(rawValue: request.parameter) else { throw parameterNotSupported }
        if parameter == .setInProgress { return ConfigurationParameterResponse([bmc.settings.solLock.state]) }
        return ConfigurationParameterResponse(bmc.settings.sol.get(parameter, channel: channel))
    }

    static func setSOLParameter(_ bmc: BMC, _ request: SetSOLParameterRequest, _: RequestContext) throws(CompletionCode) -> EmptyResponse {
        _ = try bmc.resolveLANChannel(request.channel)
        guard let parameter = SOLParameters.Parameter(rawValue: request.parameter) else { throw parameterNotSupported }
        switch parameter {
        case .setInProgress:
            guard request.data.count == 1 else { throw .requestDataLengthInvalid }
            try bmc.settings.solLock.set(request.data[0] & 0x03)
        case .volatileBitRate:
            try bmc.settings.sol.set(parameter, request.data)
        default:
            try bmc.saveThenApply(\.settings.sol, as: SOLParameters.stateFile) { sol throws(CompletionCode) in
                try sol.set(parameter, request.data)
            }
        }
        return EmptyResponse()
    }
}
