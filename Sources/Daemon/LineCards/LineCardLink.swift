import IPMICore
import Logging
import NIOCore
import NIOPosix

/// A line card's end of its link to the management module (MM): one RMCP+ session the card
/// opens and keeps, over a UDP socket of its own, carrying the protocol of `ChassisLink`
/// (docs/design.md): hello; the SDR set when the MM holds another; every reading; the SEL
/// entries the MM has not confirmed; then changed readings after poll rounds, new SEL entries
/// and heartbeats. The MM's bridged requests arrive in the same session and are answered by
/// this card's BMC. A request unanswered after its tries, or a hello refused, drops the session
/// and the card opens a new one after a backoff. Confined to its BMC's event loop.
final class LineCardLink {
    /// Each request waits this long for its answer, and is sent at most `tries` times.
    static let answerTimeout = TimeAmount.seconds(1)
    static let tries = 3
    /// Between attempts to reach the MM: doubling from the first to the last, jittered.
    static let backoff: ClosedRange<Double> = 0.5...8
    /// A clean stop waits at most this long for the answer to Close Session.
    static let closeTimeout = TimeAmount.milliseconds(500)

    /// App 3Ch, Close Session, with the MM's session ID.
    static let closeSession: UInt8 = 0x3C

    static func sessionIDBytes(_ id: UInt32) -> [UInt8] {
        withUnsafeBytes(of: id.littleEndian) { Array($0) }
    }

    private enum HandshakeStep { case openSession, rakp2, rakp4 }

    /// A link message waiting to go, and what its answer does.
    private struct Outgoing {
        var netFn: NetFn = ChassisLink.netFn
        var command: UInt8
        var data: [UInt8]
        var onAnswer: (LineCardLink, IPMIResponse) -> Void
    }

    private struct InFlight {
        var outgoing: Outgoing
        var requesterSequence: UInt8
        var tries = 0
        var timeout: Scheduled<Void>?
    }

    let settings: LineCardSettings
    private let bmc: BMC
    private let loop: any EventLoop
    private let target: SocketAddress
    private var logger: Logger
    private var channel: (any Channel)?
    /// Random per start: the MM tells a restarted card from one that reconnects.
    private let incarnation = UInt32.random(in: 1...UInt32.max)
    private var numbering: LineCardSELNumbering

    // The session and where the protocol stands in it.
    private var console: RMCPPlusConsole?
    private var handshake: HandshakeStep?
    private var handshakeTimeout: Scheduled<Void>?
    /// Bumped whenever a session is given up: what was scheduled for an older one does nothing.
    private var generation = 0
    private var failures = 0
    private var reconnect: Scheduled<Void>?
    private var stopping = false
    private var inFlight: InFlight?
    private var queue: [Outgoing] = []
    /// The hello was answered and the resynchronisation queued: new readings and SEL entries flow.
    private var synchronised = false
    private var managementModuleIncarnation: UInt32?
    private var selConfirmed: UInt32 = 0
    /// The SEL entries still to send, as numbered at `pendingSELChangeCount`.
    private var pendingSEL: [(sequence: UInt32, record: SELRecord)] = []
    private var pendingSELChangeCount: UInt64?
    private var waitingForDurableSEL = false
    private var sentReadings: [UInt16: LinkReading] = [:]
    /// The digest of the SDR set the MM holds or has been sent in this session.
    private var sentDigest: UInt32?
    private var lastSent = NIODeadline.now()
    private var ticks: Scheduled<Void>?
    /// Refused link messages since the last completed resynchronisation.
    private var refusals = 0
    static let resyncsBeforeGivingUp = 2
    /// What the resynchronisation after the last hello sent, said once it is done.
    private var resync: (records: Int, selEntries: Int)?

    private init(settings: LineCardSettings, bmc: BMC, loop: any EventLoop, target: SocketAddress) throws {
        self.settings = settings
        self.bmc = bmc
        self.loop = loop
        self.target = target
        logger = bmc.logger
        self.logger[metadataKey: "link"] = "slot \(settings.slot) -> \(target.hostAndPort)"
        numbering = try LineCardSELNumbering(store: StateStore(directory: bmc.configuration.stateDirectory))
    }

    // MARK: Start and stop

