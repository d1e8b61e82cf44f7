/// App commands that act on the BMC itself (IPMI 2.0 chapter 20): Cold and Warm Reset,
/// Manufacturing Test On, and the ACPI power state system software reports.
extension AppCommands {
    static func coldReset(_ bmc: BMC, _: EmptyRequest, context: RequestContext) throws(CompletionCode) -> EmptyResponse {
        try bmc.coldReset(requestedBy: context)
        return EmptyResponse()
    }

    static func warmReset(_ bmc: BMC, _: EmptyRequest, context: RequestContext) -> EmptyResponse {
        bmc.warmReset(requestedBy: context)
        return EmptyResponse()
    }

    /// Accepted and logged, and nothing more: this BMC has no manufacturing-only commands or
    /// interfaces to unlock, so the mode enables nothing (IPMI 2.0 section 20.5 leaves what
    /// it enables to the implementation).
    static func manufacturingTestOn(_ bmc: BMC, _: EmptyRequest, context: RequestContext) -> EmptyResponse {
        bmc.logger.notice("manufacturing test mode requested: it enables nothing on this BMC",
                          metadata: bmc.requesterMetadata(context))
        return EmptyResponse()
    }

    static func setACPIPowerState(_ bmc: BMC, _ request: SetACPIPowerStateRequest, _: RequestContext) -> EmptyResponse {
        if let system = request.system, system != ACPIPowerState.noChange { bmc.acpiPowerState.system = system }
        if let device = request.device, device != ACPIPowerState.noChange { bmc.acpiPowerState.device = device }
        return EmptyResponse()
    }

    static func getACPIPowerState(_ bmc: BMC, _: EmptyRequest, _: RequestContext) -> GetACPIPowerStateResponse {
        GetACPIPowerStateResponse(state: bmc.acpiPowerState)
    }
}
