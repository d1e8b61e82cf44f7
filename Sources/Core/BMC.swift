import Logging
import NIOCore

/// The BMC: the one owner of sessions, users, channel settings and everything else a
/// client can change. It is confined to one event loop (or thread); datagrams go in and
/// answers come out, with no I/O of its own besides the state directory.
public final class BMC {
    public let configuration: BMCConfiguration
    public internal(set) var users: UserTable
    public internal(set) var channelAccess: ChannelAccessState
    public internal(set) var sessions: SessionTable
    public let sel: SELStore
    public let fru: FRUInventory
    /// LAN configuration parameters, alert destinations included.
    public let lan: LANParameters
    public let pef: PEFEngine
    public internal(set) var sensors: [Sensor]
    /// Sensor positions by LUN and number (`SensorDefinition.key`).
    let sensorIndex: [UInt16: Int]
    public internal(set) var sdr: SDRRepository
    /// Events logged to the SEL and alerts PEF raised, since the daemon started.
    public internal(set) var eventsLogged = 0
    public internal(set) var alertsRaised = 0
    /// Where PEF's alerts go (the SNMP sender). Set it on the BMC's event loop.
    public var alertSink: (any AlertSink)?
    /// Carries out chassis control, identify, boot device and watchdog actions; nil refuses
    /// them (no hook configured).
    public var platform: (any PlatformActions)?
    /// Sub-second timers on the BMC's loop (watchdog, identify); nil where nothing runs them.
    public var timers: BMCTimers?
    /// Sends a packet that answers no datagram being handled (a management module's request to a
    /// line card, the bridged answer after a Send Message response) from the BMC's own socket.
    /// Set by the host on the BMC's loop; nil where there is no socket (unit tests set their own).
    public var sendDatagram: ((ByteBuffer, RemoteConsole) -> Void)?
    /// The BMC watchdog timer (Set/Get/Reset Watchdog Timer); volatile.
    public internal(set) var watchdog = BMCWatchdog()
    /// What system software last reported through Set ACPI Power State; volatile.
    public internal(set) var acpiPowerState = ACPIPowerState()
    /// Re-executes the daemon (Cold Reset), called on the BMC's loop once the answer is out;
    /// nil refuses Cold Reset (0xD5).
    public var onColdReset: (@Sendable () -> Void)?
    /// Non-volatile settings of the App, Transport and DCMI commands (global enables, system
    /// info, SOL, K_G, DCMI identifier), each saved through `saveThenApply`.
    public internal(set) var settings: BMCSettings
    /// Where this controller's own events would go (Set/Get Event Receiver); volatile.
    public internal(set) var eventReceiver = EventReceiver()
    /// The power supplies' input power, for DCMI's Get Power Reading.
    public internal(set) var powerStatistics = PowerStatistics()
    public var logger: Logger
    public internal(set) var drops = RateLimitedLog()
    /// Requests, login failures and the like, for the metrics (`snapshot()`).
    public internal(set) var counters = BMCCounters()

    let store: StateStore
    let dispatcher: CommandDispatcher
    /// Reused for each LAN message before it is wrapped, so the request path does not allocate.
    var scratch = ByteBuffer()
    /// Reused for each decrypted request, for the same reason.
    var plaintext = ByteBuffer()
    /// Set by a deferring handler that returned without answering; the session path takes it.
    var deferral: Deferral?
    /// The answer of the request just handled, when it comes later; `handleDatagram` takes it.
    var pendingAnswer: PendingAnswer?
    /// Requests whose answers are still to come (retransmissions of them are dropped).
    var inFlight: [InFlightRequest: InFlightAnswer] = [:]
    /// Answers to deferred requests, kept a few seconds for a console whose retransmission
    /// crossed the answer: it gets the same answer again, and the hook does not run twice.
    var recentAnswers: [InFlightRequest: RecentAnswer] = [:]
    /// Bridged answers sent after a Send Message response, kept for its retransmissions.
    var bridgedAnswers: [InFlightRequest: ByteBuffer] = [:]
    /// The line cards, on a management module (`chassisRole`); nil otherwise.
    public internal(set) var lineCards: LineCardAggregator?
    /// The chassis now (power, identify, boot options) and what of it is non-volatile.
    public internal(set) var chassis = ChassisState()
    public internal(set) var chassisSettings: ChassisSettings

    static let usersFile = "users.json"
    static let channelFile = "channel.json"

