import CNetSNMP
import IPMICore
import Logging
import NIOConcurrencyHelpers
#if canImport(Glibc)
import Glibc
#endif

/// Sends Platform Event Traps to LAN alert destinations over net-snmp.
///
/// net-snmp's single-session API is not thread-safe, so every session lives on one thread
/// of the sender's own, one per process however many switches it runs. Callers only enqueue
/// (one bounded queue per route: switch and destination selector) and never wait.
/// Unacknowledged destinations get each trap once; acknowledged ones get
/// it again every `ackTimeout` seconds, with the same PET sequence number, until an INFORM
/// response or a PET Acknowledge (`acknowledge(_:from:)`) from the destination's address
/// arrives or the retries run out.
public final class PETSender: @unchecked Sendable {
    public struct Configuration: Sendable {
        /// The BMC's IPv4 address (network order): the SNMPv1 agent-addr.
        public var agentAddress: [UInt8]
        /// Where net-snmp may keep state (nothing is written with persistence disabled).
        public var stateDirectory: String
        /// This BMC's SNMPv3 engine ID (5..32 bytes), used for v3 traps.
        public var engineID: [UInt8]
        /// This start's snmpEngineBoots (`SNMPEngine.start` counts and saves it); the engine
        /// time runs from when the sender starts.
        public var engineBoots: UInt32
        /// Alerts a destination may have waiting; more are dropped and counted as failed.
        public var queueCapacity: Int
        /// A fleet's members, by member number; empty for a single switch, whose source is
        /// the fields above.
        public var members: [Source] = []

        public init(agentAddress: [UInt8], stateDirectory: String, engineID: [UInt8] = PETSender.defaultEngineID,
                    engineBoots: UInt32 = 1, queueCapacity: Int = 64) {
            self.agentAddress = agentAddress
            self.stateDirectory = stateDirectory
            self.engineID = engineID
            self.engineBoots = engineBoots
            self.queueCapacity = queueCapacity
        }

        /// The configuration of a sender that is `engine`.
        public init(agentAddress: [UInt8], stateDirectory: String, engine: SNMPEngine, queueCapacity: Int = 64) {
            self.init(agentAddress: agentAddress, stateDirectory: stateDirectory, engineID: engine.id,
                      engineBoots: engine.boots, queueCapacity: queueCapacity)
        }
    }

    /// For senders that are not an install's (tests): RFC 3411 format, enterprise 3183 with
    /// the high bit set, format 4 (text), "ipmigod". The daemon uses `SNMPEngine`'s, its own.
    public static let defaultEngineID: [UInt8] = [0x80, 0x00, 0x0C, 0x6F, 0x04] + Array("ipmigod".utf8)

    private let configuration: Configuration
    private let logger: Logger
    private let wakeup = WakeupPipe()
    private let started = PETSender.uptime()

    // Shared with callers, under `lock`.
    private let lock = NIOLock()
    private var queues: [AlertRoute: BoundedQueue<PendingAlert>] = [:]
    private var acknowledgements: [(route: AlertRoute, sequenceNumber: UInt16)] = []
    private var counters: [AlertRoute: DestinationCounters] = [:]
    /// What went out lately, per route: what a PET Acknowledge must match.
    private var sent: [AlertRoute: SentTraps] = [:]
    /// PET Acknowledges that named nothing sent, from addresses no alert went to, per member.
    private var strayAcknowledgements: [Int: Int] = [:]
    private var stopping = false
    private var thread: DedicatedThread?

    // The sender thread's own.
    private var links: [AlertRoute: DestinationLink] = [:]
    /// Each member's sessions are bound to its own address.
    private let sources: [Source]
    private var libraryStarted = false

    public init(configuration: Configuration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
        sources = configuration.members.isEmpty
            ? [Source(agentAddress: configuration.agentAddress,
                      engine: SNMPEngine(id: configuration.engineID, boots: configuration.engineBoots))]
            : configuration.members
        SNMPLibrary.isolate(persistentDirectory: configuration.stateDirectory)
        thread = DedicatedThread(name: "pet-sender") { [self] in run() }
    }

