import NIOCore

/// The chassis inside the BMC: power control, identify, the restore policy, the power-on
/// hours and the boot flags' lifetime. What happens to the hardware is the platform's
/// (`perform`); what the BMC reports is decided here, from what the platform did.
extension BMC {
    static let chassisFile = "chassis.json"
    static let recentActionsKept = 16

    /// Starts the chassis clocks and, when the platform starts without power (simulate mode:
    /// each start is a return of AC power), applies the power restore policy. A real switch
    /// runs this daemon on its own CPU, so it is already on; its firmware applies the policy.
    public func startChassis() {
        if let platform, platform.startsWithoutPower {
            chassis.isPoweredOn = false
            let restore: Bool
            switch chassisSettings.restorePolicy {
            case .alwaysOff: restore = false
            case .previous: restore = chassisSettings.wasPoweredOn
            case .alwaysOn: restore = true
            }
            if restore {
                let cause: RestartCause = chassisSettings.restorePolicy == .alwaysOn ? .alwaysOnPolicy : .previousPolicy
                controlChassis(.powerUp, cause: cause, channel: 0, reason: "power restore policy") { _ in }
            }
        }
        schedulePOHCount()
    }

    /// Whether sensors can be read: not while the chassis is off or between the two halves of a power cycle.
    var sensorsPowered: Bool { chassis.isPoweredOn && !chassis.isPowerCycling }

    /// Carries out a Chassis Control (or a PEF or watchdog power action) and updates what Get
    /// Chassis Status and Get System Restart Cause report once the platform has done it. One
    /// power action at a time (0xC0). Completion runs on the BMC's loop.
    public func controlChassis(_ control: ChassisControlAction, cause: RestartCause, channel: UInt8, reason: String,
                        completion: @escaping (PlatformActionOutcome) -> Void) {
        guard !chassis.isPowerActionRunning else { return completion(.failed(.nodeBusy)) }
        // The spec asks that a power cycle, reset or interrupt of a chassis that is off do nothing (0xD5).
        if !chassis.isPoweredOn && control != .powerUp && control != .powerDown {
            logger.notice("chassis control refused: chassis is off", metadata: ["action": "\(control.platformAction)"])
            return completion(.failed(.notSupportedInPresentState))
        }
        chassis.isPowerActionRunning = true
        chassis.isPowerCycling = control == .powerCycle
        perform(control.platformAction, reason: reason) { [unowned self] outcome in
            chassis.isPowerActionRunning = false
            chassis.isPowerCycling = false
            if outcome == .done { apply(control, cause: cause, channel: channel) }
            completion(outcome)
        }
    }

    private func apply(_ control: ChassisControlAction, cause: RestartCause, channel: UInt8) {
        switch control {
        case .powerDown, .softShutdown:
            setPowered(false)
        case .powerUp, .powerCycle, .hardReset:
            if control == .powerUp && cause == .chassisControl { chassis.lastPowerEvent = 0x10 } // on by an IPMI command
            setPowered(true)
            chassis.restartCause = cause
            chassis.restartChannel = channel
            // The system booted with the flags: next-boot flags are used up, unless parameter 3
            // exempts restarts of this cause.
            if !bootFlagsSurvive(cause) { clearBootFlagValid(because: "the system restarted") }
        case .diagnosticInterrupt:
            break
        }
    }

    private func bootFlagsSurvive(_ cause: RestartCause) -> Bool {
        let exemption: BootFlagClearing
        switch cause {
        case .pefReset, .pefPowerCycle: exemption = .pefResetOrCycle
        case .watchdog: exemption = .watchdogReset
        default: return false
        }
        return chassisSettings.boot.validBitClearing & exemption.rawValue != 0
    }

    private func setPowered(_ powered: Bool) {
        chassis.isPoweredOn = powered
        guard chassisSettings.wasPoweredOn != powered else { return }
        // Kept for the "previous" restore policy; a failed save is logged, the action stands.
        try? saveThenApply(\.chassisSettings, as: BMC.chassisFile) { $0.wasPoweredOn = powered }
    }

    /// PEF's power action: the highest-priority one a filter asked for.
    func performPEFPowerAction(_ action: PEFPowerAction) {
        let (control, cause): (ChassisControlAction, RestartCause) = switch action {
        case .powerOff: (.powerDown, .unknown)
        case .powerCycle: (.powerCycle, .pefPowerCycle)
        case .reset: (.hardReset, .pefReset)
        case .diagnosticInterrupt: (.diagnosticInterrupt, .unknown)
        }
        controlChassis(control, cause: cause, channel: 0, reason: "PEF event filter") { _ in }
    }

    // MARK: Identify

