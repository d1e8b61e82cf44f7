import NIOCore

/// The BMC watchdog timer (IPMI 2.0 chapter 27) as a state machine over a clock the caller
/// passes in: it counts down in 100 ms units from the initial countdown, raises its
/// pre-timeout interrupt the pre-timeout interval before the end, and expires. It keeps
/// one deadline instead of ticking; `BMC+Watchdog` schedules a task for `nextDeadline` and
/// calls `advance` when it runs. Volatile, like a real BMC's: a restart leaves it stopped.
public struct BMCWatchdog: Sendable {
    public static let countDuration = TimeAmount.milliseconds(100)

    /// What the last Set Watchdog Timer said; nil until the first one (Reset then answers 80h).
    public private(set) var settings: WatchdogSettings?
    /// Timer use expiration flags: bit n set when the timer expired while its use was n.
    /// Cleared only by Set Watchdog Timer's clear mask.
    public private(set) var expirationFlags: UInt8 = 0
    /// While running: when it expires.
    public private(set) var expiry: NIODeadline?
    /// While stopped: the count it holds (the initial countdown after a Set, 0 after an expiry).
    private var heldCountdown: UInt16 = 0
    /// The pre-timeout interrupt fired in this countdown: from then on only a Set restarts it.
    public private(set) var preTimeoutReached = false
    /// Get Message Flags' "watchdog pre-timeout interrupt" flag (IPMI 2.0 section 22.4): set
    /// when the interrupt fires, cleared by Clear Message Flags and by a warm reset.
    public var preTimeoutInterruptFlag = false
    /// The task `BMC+Watchdog` scheduled for `nextDeadline`, cancelled when that changes.
    var scheduledCheck: Scheduled<Void>?

    public init() {}

    public var isRunning: Bool { expiry != nil }

    /// What happened when a deadline was reached.
    public enum Occurrence: Sendable, Equatable {
        case preTimeout(WatchdogSettings)
        case expired(WatchdogSettings)

        public var settings: WatchdogSettings {
            switch self {
            case .preTimeout(let settings), .expired(let settings): settings
            }
        }

        /// What the platform is asked to do: the timeout action, or for the pre-timeout an
        /// NMI as the diagnostic interrupt (an SMI or messaging interrupt needs a host
        /// interface this BMC does not have).
        public var platformAction: PlatformAction? {
            switch self {
            case .preTimeout(let settings): settings.preTimeoutInterrupt == .nmi ? .diagnosticInterrupt : nil
            case .expired(let settings): settings.timeoutAction.platformAction
            }
        }

        /// The reason given with the platform action, in log lines and to hooks.
        public var reason: String {
            switch self {
            case .preTimeout: "watchdog pre-timeout"
            case .expired: "watchdog expired"
            }
        }
    }

    /// Set Watchdog Timer: new settings take effect at once. Without "don't stop" the timer
    /// stops, holding the new initial countdown; with it, a running timer restarts from the new
    /// countdown and a stopped one stays stopped. `clearing` is the expiration flags clear mask.
    public mutating func set(_ settings: WatchdogSettings, dontStop: Bool, clearing: UInt8, now: NIODeadline) {
        self.settings = settings
        expirationFlags &= ~clearing
        preTimeoutReached = false
        if dontStop, isRunning {
            expiry = now + Self.duration(of: settings.initialCountdown)
        } else {
            expiry = nil
            heldCountdown = settings.initialCountdown
        }
    }

    /// Reset Watchdog Timer: (re)starts the countdown from the initial countdown; a countdown
    /// of 0 expires at once. 80h if the timer was never set; D5h once the pre-timeout
    /// interrupt has fired (the spec lets only a Set stop or restart it then).
    public mutating func reset(now: NIODeadline) throws(CompletionCode) {
        guard let settings else { throw CompletionCode(0x80) } // attempt to start an un-initialized watchdog
        guard !(isRunning && preTimeoutReached) else { throw .notSupportedInPresentState }
        expiry = now + Self.duration(of: settings.initialCountdown)
    }

    /// Stops the countdown where it is (warm reset).
    public mutating func stop(now: NIODeadline) {
        heldCountdown = presentCountdown(now: now)
        expiry = nil
        preTimeoutReached = false
    }

    /// The count left, in 100 ms units, rounded up: a running timer reads 0 only once expired.
    public func presentCountdown(now: NIODeadline) -> UInt16 {
        guard let expiry else { return heldCountdown }
        let left = max(0, (expiry - now).nanoseconds)
        let counts = (left + Self.countDuration.nanoseconds - 1) / Self.countDuration.nanoseconds
        return UInt16(clamping: counts)
    }

    /// When `advance` has something to do next: the pre-timeout interrupt, then the expiry.
    public var nextDeadline: NIODeadline? {
        guard let expiry, let settings else { return nil }
        if let preTimeout = preTimeoutDeadline(expiry: expiry, settings: settings) { return preTimeout }
        return expiry
    }

    /// Moves the timer on to `now`: an expiry stops it, holding 0, and sets its use's
    /// expiration flag.
    public mutating func advance(now: NIODeadline) -> Occurrence? {
        guard let expiry, let settings else { return nil }
        if now >= expiry {
            self.expiry = nil
            heldCountdown = 0
            preTimeoutReached = false
            expirationFlags |= 1 << settings.timerUse.rawValue
            return .expired(settings)
        }
        if let preTimeout = preTimeoutDeadline(expiry: expiry, settings: settings), now >= preTimeout {
            preTimeoutReached = true
            preTimeoutInterruptFlag = true
            return .preTimeout(settings)
        }
        return nil
    }

    /// Before the expiry by the pre-timeout interval, if an interrupt is set and has not fired.
    /// An interval of 0 coincides with the expiry, which takes precedence.
    private func preTimeoutDeadline(expiry: NIODeadline, settings: WatchdogSettings) -> NIODeadline? {
        guard settings.preTimeoutInterrupt != .none, settings.preTimeoutInterval > 0, !preTimeoutReached else { return nil }
        return expiry - .seconds(Int64(settings.preTimeoutInterval))
    }

    static func duration(of counts: UInt16) -> TimeAmount {
        .nanoseconds(Int64(counts) * countDuration.nanoseconds)
    }
}
