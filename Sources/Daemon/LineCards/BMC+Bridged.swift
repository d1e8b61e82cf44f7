import IPMICore

extension BMC {
    /// Runs a request the management module bridged to this line card, at the client's
    /// privilege (never above administrator), as if the MM (20h) had sent it on IPMB; hands
    /// back its completion code and data, once what it changed is durable.
    func runBridged(_ request: LinkBridgedRequest, completion: @escaping (CompletionCode, [UInt8]) -> Void) {
        answerInternally(netFn: request.netFn, lun: request.lun, command: request.command, data: request.data,
                         privilege: min(request.privilege, .administrator), completion: completion)
    }
}