    /// The thread holds the sender: call `stop()` to end it.
    deinit { stop() }

    /// Queues `trap` for `destination`. Never blocks; a full queue (or a destination with
    /// no address) drops the trap and counts a failure.
    /// - Parameters:
    ///   - channelCommunity: the LAN channel's community string (parameter 16), used when the
    ///     destination has no community of its own.
    ///   - agentAddress: the SNMPv1 agent address when the event happened; nil for the configured one.
    ///   - member: the switch that sends it (0 for a single switch).
    public func send(_ trap: PlatformEventTrap, to destination: AlertDestination, channelCommunity: String = "public",
                     agentAddress: [UInt8]? = nil, member: Int = 0) {
        let route = AlertRoute(member: member, selector: destination.selector)
        guard destination.isSet, sources.indices.contains(member) else {
            lock.withLock { counters[route, default: DestinationCounters()].failed += 1 }
            logger.warning("PET alert for a destination without an address: dropped", metadata: ["destination": "\(route)"])
            return
        }
        let alert = PendingAlert(trap: trap, destination: destination, channelCommunity: channelCommunity,
                                 agentAddress: agentAddress ?? sources[member].agentAddress)
        let queued: Bool = lock.withLock {
            guard !stopping else { return false }
            let appended = queues[route, default: BoundedQueue(capacity: configuration.queueCapacity)].append(alert)
            if !appended {
                counters[route, default: DestinationCounters()].failed += 1
                counters[route, default: DestinationCounters()].dropped += 1
            }
            return appended
        }
        if queued {
            wakeup.wake()
        } else {
            logger.warning("PET alert queue full or sender stopped: dropped", metadata: ["destination": "\(route)",
                                                                                       "sequence": "\(trap.sequenceNumber)"])
        }
    }

    /// A PET Acknowledge arrived (IPMI NetFn S/E, command 0x17) from `address`. It counts
    /// only from the address the trap went to and only when every field it carries is the
    /// trap's; then the alert is no longer retried (and a repeat of it is accepted again).
    /// Otherwise it is refused (false) and counted as a bad acknowledgement: against the
    /// destinations at that address, else those it names by sequence number, else as stray.
    /// Only `member`'s own alerts (the switch the acknowledgement was sent to) are considered.
    public func acknowledge(_ acknowledgement: PETAcknowledgement, from address: [UInt8]?, member: Int = 0) -> Bool {
        let accepted: Bool = lock.withLock {
            let own = sent.filter { $0.key.member == member }
            let matching = address.map { source in
                own.filter { $0.value.trap(acknowledgedBy: acknowledgement, from: source) != nil }.map(\.key)
            } ?? []
            for route in matching { acknowledgements.append((route, acknowledgement.sequenceNumber)) }
            guard matching.isEmpty else { return true }
            var blamed = address.map { source in own.filter { $0.value.wasSent(to: source) }.map(\.key) } ?? []
            if blamed.isEmpty {
                blamed = own.filter { $0.value.contains(sequenceNumber: acknowledgement.sequenceNumber) }.map(\.key)
            }
            for route in blamed { counters[route, default: DestinationCounters()].badAcknowledgements += 1 }
            if blamed.isEmpty { strayAcknowledgements[member, default: 0] += 1 }
            return false
        }
        if accepted { wakeup.wake() }
        return accepted
    }

    /// The SNMPv3 engine v3 traps come from: what receivers name in `createUser -e`.
    public var engine: SNMPEngine { engine(member: 0) }

    /// A member's SNMPv3 engine.
    public func engine(member: Int) -> SNMPEngine {
        SNMPEngine(id: sources[member].engineID, boots: sources[member].engineBoots)
    }

    /// PET Acknowledges refused that could not be put down to any destination.
    public var strayAcknowledgementCount: Int { strayAcknowledgementCount(member: 0) }