    public init(configuration: BMCConfiguration, logger: Logger) throws {
        self.configuration = configuration
        self.logger = logger
        store = try StateStore(directory: configuration.stateDirectory)
        settings = try BMCSettings(store: store)
        users = try store.load(UserTable.self, from: BMC.usersFile) ?? UserTable(configured: configuration.users)
        channelAccess = try store.load(ChannelAccessState.self, from: BMC.channelFile)
            ?? ChannelAccessState(privilegeLimit: configuration.channel.privilegeLimit)
        channelAccess.volatile = channelAccess.nonVolatile
        sessions = SessionTable(capacity: configuration.limits.maximumSessions,
                                idleTimeout: .nanoseconds(Int64(configuration.limits.idleTimeout * 1e9)))
        let savedSettings = try store.load([String: SensorSettings].self, from: BMC.sensorSettingsFile) ?? [:]
        sensors = configuration.sensors.map { Sensor(definition: $0, settings: savedSettings[$0.name]) }
        sensorIndex = Dictionary(uniqueKeysWithValues: sensors.enumerated().map { ($1.definition.key, $0) })
        sdr = SDRRepository(sensorCount: sensors.count, hasFRU: true,
                            changes: try store.load(SDRRepository.Changes.self, from: BMC.sdrFile) ?? SDRRepository.Changes())
        sel = try SELStore(directory: configuration.stateDirectory, configuration: configuration.sel, logger: logger,
                           systemTime: SELClock.systemSeconds)
        fru = try FRUInventory(configuration: configuration.fru, store: store)
        lan = try LANParameters(configuration: configuration.lan, store: store)
        pef = try PEFEngine(configuration: configuration.pef, store: store)
        chassisSettings = try store.load(ChassisSettings.self, from: BMC.chassisFile)
            ?? ChassisSettings(restorePolicy: configuration.chassis.restorePolicy)
        dispatcher = CommandDispatcher(tables: [
            (.chassis, ChassisCommands.table),
            (.app, AppCommands.table),
            (.sensorEvent, configuration.chassisRole.managementModule == nil
                ? SensorEventCommands.table : ChassisSensorCommands.routing(SensorEventCommands.table)),
            (.storage, StorageCommands.table),
            (.transport, TransportCommands.table),
            (.groupExtension, DCMICommands.table),
            (.oemGroup, ChassisLinkCommands.table),
        ])
        scratch.reserveCapacity(256)
        plaintext.reserveCapacity(256)
        // PEF alerts only destinations that are set up on this channel.
        pef.destinationAvailable = { [unowned self] channel, selector in
            channel == self.configuration.channel.number && self.lan.destination(selector: selector) != nil
        }
        pef.onPowerAction = { [unowned self] action, _ in self.performPEFPowerAction(action) }
        try setUpLineCards()
    }

    /// What to do with the answer `handleDatagram` wrote.
    public enum Answer: Equatable {
        /// Nothing to send.
        case none
        case sendNow
        /// The answer comes later (`output` holds nothing to send): once a SEL change is
        /// durable, or once a platform hook is done; never if that fails.
        case later(PendingAnswer)

        public static func == (lhs: Answer, rhs: Answer) -> Bool {
            switch (lhs, rhs) {
            case (.none, .none), (.sendNow, .sendNow): true
            case (.later(let a), .later(let b)): a === b
            default: false
            }
        }
    }

    /// Handles one datagram and writes the answer, if any, to `output`.
    public func handleDatagram(_ datagram: ByteBuffer, from remote: RemoteConsole, now: NIODeadline,
                               into output: inout ByteBuffer) -> Answer {
        guard datagram.readableBytes <= DatagramLimits.maximumSize else {
            drop("oversized datagram", "\(datagram.readableBytes) bytes or more", from: remote, now: now)
            return .none
        }
        let selChanges = sel.changeCount
        guard answer(datagram, from: remote, now: now, into: &output) else { return .none }
        if let pending = pendingAnswer {
            pendingAnswer = nil
            return .later(pending)
        }
        if sel.changeCount == selChanges || sel.isDurable { return .sendNow }
        // The request changed the SEL: the answer goes once that is on disk, not at all if it cannot be saved.
        let pending = PendingAnswer()
        let packet = output
        sel.whenDurable { saved in saved ? pending.deliver(packet) : pending.abandon() }
        return .later(pending)
    }