    /// Opens the card's socket (an ephemeral port of the MM's address family) on the BMC's loop
    /// and starts linking.
    static func start(bmc: NIOLoopBound<BMC>, settings: LineCardSettings) async throws -> NIOLoopBound<LineCardLink> {
        let target = try SocketAddress.makeAddressResolvingHost(settings.managementModuleHost, port: settings.managementModulePort)
        let loop = bmc.eventLoop
        let link = try await loop.submit {
            NIOLoopBound(try LineCardLink(settings: settings, bmc: bmc.value, loop: loop, target: target), eventLoop: loop)
        }.get()
        let channel = try await DatagramBootstrap(group: loop)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(LinkDatagramHandler(link: link))
                }
            }
            .bind(host: target.protocol == .inet6 ? "::" : "0.0.0.0", port: 0).get()
        try await loop.submit {
            link.value.channel = channel
            link.value.begin()
        }.get()
        return link
    }

    private func begin() {
        scheduleTick()
        connect()
    }

    private func scheduleTick() {
        let period = max(0.25, settings.heartbeatInterval / 2)
        ticks = loop.assumeIsolated().scheduleTask(in: .nanoseconds(Int64(period * 1e9))) { [weak self] in
            guard let self, !self.stopping else { return }
            self.tick()
            self.scheduleTick()
        }
    }

    /// Closes the session (Close Session, answered or not after a moment) and the socket.
    func stop() -> EventLoopFuture<Void> {
        stopping = true
        ticks?.cancel()
        reconnect?.cancel()
        handshakeTimeout?.cancel()
        inFlight?.timeout?.cancel()
        inFlight = nil
        queue.removeAll()
        let done = loop.makePromise(of: Void.self)
        if let console, console.isEstablished, handshake == nil {
            let id = Self.sessionIDBytes(console.managedSessionID)
            transmit(Outgoing(netFn: .app, command: Self.closeSession, data: id) { _, _ in done.succeed() }, tries: 1)
            // The answer, or this: whichever comes first drops the request, so only one completes `done`.
            loop.assumeIsolated().scheduleTask(in: Self.closeTimeout) { [weak self] in
                guard self?.inFlight != nil else { return }
                self?.inFlight = nil
                done.succeed()
            }
            logger.info("link: closing the session")
        } else {
            done.succeed()
        }
        return done.futureResult.flatMap { [channel, loop] in
            channel?.close() ?? loop.makeSucceededVoidFuture()
        }.recover { _ in }
    }

    // MARK: Session

    private func connect() {
        guard !stopping else { return }
        generation += 1
        guard let suite = CipherSuite.supported(id: settings.cipherSuite) else {
            logger.error("link: cipher suite \(settings.cipherSuite) is not supported; not linking")
            return
        }
        var console = RMCPPlusConsole(suite: suite, userName: Array(settings.userName.utf8), password: settings.password)
        let packet = console.openSessionRequest(requestedPrivilege: PrivilegeLevel.administrator.rawValue)
        self.console = console
        step(.openSession, send: packet)
    }

    private func step(_ next: HandshakeStep, send packet: ByteBuffer) {
        handshake = next
        handshakeTimeout?.cancel()
        let generation = generation
        handshakeTimeout = loop.assumeIsolated().scheduleTask(in: Self.answerTimeout) { [weak self] in
            guard let self, self.generation == generation else { return }
            self.fail("no answer to the session setup")
        }
        write(packet)
    }

    private func handleHandshake(_ datagram: ByteBuffer) {
        guard var console, let handshake else { return }
        do throws(RMCPPlusConsole.ConsoleError) {
            switch handshake {
            case .openSession:
                let packet = try console.rakp1(after: datagram)
                self.console = console
                step(.rakp2, send: packet)
            case .rakp2:
                let packet = try console.rakp3(after: datagram)
                self.console = console
                step(.rakp4, send: packet)
            case .rakp4:
                try console.establish(after: datagram)
                self.console = console
                handshakeTimeout?.cancel()
                self.handshake = nil
                sendHello()
            }
        } catch .malformed {
            // A stray datagram (a late answer to an earlier attempt): the timeout decides.
        } catch {
            fail("session refused: \(error)")
        }
    }

    /// Gives the session up and tries again after a backoff; the MM closes what is left of it
    /// when this card says hello in the next one.
    private func fail(_ reason: String, closing: Bool = false) {
        guard !stopping else { return }
        // The MM answered but refused: the session it holds is of no use, so it goes now
        // rather than at its idle timeout. (An MM that does not answer cannot hear it.)
        if closing, var console, console.isEstablished,
           let packet = try? console.request(.app, Self.closeSession, Self.sessionIDBytes(console.managedSessionID)) {
            write(packet)
        }
        generation += 1
        failures += 1
        if managementModuleIncarnation != nil || failures == 1 || failures % 16 == 0 {
            logger.warning("link down: \(reason)", metadata: ["attempts": "\(failures)"])
        } else {
            logger.debug("link: \(reason)", metadata: ["attempts": "\(failures)"])
        }
        handshakeTimeout?.cancel()
        inFlight?.timeout?.cancel()
        inFlight = nil
        queue.removeAll()
        handshake = nil
        console = nil
        synchronised = false
        managementModuleIncarnation = nil
        refusals = 0
        let delay = min(Self.backoff.upperBound, Self.backoff.lowerBound * Double(1 << min(failures - 1, 8)))
        let jittered = min(Self.backoff.upperBound, max(Self.backoff.lowerBound, delay * Double.random(in: 0.75...1.25)))
        reconnect?.cancel()
        reconnect = loop.assumeIsolated().scheduleTask(in: .nanoseconds(Int64(jittered * 1e9))) { [weak self] in self?.connect() }
    }

    // MARK: Protocol

    private func sendHello() {
        let records = bmc.linkSDRRecords()
        let digest = ChassisLinkDigest.of(records)
        let hello = LinkHello(slot: settings.slot, ipmbAddress: settings.ipmbAddress, incarnation: incarnation, sdrDigest: digest)
        synchronised = false
        queue.removeAll()
        transmit(Outgoing(command: ChassisLink.Command.hello.rawValue, data: hello.linkData) { link, response in
            guard response.completionCode == .ok, let answer = LinkHelloResponse.parse(response.data) else {
                link.fail("hello refused: completion code \(response.completionCode)", closing: true)
                return
            }
            link.synchronise(after: answer, records: records, digest: digest)
        })
    }

    /// Queues what the MM lacks after a hello: the SDR set if its digest differs, every
    /// reading; the unconfirmed SEL entries follow from `pump`.
    private func synchronise(after hello: LinkHelloResponse, records: [[UInt8]], digest: UInt32) {
        managementModuleIncarnation = hello.incarnation
        selConfirmed = hello.selConfirmed
        pendingSELChangeCount = nil
        var report = (records: 0, selEntries: 0)
        if hello.sdrDigest != digest {
            queueSDRSet(records, digest: digest)
            report.records = records.count
        }
        sentDigest = digest
        resync = report
        sentReadings = [:]
        queueReadings(bmc.linkReadings())
        synchronised = true
        logger.notice("link up", metadata: [
            "mm_incarnation": "\(hello.incarnation)", "sel_confirmed": "\(hello.selConfirmed)", "attempts": "\(failures + 1)",
        ])
        failures = 0
    }

    /// Queues the whole SDR set: begin, every record, commit (the MM replaces the slot's set at
    /// the commit, so a set cut short by a lost link is never half applied).
    private func queueSDRSet(_ records: [[UInt8]], digest: UInt32) {
        let slot = settings.slot
        queue.append(acknowledged(.sdrBegin, LinkSDRBegin(slot: slot, digest: digest, count: UInt16(records.count))))
        for (index, record) in records.enumerated() {
            queue.append(acknowledged(.sdrRecord, LinkSDRRecord(slot: slot, digest: digest, index: UInt16(index), record: record)))
        }
        queue.append(acknowledged(.sdrCommit, LinkSDRCommit(slot: slot, digest: digest)))
    }

    /// A link message whose answer is an acknowledgement carrying the MM's incarnation.
    private func acknowledged(_ command: ChassisLink.Command, _ message: some ChassisLinkEncodable) -> Outgoing {
        Outgoing(command: command.rawValue, data: message.linkData) { link, response in
            guard response.completionCode == .ok else {
                link.refused(command, response.completionCode)
                return
            }
            if let ack = LinkAcknowledgement.parse(response.data), ack.incarnation != link.managementModuleIncarnation {
                // The MM restarted under a session that survived (it cannot keep sessions, so
                // this is a new MM on the same port): it must hear everything again.
                link.logger.notice("link: management module restarted; resynchronising")
                link.sendHello()
            }
        }
    }

    /// The MM refused a link message: its view of this card is not what the card thinks (it
    /// lost the slot, or a record was missed). A new hello resynchronises; a refused hello
    /// gives the session up.
    private func refused(_ command: ChassisLink.Command, _ code: CompletionCode) {
        refusals += 1
        guard refusals <= Self.resyncsBeforeGivingUp else {
            fail("\(command) refused with completion code \(code), again after \(Self.resyncsBeforeGivingUp) resynchronisations",
                 closing: true)
            return
        }
        logger.warning("link: \(command) refused with completion code \(code); resynchronising")
        sendHello()
    }

    /// Queues the readings that differ from what the MM was last sent, in batches.
    private func queueReadings(_ readings: [LinkReading]) {
        var changed: [LinkReading] = []
        for reading in readings {
            let key = UInt16(reading.lun) << 8 | UInt16(reading.number)
            if sentReadings[key] != reading {
                sentReadings[key] = reading
                changed.append(reading)
            }
        }
        var start = 0
        while start < changed.count {
            let batch = Array(changed[start..<min(changed.count, start + ChassisLink.readingsPerBatch)])
            queue.append(acknowledged(.readings, LinkReadings(slot: settings.slot, readings: batch)))
            start += ChassisLink.readingsPerBatch
        }
    }

    /// Every half heartbeat interval: the readings that changed in the last poll rounds, new
    /// SEL entries, and a heartbeat when nothing else went for a whole interval.
    private func tick() {
        guard synchronised, console?.isEstablished == true, handshake == nil else { return }
        if queue.isEmpty {
            // The card's SDRs change in steady state too (thresholds set, records added): the MM
            // gets the new set, so it holds exactly the card's current records.
            let records = bmc.linkSDRRecords()
            let digest = ChassisLinkDigest.of(records)
            if digest != sentDigest {
                logger.info("link: the SDR set changed; sending it", metadata: ["records": "\(records.count)"])
                queueSDRSet(records, digest: digest)
                sentDigest = digest
            }
            queueReadings(bmc.linkReadings())
        }
        pump()
        let interval = TimeAmount.nanoseconds(Int64(settings.heartbeatInterval * 1e9))
        if inFlight == nil, NIODeadline.now() - lastSent >= interval {
            transmit(acknowledged(.heartbeat, LinkHeartbeat(slot: settings.slot)))
        }
    }

    /// Sends the next message when none is waiting for its answer: queued ones first, then the
    /// next unconfirmed SEL entry.
    private func pump() {
        guard inFlight == nil, console?.isEstablished == true, handshake == nil, !stopping else { return }
        if !queue.isEmpty {
            transmit(queue.removeFirst())
        } else if synchronised, let entry = nextSELEntry() {
            resync?.selEntries += 1
            transmit(Outgoing(command: ChassisLink.Command.selEntry.rawValue,
                              data: LinkSELEntry(slot: settings.slot, sequence: entry.sequence, record: entry.record).linkData) { link, response in
                guard response.completionCode == .ok, let confirmation = LinkSELConfirmation.parse(response.data) else {
                    link.refused(.selEntry, response.completionCode)
                    return
                }
                link.selConfirmed = max(link.selConfirmed, min(confirmation.confirmed, entry.sequence))
            })
        } else if synchronised, let report = resync {
            resync = nil
            refusals = 0
            logger.notice("link synchronised", metadata: [
                "sdr_records_sent": "\(report.records)", "sel_entries_sent": "\(report.selEntries)",
            ])
        }
    }

    /// The oldest SEL entry the MM has not confirmed, once it is durable here: an entry this
    /// card could still lose must not reach the MM, or its number would be reused.
    private func nextSELEntry() -> (sequence: UInt32, record: SELRecord)? {
        let sel = bmc.sel
        guard sel.isDurable else {
            if !waitingForDurableSEL {
                waitingForDurableSEL = true
                let generation = generation
                sel.whenDurable { [weak self] _ in
                    guard let self else { return }
                    self.waitingForDurableSEL = false
                    if self.generation == generation { self.pump() }
                }
            }
            return nil
        }
        if pendingSELChangeCount != sel.changeCount {
            do {
                pendingSEL = try numbering.unconfirmed(sel.latestEntries(sel.entryCount), lastAssignedRecordID: sel.lastAssignedRecordID,
                                                       confirmed: selConfirmed)
                pendingSELChangeCount = sel.changeCount
            } catch {
                logger.error("link: cannot save the SEL numbering: \(error)")
                return nil
            }
        }
        pendingSEL.removeAll { $0.sequence <= selConfirmed }
        return pendingSEL.first
    }

    // MARK: Requests and answers

    private func transmit(_ outgoing: Outgoing, tries: Int = LineCardLink.tries) {
        guard var console else { return }
        inFlight = InFlight(outgoing: outgoing, requesterSequence: console.nextRequesterSequence())
        self.console = console
        send(tries: tries)
    }

    private func send(tries: Int) {
        guard var flight = inFlight, var console else { return }
        let packet: ByteBuffer
        do throws(RMCPPlusConsole.ConsoleError) {
            packet = try console.request(flight.outgoing.netFn, flight.outgoing.command, flight.outgoing.data,
                                         requesterSequence: flight.requesterSequence)
        } catch {
            return
        }
        self.console = console
        flight.tries += 1
        let generation = generation
        flight.timeout = loop.assumeIsolated().scheduleTask(in: Self.answerTimeout) { [weak self] in
            guard let self, self.generation == generation, let current = self.inFlight,
                  current.requesterSequence == flight.requesterSequence
            else { return }
            if current.tries < tries {
                self.send(tries: tries)
            } else {
                self.fail("no answer to command \(String(flight.outgoing.command, radix: 16)) after \(tries) tries")
            }
        }
        inFlight = flight
        lastSent = .now()
        write(packet)
    }

    fileprivate func receive(_ datagram: ByteBuffer, from remote: SocketAddress) {
        guard remote == target, !(stopping && inFlight == nil) else { return }
        if handshake != nil {
            handleHandshake(datagram)
            return
        }
        guard var console, console.isEstablished else { return }
        let inbound: RMCPPlusConsole.Inbound
        do throws(RMCPPlusConsole.ConsoleError) {
            inbound = try console.receive(datagram)
        } catch {
            logger.debug("link: dropped a datagram: \(error)")
            return
        }
        self.console = console
        switch inbound {
        case .response(let response):
            guard let flight = inFlight, response.requesterSequence == flight.requesterSequence,
                  response.command == flight.outgoing.command, response.netFn == flight.outgoing.netFn.rawValue | 1
            else { return }
            flight.timeout?.cancel()
            inFlight = nil
            flight.outgoing.onAnswer(self, response)
            pump()
        case .request(let request):
            answerBridged(request)
        }
    }

    /// The MM's request in the session: a client's request bridged to this card, run by its BMC
    /// at the client's privilege (never above administrator), answered in the session.
    private func answerBridged(_ request: IPMIRequest) {
        guard request.netFn == ChassisLink.netFn, request.command == ChassisLink.Command.bridgedRequest.rawValue else {
            respond(to: request, .invalidCommand, [])
            return
        }
        var reader = RequestReader(request.data)
        let bridged: LinkBridgedRequest
        do throws(CompletionCode) {
            bridged = try LinkBridgedRequest(from: &reader)
        } catch {
            respond(to: request, error, [])
            return
        }
        let generation = generation
        bmc.runBridged(bridged) { [weak self] code, data in
            guard let self, self.generation == generation else { return }
            self.respond(to: request, .ok, LinkBridgedResponse(completionCode: code.rawValue, data: data).linkData)
        }
    }

    private func respond(to request: IPMIRequest, _ code: CompletionCode, _ data: [UInt8]) {
        guard var console else { return }
        guard let packet = try? console.respond(to: request, completionCode: code, data: data) else { return }
        self.console = console
        write(packet)
    }

    private func write(_ packet: ByteBuffer) {
        channel?.writeAndFlush(AddressedEnvelope(remoteAddress: target, data: packet), promise: nil)
    }
}

/// The link socket's datagrams, handed to the link on its loop.
private final class LinkDatagramHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>

    private let link: NIOLoopBound<LineCardLink>

    init(link: NIOLoopBound<LineCardLink>) { self.link = link }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        link.value.receive(envelope.data, from: envelope.remoteAddress)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // ICMP port unreachable and the like while the MM is away: the timeouts decide.
    }
}