    public func strayAcknowledgementCount(member: Int) -> Int { lock.withLock { strayAcknowledgements[member] ?? 0 } }

    public func counters(for selector: UInt8, member: Int = 0) -> DestinationCounters {
        lock.withLock { counters[AlertRoute(member: member, selector: selector)] ?? DestinationCounters() }
    }

    /// Alerts waiting in a destination's queue (the metrics' queue depth).
    public func queueDepth(for selector: UInt8, member: Int = 0) -> Int {
        lock.withLock { queues[AlertRoute(member: member, selector: selector)]?.count ?? 0 }
    }

    /// Stops the thread and closes every session; queued alerts are dropped.
    public func stop() {
        let wasRunning: Bool = lock.withLock {
            defer { stopping = true }
            return !stopping && thread != nil
        }
        guard wasRunning else { return }
        wakeup.wake()
        thread?.join()
    }

    // MARK: The sender thread

    private func run() {
        while !lock.withLock({ stopping }) {
            let now = PETSender.uptime()
            applyAcknowledgements()
            var nextDue = Double.infinity
            // Only routes with something to do: alerts waiting, or one in flight.
            var busy = lock.withLock { queues.compactMap { $0.value.isEmpty ? nil : $0.key } }
            busy += links.compactMap { $0.value.delivery == nil ? nil : $0.key }
            for route in Set(busy) {
                let link = links[route] ?? DestinationLink(clientAddress: sources[route.member].clientAddress)
                links[route] = link
                nextDue = min(nextDue, service(link, route: route, now: now))
            }
            closeIdleLinks(now: now)
            wait(until: nextDue, now: now)
        }
        for link in links.values { link.close() }
        links.removeAll()
    }

    private func applyAcknowledgements() {
        let received = lock.withLock { () -> [(route: AlertRoute, sequenceNumber: UInt16)] in
            defer { acknowledgements.removeAll() }
            return acknowledgements
        }
        for (route, sequenceNumber) in received {
            guard let link = links[route], link.delivery?.sequenceNumber == sequenceNumber else { continue }
            link.delivery?.isAcknowledged = true
        }
    }

    /// Moves one destination along; returns when it next needs attention.
    private func service(_ link: DestinationLink, route: AlertRoute, now: Double) -> Double {
        link.lastUsed = now
        while true {
            if var delivery = link.delivery {
                if delivery.isAcknowledged {
                    count(route) { $0.acknowledged += 1 }
                    link.delivery = nil
                    continue
                }
                guard now >= delivery.due else { return delivery.due }
                if delivery.attempts >= delivery.maximumAttempts {
                    count(route) { $0.failed += 1 }
                    logger.warning("PET alert not acknowledged; giving up", metadata: [
                        "destination": "\(route)", "sequence": "\(delivery.sequenceNumber)", "attempts": "\(delivery.attempts)"])
                    link.delivery = nil
                    continue
                }
                guard transmit(&delivery, link: link, route: route, now: now) else {
                    link.delivery = nil
                    continue
                }
                link.delivery = delivery
                return delivery.due
            }
            guard let alert = lock.withLock({ queues[route]?.popFirst() }) else { return .infinity }
            var delivery = AlertDelivery(alert: alert)
            // Unacknowledged destinations are done after one send.
            if transmit(&delivery, link: link, route: route, now: now) && alert.destination.isAcknowledged {
                link.delivery = delivery
            }
        }
    }

    /// One send of the delivery's trap; false (and a failure counted) when it could not go.
    private func transmit(_ delivery: inout AlertDelivery, link: DestinationLink, route: AlertRoute, now: Double) -> Bool {
        let alert = delivery.alert
        let inform = alert.destination.isAcknowledged && alert.destination.version != .v1
        startLibrary(now: now)
        let session: SNMPSession
        do {
            session = try link.session(for: alert, engineID: sources[route.member].engineID)
        } catch {
            fail(delivery, link: link, route: route, reason: "\(error)")
            return false
        }
        guard let requestID = session.send(alert.trap, inform: inform, agentAddress: alert.agentAddress, uptime: uptime(now)) else {
            fail(delivery, link: link, route: route, reason: session.lastError)
            return false
        }
        delivery.requestIDs.insert(requestID)
        delivery.attempts += 1
        delivery.due = now + delivery.interval
        let first = delivery.attempts == 1
        lock.withLock {
            if first {
                counters[route, default: DestinationCounters()].sent += 1
                sent[route, default: SentTraps()].record(alert.trap, to: alert.destination.address)
            } else {
                counters[route, default: DestinationCounters()].retried += 1
            }
        }
        return true
    }

