/// The BMC watchdog commands of the App netfn (IPMI 2.0 chapter 27).
extension AppCommands {
    static func resetWatchdogTimer(_ bmc: BMC, _: EmptyRequest, _: RequestContext) throws(CompletionCode) -> EmptyResponse {
        try bmc.resetWatchdog()
        return EmptyResponse()
    }

    static func setWatchdogTimer(_ bmc: BMC, _ request: SetWatchdogTimerRequest, context: RequestContext) -> EmptyResponse {
        bmc.setWatchdog(request, context: context)
        return EmptyResponse()
    }

    static func getWatchdogTimer(_ bmc: BMC, _: EmptyRequest, _: RequestContext) -> GetWatchdogTimerResponse {
        let watchdog = bmc.watchdog
        return GetWatchdogTimerResponse(settings: watchdog.settings, isRunning: watchdog.isRunning,
                                        expirationFlags: watchdog.expirationFlags,
                                        presentCountdown: watchdog.presentCountdown(now: bmc.watchdogNow))
    }
}