    /// Chassis Identify: on for `interval` seconds, indefinitely (`force`), or off (interval 0).
    /// The platform is asked only when the light changes; a new interval just restarts the clock.
    func identify(interval: UInt8, force: Bool, completion: @escaping (PlatformActionOutcome) -> Void) {
        let wasOn = chassis.identify != .off
        guard force || interval > 0 else {
            guard wasOn else { return completion(.done) }
            return turnIdentifyOff(reason: "Chassis Identify 0", completion: completion)
        }
        let apply = { [unowned self] in
            chassis.identifyTimer?.cancel()
            chassis.identifyTimer = nil
            if force {
                chassis.identify = .indefinite
            } else {
                let seconds = TimeAmount.seconds(Int64(interval))
                chassis.identify = .timed(until: .now() + seconds)
                chassis.identifyTimer = onLoop(after: seconds) { bmc in
                    bmc.turnIdentifyOff(reason: "identify interval over") { _ in }
                }
            }
        }
        guard !wasOn else {
            apply()
            return completion(.done)
        }
        perform(.identifyOn, reason: force ? "Chassis Identify (force)" : "Chassis Identify \(interval) s") { outcome in
            if outcome == .done { apply() }
            completion(outcome)
        }
    }

    private func turnIdentifyOff(reason: String, completion: @escaping (PlatformActionOutcome) -> Void) {
        chassis.identifyTimer?.cancel()
        chassis.identifyTimer = nil
        perform(.identifyOff, reason: reason) { [unowned self] outcome in
            // Reported off even if the hook failed: the interval is over either way, and the log says what failed.
            chassis.identify = .off
            completion(outcome)
        }
    }

    // MARK: Boot flags

    /// Whether the boot flags in force are valid (param 5 byte 1 bit 7).
    var bootFlags: BootFlags { chassisSettings.boot.flags ?? chassis.boot.flags }

    /// Clears the boot-flag-valid bit (the flags were used, or timed out), and tells the
    /// platform the boot device override is gone.
    func clearBootFlagValid(because why: String) {
        chassis.bootFlagTimer?.cancel()
        chassis.bootFlagTimer = nil
        // Persistent flags stay valid for every boot; only next-boot ones are used up.
        guard bootFlags.isValid, !bootFlags.isPersistent else { return }
        chassis.boot.flags.isValid = false
        logger.info("boot flags cleared: \(why)")
        if platform?.supports(.setBootDevice(selector: 0, persistent: false)) == true {
            perform(.setBootDevice(selector: 0, persistent: false), reason: "boot flags cleared: \(why)") { _ in }
        }
    }

    /// The 60-second clock after Set System Boot Options, unless parameter 3 bit 3 stops it.
    func restartBootFlagTimer() {
        chassis.bootFlagTimer?.cancel()
        chassis.bootFlagTimer = nil
        guard bootFlags.isValid, !bootFlags.isPersistent,
              chassisSettings.boot.validBitClearing & BootFlagClearing.timeout.rawValue == 0
        else { return }
        chassis.bootFlagTimer = onLoop(after: .seconds(60)) { bmc in
            bmc.clearBootFlagValid(because: "no Chassis Control within 60 s")
        }
    }

    // MARK: Power-on hours

    /// Counts a minute of power-on hours each minute the chassis is on, saved as it goes.
    private func schedulePOHCount() {
        chassis.pohTimer = onLoop(after: .seconds(60)) { bmc in
            if bmc.chassis.isPoweredOn {
                do {
                    try bmc.saveThenApply(\.chassisSettings, as: BMC.chassisFile) { $0.powerOnMinutes &+= 1 }
                } catch {
                    // Logged by persist; this minute goes uncounted, so memory and disk still agree.
                }
            }
            bmc.schedulePOHCount()
        }
    }

    // MARK: Support

    /// Runs `task` on the BMC's loop after `delay`; nil where no loop runs timers (unit tests).
    func onLoop(after delay: TimeAmount, _ task: @escaping (BMC) -> Void) -> Scheduled<Void>? {
        let bound = UnsafeTransfer((self, task))
        return timers?.schedule(in: delay) { bound.value.1(bound.value.0) }
    }

    /// Keeps the last platform actions for `ipmigod status`.
    func recordAction(_ action: PlatformAction, reason: String, outcome: PlatformActionOutcome) {
        let text = switch outcome {
        case .done: "done"
        case .failed(let code): "failed (completion code \(code))"
        }
        let second = Int((NIODeadline.now() - chassis.started).nanoseconds / 1_000_000_000)
        chassis.recentActions.append(PlatformActionRecord(action: action.description, reason: reason, outcome: text, atSecond: second))
        if chassis.recentActions.count > BMC.recentActionsKept { chassis.recentActions.removeFirst() }
    }
}
