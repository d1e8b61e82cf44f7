import NIOCore

/// The watchdog on the BMC's loop: one timer task for its next deadline, and what an
/// expiry does (a SEL event through PEF, then the timeout action through the platform).
extension BMC {
    /// The watchdog's clock: the BMC loop's, so a test that advances its loop's time moves it.
    var watchdogNow: NIODeadline { timers?.now ?? .now() }

    func setWatchdog(_ request: SetWatchdogTimerRequest) {
        watchdog.set(request.settings, dontStop: request.dontStop, clearing: request.clearedExpirationFlags,
                     now: watchdogNow)
        rescheduleWatchdog()
    }

    func resetWatchdog() throws(CompletionCode) {
        // Without a loop to count it down (a BMC in a unit test), it cannot be started.
        guard timers != nil else { throw .notSupportedInPresentState }
        try watchdog.reset(now: watchdogNow)
        rescheduleWatchdog()
    }

    func stopWatchdog() {
        watchdog.stop(now: watchdogNow)
        rescheduleWatchdog()
    }

    /// Replaces the pending timer task with one for the watchdog's next deadline, if any.
    private func rescheduleWatchdog() {
        watchdog.scheduledCheck?.cancel()
        watchdog.scheduledCheck = nil
        guard let timers, let deadline = watchdog.nextDeadline else { return }
        let bmc = UnsafeTransfer(self)
        watchdog.scheduledCheck = timers.schedule(in: deadline - timers.now) { bmc.value.watchdogDeadlineReached() }
    }

    private func watchdogDeadlineReached() {
        watchdog.scheduledCheck = nil
        let occurrence = watchdog.advance(now: watchdogNow)
        rescheduleWatchdog()
        guard let occurrence else { return }
        let settings: WatchdogSettings
        switch occurrence {
        case .preTimeout(let preTimeout):
            settings = preTimeout
            logger.notice("watchdog pre-timeout interrupt", metadata: [
                "timer_use": "\(settings.timerUse)", "interrupt": "\(settings.preTimeoutInterrupt)",
            ])
        case .expired(let expired):
            settings = expired
            logger.warning("watchdog expired", metadata: [
                "timer_use": "\(settings.timerUse)", "action": "\(settings.timeoutAction)",
            ])
        }
        if !settings.dontLog {
            logEvent(WatchdogSensor(among: configuration.sensors).event(for: occurrence), source: "watchdog")
        }
        // An SMI or messaging interrupt needs a host interface this BMC does not have; an NMI
        // is the platform's diagnostic interrupt.
        let action: PlatformAction?
        switch occurrence {
        case .preTimeout: action = settings.preTimeoutInterrupt == .nmi ? .diagnosticInterrupt : nil
        case .expired: action = settings.timeoutAction.platformAction
        }
        guard let action else { return }
        let reason = if case .expired = occurrence { "watchdog expired" } else { "watchdog pre-timeout" }
        perform(action, reason: reason) { [logger] outcome in
            if case .failed(let code) = outcome {
                logger.warning("watchdog action failed", metadata: ["action": "\(action)", "completion_code": "\(code)"])
            }
        }
    }
}
