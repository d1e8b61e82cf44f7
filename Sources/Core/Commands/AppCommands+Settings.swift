/// App commands that configure the BMC itself: global enables, message flags and the
/// (empty) message queue, System Info parameters and channel security keys.
extension AppCommands {
    static let settingsCommands: [CommandSpec] = [
        CommandSpec(0x2E, "Set BMC Global Enables", .administrator, setGlobalEnables),
        CommandSpec(0x2F, "Get BMC Global Enables", .user, getGlobalEnables),
        CommandSpec(0x30, "Clear Message Flags", .administrator, clearMessageFlags),
        CommandSpec(0x31, "Get Message Flags", .user, getMessageFlags),
        CommandSpec(0x33, "Get Message", .user, getMessage),
        CommandSpec(0x35, "Read Event Message Buffer", .user, readEventMessageBuffer),
        CommandSpec(0x56, "Set Channel Security Keys", .administrator, setChannelSecurityKeys),
        CommandSpec(0x58, "Set System Info Parameters", .administrator, setSystemInfoParameter),
        CommandSpec(0x59, "Get System Info Parameters", .user, getSystemInfoParameter),
    ]

    /// Completion code 0x80: the parameter is not supported, or (Get Message) no data available.
    static let parameterNotSupported = CompletionCode(0x80)

    // MARK: Global enables and message flags

    static func getGlobalEnables(_ bmc: BMC, _: EmptyRequest, _: RequestContext) -> SingleByteResponse {
        SingleByteResponse(bmc.settings.globalEnables.byte)
    }

    static func setGlobalEnables(_ bmc: BMC, _ request: SingleByteRequest, _: RequestContext) throws(CompletionCode) -> EmptyResponse {
        try bmc.saveThenApply(\.settings.globalEnables, as: GlobalEnables.stateFile) { enables throws(CompletionCode) in
            try enables.set(request.value)
        }
        return EmptyResponse()
    }

    /// Over the LAN there is no receive message queue, event message buffer or pre-timeout
    /// interrupt to flag: every flag is clear, and clearing them is a no-op.
    static func getMessageFlags(_: BMC, _: EmptyRequest, _: RequestContext) -> SingleByteResponse {
        SingleByteResponse(0)
    }

    static func clearMessageFlags(_: BMC, _ request: SingleByteRequest, _: RequestContext) throws(CompletionCode) -> EmptyResponse {
        guard request.value & 0x14 == 0 else { throw .invalidDataField } // bits 4 and 2 are reserved
        return EmptyResponse()
    }

    static func getMessage(_: BMC, _: EmptyRequest, _: RequestContext) throws(CompletionCode) -> EmptyResponse {
        throw parameterNotSupported // data not available: the queue is empty
    }

    static func readEventMessageBuffer(_: BMC, _: EmptyRequest, _: RequestContext) throws(CompletionCode) -> EmptyResponse {
        throw parameterNotSupported // data not available: the buffer is empty
    }

    // MARK: System Info parameters

    static func getSystemInfoParameter(
        _ bmc: BMC, _ request: GetConfigurationParameterRequest, _: RequestContext
    ) throws(CompletionCode) -> ConfigurationParameterResponse {
        if request.revisionOnly { return ConfigurationParameterResponse([]) }
        if request.parameter == 0 { return ConfigurationParameterResponse([bmc.settings.systemInfoLock.state]) }
        guard let parameter = SystemInfoParameters.Parameter(rawValue: request.parameter) else { throw parameterNotSupported }
        let block = try bmc.settings.systemInfo.block(parameter, request.setSelector)
        return ConfigurationParameterResponse([request.setSelector] + block)
    }

    static func setSystemInfoParameter(
        _ bmc: BMC, _ request: SetSystemInfoParameterRequest, _: RequestContext
    ) throws(CompletionCode) -> EmptyResponse {
        if request.parameter == 0 {
            guard request.data.count == 1 else { throw .requestDataLengthInvalid }
            try bmc.settings.systemInfoLock.set(request.data[0] & 0x03)
            return EmptyResponse()
        }
        guard let parameter = SystemInfoParameters.Parameter(rawValue: request.parameter) else { throw parameterNotSupported }
        guard let selector = request.data.first else { throw .requestDataLengthInvalid }
        let block = Array(request.data.dropFirst())
        if parameter.isVolatile {
            try bmc.settings.systemInfo.setBlock(parameter, selector, block)
        } else {
            try bmc.saveThenApply(\.settings.systemInfo, as: SystemInfoParameters.stateFile) { info throws(CompletionCode) in
                try info.setBlock(parameter, selector, block)
            }
        }
        return EmptyResponse()
    }

    // MARK: Channel security keys

    static func setChannelSecurityKeys(
        _ bmc: BMC, _ request: SetChannelSecurityKeysRequest, _: RequestContext
    ) throws(CompletionCode) -> SingleByteResponse {
        _ = try bmc.resolveLANChannel(request.channel)
        let notLockable: UInt8 = 0
        guard request.keyID <= 1 else { throw .invalidDataField }
        let key = request.key + [UInt8](repeating: 0, count: ChannelSecurityKeys.keyLength - request.key.count)
        switch request.operation {
        case .read:
            break // the key itself is never returned
        case .lock:
            throw .invalidDataField // the keys are not lockable
        case .set where request.keyID == 0:
            // K_R has no role in ipmigod's RMCP+: it stays all zero ("not set"), which
            // configuration tools write back.
            guard key.allSatisfy({ $0 == 0 }) else { throw .invalidDataField }
        case .set:
            try bmc.saveThenApply(\.settings.securityKeys, as: ChannelSecurityKeys.stateFile) { keys in
                keys.setKG(key)
            }
            bmc.logger.notice("K_G \(bmc.settings.securityKeys.kg == nil ? "cleared" : "set")")
        }
        return SingleByteResponse(notLockable)
    }
}