    /// Starts net-snmp when the first alert goes out, not at start-up: its start initialises
    /// OpenSSL's libcrypto, megabytes of resident memory a daemon that never alerts does
    /// without (docs/benchmarks.md). Each engine's boots, and its time counted from when the
    /// sender started, then go into net-snmp's engine time cache for every v3 trap.
    private func startLibrary(now: Double) {
        guard !libraryStarted else { return }
        libraryStarted = true
        guard ipmigod_snmp_load() != 0 else {
            // Every alert fails from here on (and is counted so); say why, loudly, once.
            logger.critical("cannot load net-snmp (libnetsnmp.so.40, Debian's libsnmp40): no trap can be sent",
                            metadata: ["error": "\(String(cString: ipmigod_snmp_load_error()))"])
            return
        }
        ipmigod_snmp_init("ipmigod")
        for source in sources {
            source.engineID.withUnsafeBufferPointer {
                ipmigod_snmp_set_engine_boots($0.baseAddress, $0.count, source.engineBoots,
                                              UInt32(clamping: Int64(now - started)))
            }
        }
    }

    private func fail(_ delivery: AlertDelivery, link: DestinationLink, route: AlertRoute, reason: String) {
        count(route) { $0.failed += 1 }
        logger.warning("PET alert could not be sent", metadata: [
            "destination": "\(route)", "sequence": "\(delivery.sequenceNumber)", "reason": "\(reason)"])
        // A fresh session for the next alert.
        link.close()
    }

    private func count(_ route: AlertRoute, _ update: (inout DestinationCounters) -> Void) {
        lock.withLock { update(&counters[route, default: DestinationCounters()]) }
    }

    /// A fleet's members alert rarely: a session (a socket) left unused this long is closed,
    /// so a thousand switches do not hold a thousand sockets between alert storms.
    static let idleSessionLifetime: Double = 60

    private func closeIdleLinks(now: Double) {
        guard sources.count > 1 else { return }
        for (route, link) in links where link.delivery == nil && now - link.lastUsed > Self.idleSessionLifetime {
            link.close()
            links[route] = nil
        }
    }

    /// Seconds on the monotonic clock, which wall-clock changes do not move.
    private static func uptime() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }

    /// sysUpTime: hundredths of a second since the sender started.
    private func uptime(_ now: Double) -> UInt32 {
        UInt32(truncatingIfNeeded: Int64((now - started) * 100))
    }

    /// Sleeps in poll() until a wakeup, a response on any session, or `deadline`; then
    /// lets net-snmp read responses and expire requests (its callbacks run here).
    private func wait(until deadline: Double, now: Double) {
        let sessions = links.values.compactMap(\.session)
        var fds = [pollfd(fd: wakeup.readFD, events: Int16(POLLIN), revents: 0)]
        fds += sessions.map { pollfd(fd: $0.fileDescriptor, events: Int16(POLLIN), revents: 0) }
        // Wake at least once a second so net-snmp can expire outstanding INFORMs.
        let seconds = min(deadline - now, sessions.isEmpty ? 3600 : 1)
        let milliseconds = Int32(max(0, (seconds * 1000).rounded(.up)))
        _ = poll(&fds, nfds_t(fds.count), milliseconds)
        if fds[0].revents != 0 { wakeup.drain() }
        for (index, session) in sessions.enumerated() {
            if fds[index + 1].revents != 0 { session.read() }
            session.expire()
        }
    }
}