    private func answer(_ datagram: ByteBuffer, from remote: RemoteConsole, now: NIODeadline,
                        into output: inout ByteBuffer) -> Bool {
        let frame: RMCPFrame
        do {
            frame = try RMCPFrame.parse(datagram)
        } catch {
            drop("malformed packet", "\(error)", from: remote, now: now)
            return false
        }
        switch frame {
        case .acknowledgement:
            return false
        case .asf(let header, let message):
            guard message.messageType == ASFMessage.presencePing else {
                drop("unsupported ASF message", "type \(message.messageType)", from: remote, now: now)
                return false
            }
            RMCPHeader(sequence: header.sequence, messageClass: .asf).write(to: &output)
            ASFMessage.presencePong(tag: message.messageTag).write(to: &output)
            return true
        case .ipmi15(_, let packet):
            return handleLegacy(packet, from: remote, now: now, into: &output)
        case .rmcpPlus(_, let packet):
            return handleRMCPPlus(packet, from: remote, now: now, into: &output)
        }
    }

    /// Periodic housekeeping: closes idle sessions and forgets stale session setups.
    public func tick(now: NIODeadline) {
        // Alerts held back by PEF's startup delay or postpone timer.
        let deferred = pef.releaseDeferred()
        if !deferred.isEmpty { alertSink?.send(deferred) }
        sel.retryFailedWrite()
        for session in sessions.expire(now: now) {
            logger.info("session closed after idle timeout", metadata: ["session": "\(session.handle)", "user": "\(session.userID)"])
        }
        settleAbandonedHandshakes(now: now)
        tickLineCards(now: now)
    }

    func drop(_ reason: String, _ detail: @autoclosure () -> String, from remote: RemoteConsole, now: NIODeadline) {
        drops.note(reason, detail: "\(detail()) from \(remote)", logger: logger, now: now)
    }

    /// Runs a request and leaves the LAN response in `scratch`.
    func respond(to request: IPMIRequest, context: RequestContext) {
        scratch.clear()
        dispatcher.dispatch(request, context: context, bmc: self, to: &scratch)
        // The completion code follows the 6-byte LAN response header.
        if let code = scratch.getInteger(at: scratch.readerIndex + 6, as: UInt8.self) {
            counters.requests.note(netFn: request.netFn.rawValue, command: request.command, completionCode: code)
        }
    }

    /// Saves one kind of state durably before the change that made it is acknowledged; a
    /// failure is logged and answered with 0xFF, so the client knows it did not stick.
    func persist(_ value: some Encodable, as file: String) throws(CompletionCode) {
        do {
            try store.save(value, as: file)
        } catch {
            logger.error("cannot save \(file): \(error)")
            throw .unspecified
        }
    }

    /// The one rule for persisted state: save durably, then apply, then answer. `change` works
    /// on a copy of the state at `keyPath`; the BMC's own state changes only once that copy is
    /// on disk, so a failed save (0xFF) leaves memory and disk agreeing.
    func saveThenApply<State: Encodable>(
        _ keyPath: ReferenceWritableKeyPath<BMC, State>, as file: String,
        _ change: (inout State) throws(CompletionCode) -> Void
    ) throws(CompletionCode) {
        try saveThenApply(keyPath, as: file, saving: { $0 }, change)
    }

    /// Asks the platform for an action and calls `completion` with the outcome on the BMC's
    /// event loop. With no hook for it, the action is refused (0xD5, not supported in the
    /// present state) and the missing hook named in the log; it is never faked.
    public func perform(_ action: PlatformAction, reason: String,
                        completion: @escaping (PlatformActionOutcome) -> Void) {
        guard let platform, platform.supports(action) else {
            logger.warning("platform action refused: no hook configured", metadata: ["hook": "\(action.name)", "reason": "\(reason)"])
            recordAction(action, reason: reason, outcome: .failed(CompletionCode(0xD5)))
            completion(.failed(CompletionCode(0xD5)))
            return
        }
        logger.notice("platform action", metadata: ["action": "\(action.name)", "reason": "\(reason)"])
        let loopBound = UnsafeTransfer({ [unowned self] (outcome: PlatformActionOutcome) in
            recordAction(action, reason: reason, outcome: outcome)
            counters.noteHook(action.name, succeeded: outcome == .done)
            completion(outcome)
        })
        platform.perform(action, reason: reason) { [timers] outcome in
            // Without a loop (unit tests) the platform is expected to answer synchronously.
            guard let timers else { return loopBound.value(outcome) }
            timers.execute { loopBound.value(outcome) }
        }
    }

}

extension RemoteConsole: CustomStringConvertible {
    public var description: String {
        guard let ipv4 else {
            guard let ipv6, ipv6.count == 16 else { return "[ipv6]:\(port)" }
            let groups = stride(from: 0, to: 16, by: 2).map { String(UInt16(ipv6[$0]) << 8 | UInt16(ipv6[$0 + 1]), radix: 16) }
            return "[" + groups.joined(separator: ":") + "]:\(port)"
        }
        return ipv4.map(String.init).joined(separator: ".") + ":\(port)"
    }
}
