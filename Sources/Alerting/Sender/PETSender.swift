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
/// of the sender's own. Callers only enqueue (one bounded queue per destination selector)
/// and never wait. Unacknowledged destinations get each trap once; acknowledged ones get
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
    private var queues: [UInt8: BoundedQueue<PendingAlert>] = [:]
    private var acknowledgements: [(selector: UInt8, sequenceNumber: UInt16)] = []
    private var counters: [UInt8: DestinationCounters] = [:]
    /// What went out lately, per destination selector: what a PET Acknowledge must match.
    private var sent: [UInt8: SentTraps] = [:]
    /// PET Acknowledges that named nothing sent, from addresses no alert went to.
    private var strayAcknowledgements = 0
    private var stopping = false
    private var thread: DedicatedThread?

    // The sender thread's own.
    private var links: [UInt8: DestinationLink] = [:]

    public init(configuration: Configuration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
        SNMPLibrary.isolate(persistentDirectory: configuration.stateDirectory)
        ipmigod_snmp_init("ipmigod")
        // Our engine's boots, and its time counting from now, for every v3 trap (in
        // net-snmp's engine time cache, which outgoing messages read).
        configuration.engineID.withUnsafeBufferPointer {
            ipmigod_snmp_set_engine_boots($0.baseAddress, $0.count, configuration.engineBoots)
        }
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
    public func send(_ trap: PlatformEventTrap, to destination: AlertDestination, channelCommunity: String = "public",
                     agentAddress: [UInt8]? = nil) {
        guard destination.isSet else {
            lock.withLock { counters[destination.selector, default: DestinationCounters()].failed += 1 }
            logger.warning("PET alert for a destination without an address: dropped", metadata: ["destination": "\(destination.selector)"])
            return
        }
        let alert = PendingAlert(trap: trap, destination: destination, channelCommunity: channelCommunity,
                                 agentAddress: agentAddress ?? configuration.agentAddress)
        let queued: Bool = lock.withLock {
            guard !stopping else { return false }
            var queue = queues[destination.selector] ?? BoundedQueue(capacity: configuration.queueCapacity)
            let appended = queue.append(alert)
            queues[destination.selector] = queue
            if !appended {
                counters[destination.selector, default: DestinationCounters()].failed += 1
                counters[destination.selector, default: DestinationCounters()].dropped += 1
            }
            return appended
        }
        if queued {
            wakeup.wake()
        } else {
            logger.warning("PET alert queue full or sender stopped: dropped", metadata: ["destination": "\(destination.selector)",
                                                                                       "sequence": "\(trap.sequenceNumber)"])
        }
    }

    /// A PET Acknowledge arrived (IPMI NetFn S/E, command 0x17) from `address`. It counts
    /// only from the address the trap went to and only when every field it carries is the
    /// trap's; then the alert is no longer retried (and a repeat of it is accepted again).
    /// Otherwise it is refused (false) and counted as a bad acknowledgement: against the
    /// destinations at that address, else those it names by sequence number, else as stray.
    public func acknowledge(_ acknowledgement: PETAcknowledgement, from address: [UInt8]?) -> Bool {
        let accepted: Bool = lock.withLock {
            let matching = address.map { source in
                sent.filter { $0.value.trap(acknowledgedBy: acknowledgement, from: source) != nil }.map(\.key)
            } ?? []
            for selector in matching { acknowledgements.append((selector, acknowledgement.sequenceNumber)) }
            guard matching.isEmpty else { return true }
            var blamed = address.map { source in sent.filter { $0.value.wasSent(to: source) }.map(\.key) } ?? []
            if blamed.isEmpty {
                blamed = sent.filter { $0.value.contains(sequenceNumber: acknowledgement.sequenceNumber) }.map(\.key)
            }
            for selector in blamed { counters[selector, default: DestinationCounters()].badAcknowledgements += 1 }
            if blamed.isEmpty { strayAcknowledgements += 1 }
            return false
        }
        if accepted { wakeup.wake() }
        return accepted
    }

    /// The SNMPv3 engine v3 traps come from: what receivers name in `createUser -e`.
    public var engine: SNMPEngine { SNMPEngine(id: configuration.engineID, boots: configuration.engineBoots) }

    /// PET Acknowledges refused that could not be put down to any destination.
    public var strayAcknowledgementCount: Int { lock.withLock { strayAcknowledgements } }

    public func counters(for selector: UInt8) -> DestinationCounters {
        lock.withLock { counters[selector] ?? DestinationCounters() }
    }

    /// Alerts waiting in a destination's queue (the metrics' queue depth).
    public func queueDepth(for selector: UInt8) -> Int {
        lock.withLock { queues[selector]?.count ?? 0 }
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
            for selector in Set(lock.withLock { Array(queues.keys) }).union(links.keys) {
                let link = links[selector] ?? DestinationLink()
                links[selector] = link
                nextDue = min(nextDue, service(link, selector: selector, now: now))
            }
            wait(until: nextDue, now: now)
        }
        for link in links.values { link.close() }
        links.removeAll()
    }

    private func applyAcknowledgements() {
        let received = lock.withLock { () -> [(selector: UInt8, sequenceNumber: UInt16)] in
            defer { acknowledgements.removeAll() }
            return acknowledgements
        }
        for (selector, sequenceNumber) in received {
            guard let link = links[selector], link.delivery?.sequenceNumber == sequenceNumber else { continue }
            link.delivery?.isAcknowledged = true
        }
    }

    /// Moves one destination along; returns when it next needs attention.
    private func service(_ link: DestinationLink, selector: UInt8, now: Double) -> Double {
        while true {
            if var delivery = link.delivery {
                if delivery.isAcknowledged {
                    count(selector) { $0.acknowledged += 1 }
                    link.delivery = nil
                    continue
                }
                guard now >= delivery.due else { return delivery.due }
                if delivery.attempts >= delivery.maximumAttempts {
                    count(selector) { $0.failed += 1 }
                    logger.warning("PET alert not acknowledged; giving up", metadata: [
                        "destination": "\(selector)", "sequence": "\(delivery.sequenceNumber)", "attempts": "\(delivery.attempts)"])
                    link.delivery = nil
                    continue
                }
                guard transmit(&delivery, link: link, selector: selector, now: now) else {
                    link.delivery = nil
                    continue
                }
                link.delivery = delivery
                return delivery.due
            }
            guard let alert = lock.withLock({ queues[selector]?.popFirst() }) else { return .infinity }
            var delivery = AlertDelivery(alert: alert)
            // Unacknowledged destinations are done after one send.
            if transmit(&delivery, link: link, selector: selector, now: now) && alert.destination.isAcknowledged {
                link.delivery = delivery
            }
        }
    }

    /// One send of the delivery's trap; false (and a failure counted) when it could not go.
    private func transmit(_ delivery: inout AlertDelivery, link: DestinationLink, selector: UInt8, now: Double) -> Bool {
        let alert = delivery.alert
        let inform = alert.destination.isAcknowledged && alert.destination.version != .v1
        let session: SNMPSession
        do {
            session = try link.session(for: alert, engineID: configuration.engineID)
        } catch {
            fail(delivery, link: link, selector: selector, reason: "\(error)")
            return false
        }
        guard let requestID = session.send(alert.trap, inform: inform, agentAddress: alert.agentAddress, uptime: uptime(now)) else {
            fail(delivery, link: link, selector: selector, reason: session.lastError)
            return false
        }
        delivery.requestIDs.insert(requestID)
        delivery.attempts += 1
        delivery.due = now + delivery.interval
        let first = delivery.attempts == 1
        lock.withLock {
            if first {
                counters[selector, default: DestinationCounters()].sent += 1
                sent[selector, default: SentTraps()].record(alert.trap, to: alert.destination.address)
            } else {
                counters[selector, default: DestinationCounters()].retried += 1
            }
        }
        return true
    }

    private func fail(_ delivery: AlertDelivery, link: DestinationLink, selector: UInt8, reason: String) {
        count(selector) { $0.failed += 1 }
        logger.warning("PET alert could not be sent", metadata: [
            "destination": "\(selector)", "sequence": "\(delivery.sequenceNumber)", "reason": "\(reason)"])
        // A fresh session for the next alert.
        link.close()
    }

    private func count(_ selector: UInt8, _ update: (inout DestinationCounters) -> Void) {
        lock.withLock { update(&counters[selector, default: DestinationCounters()]) }
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
