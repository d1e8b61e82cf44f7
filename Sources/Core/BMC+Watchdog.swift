import NIOCore

/// The watchdog on the BMC's loop: one timer task for its next deadline, and what an
/// expiry does (a SEL event through PEF, then the timeout action through the platform).
extension BMC {
    /// The watchdog's clock: the BMC loop's, so a test that advances its loop's time moves it.
    var watchdogNow: NIODeadline { timers?.now ?? .now() }

    func setWatchdog(_ request: SetWatchdogTimerRequest, context: RequestContext) {
        watchdog.set(request.settings, dontStop: request.dontStop, clearing: request.clearedExpirationFlags,
                     now: watchdogNow)
        rescheduleWatchdog()
        let settings = request.settings
        var metadata = requesterMetadata(context)
        metadata["timer_use"] = "\(settings.timerUse)"
        metadata["action"] = "\(settings.timeoutAction)"
        metadata["countdown"] = "\(Double(settings.initialCountdown) / 10) s"
        metadata["running"] = "\(watchdog.isRunning)"
        logger.info("watchdog set", metadata: metadata)
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
        let settings = occurrence.settings
        logger.warning("\(occurrence.reason)", metadata: [
            "timer_use": "\(settings.timerUse)", "action": "\(settings.timeoutAction)",
            "pre_timeout_interrupt": "\(settings.preTimeoutInterrupt)",
        ])
        if !settings.dontLog {
            logEvent(ownEvent(WatchdogSensor(among: configuration.sensors).event(for: occurrence)), source: "watchdog")
        }
        guard let action = occurrence.platformAction, let control = ChassisControlAction(action) else { return }
        // Through the chassis, so power state, the restart cause (watchdog) and the boot
        // flags' clearing follow as for any other restart.
        controlChassis(control, cause: .watchdog, channel: 0, reason: occurrence.reason) { [logger] outcome in
            if case .failed(let code) = outcome {
                logger.warning("watchdog action failed", metadata: ["action": "\(action)", "completion_code": "\(code)"])
            }
        }
    }
}
