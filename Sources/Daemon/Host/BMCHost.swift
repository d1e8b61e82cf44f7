import IPMIAlerting
import IPMICore
import Logging
import NIOCore
import NIOPosix

/// The process around one or many BMCs. It owns what is per process: a few event loops
/// (each BMC confined to exactly one, many BMCs per loop, no locks), every UDP socket, the
/// sensor poller's thread, the one SEL writer pool, the one SNMP sender thread (queues keyed
/// by switch and destination) and the status files. Each BMC is handed its environment:
/// its state directory, its loop's timers, the socket its answers go out on, the SEL writer,
/// its alert pipeline.
final class BMCHost: Sendable {
    private let loops: MultiThreadedEventLoopGroup
    /// The sensor pollers' thread: blocking sysfs reads never delay a request.
    private let pollerGroup: MultiThreadedEventLoopGroup
    /// The PET sender's own thread (net-snmp is not thread-safe), for every member.
    private let sender: PETSender
    /// The SELs' fdatasyncs, off the event loops.
    private let diskWriter: NIOThreadPool
    /// STATE/control.sock: `ipmigod status`, `ipmigod sim ...` for every member.
    private let control: ControlServer
    /// The status board, the status page, the metrics and the reading history.
    let observability: ObservabilityServer
    let members: [HostedMember]
    let boundAddresses: [SocketAddress]

    private init(loops: MultiThreadedEventLoopGroup, pollerGroup: MultiThreadedEventLoopGroup, sender: PETSender,
                 diskWriter: NIOThreadPool, control: ControlServer, observability: ObservabilityServer,
                 members: [HostedMember]) {
        self.control = control
        self.observability = observability
        self.loops = loops
        self.pollerGroup = pollerGroup
        self.sender = sender
        self.diskWriter = diskWriter
        self.members = members
        self.boundAddresses = members.flatMap { $0.channels.compactMap(\.localAddress) }
    }

    /// Starts every member: its BMC on its loop, its alerting, its sockets, its pollers.
    /// - Parameters:
    ///   - configuration: the daemon's; its state directory is the host's own (net-snmp's
    ///     files, the control socket), a single switch's its member's too.
    ///   - stagger: a fleet's scenario start offset per member, in seconds.
    static func start(members plans: [MemberPlan], configuration: DaemonConfiguration, stagger: Double = 0,
                      logger: Logger, onColdReset: (@Sendable () -> Void)? = nil) async throws -> BMCHost {
        let stateDirectory = configuration.bmc.stateDirectory
        precondition(!plans.isEmpty, "a host runs at least one BMC")
        let fleet = plans.count > 1
        if fleet { FileLimit.raise(toAtLeast: plans.count * FileLimit.perMember + FileLimit.spare, logger: logger) }
        // One loop per core at most: a loop serves many BMCs, a BMC only ever one loop.
        let loops = MultiThreadedEventLoopGroup(numberOfThreads: min(System.coreCount, plans.count))
        let loopList = Array(loops.makeIterator())
        let pollerGroup = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        // A fleet's alert storm waits on many SELs' fdatasyncs: let a few run at once.
        let diskWriter = NIOThreadPool(numberOfThreads: fleet ? 4 : 1)
        diskWriter.start()
        let timings = DaemonTimings()
        var startedSender: PETSender?
        var startedControl: ControlServer?
        var startedObservability: ObservabilityServer?
        do {
            var members: [HostedMember] = []
            var sources: [PETSender.Source] = []
            members.reserveCapacity(plans.count)
            for plan in plans {
                let loop = loopList[plan.number % loopList.count]
                let (member, source) = try await loop.submit {
                    let member = try Self.makeBMC(plan, platform: configuration.platform, loop: loop, diskWriter: diskWriter,
                                                  timings: timings, logger: logger, onColdReset: onColdReset)
                    return (member, try Self.alertSource(plan, bmc: member.bmc.value, logger: fleet ? nil : logger))
                }.get()
                members.append(member)
                sources.append(source)
            }
            // The push side's last step: PEF alerts -> PETs -> the one sender's queues.
            let snmpDirectory = stateDirectory + "/snmp"
            try AtomicFile.makeDirectory(snmpDirectory)
            let first = sources[0]
            var senderConfiguration = PETSender.Configuration(
                agentAddress: first.agentAddress, stateDirectory: snmpDirectory, engineID: first.engineID,
                engineBoots: first.engineBoots)
            senderConfiguration.members = sources
            let sender = PETSender(configuration: senderConfiguration, logger: logger)
            startedSender = sender
            for index in members.indices {
                let member = members[index]
                members[index].sequence = try await member.loop.submit {
                    let sequence = try PETSequence(store: StateStore(directory: member.plan.configuration.stateDirectory))
                    try sequence.reserve()
                    AlertPipeline(sender: sender, sequence: sequence, member: member.plan.number, logger: logger)
                        .attach(to: member.bmc.value)
                    return NIOLoopBound(sequence, eventLoop: member.loop)
                }.get()
            }
            for member in members {
                if let name = member.plan.configuration.lan.interface {
                    // Before the first request: the interface's addresses, then every few seconds.
                    try await InterfaceWatcher.start(interface: name, loop: pollerGroup.next(), bmc: member.bmc, logger: logger)
                }
            }
            // Simulate mode's overlays and the control socket live on the poller's loop; a socket
            // that cannot be made stops the start before any request is answered.
            let pollerLoop = pollerGroup.next()
            let board = StatusBoard()
            let (simulations, simulationVerbs) = try await SimulationControl.start(
                configuration: configuration, members: plans, stagger: stagger, loop: pollerLoop, logger: logger)
            let verbs = ControlVerbTable(simulationVerbs + [StatusVerb.make(board: board, loop: pollerLoop)], loop: pollerLoop)
            let control = try await ControlServer.start(directory: stateDirectory, verbs: verbs, loop: pollerLoop, logger: logger)
            startedControl = control
            // After the control socket, which refuses a second daemon on this state directory
            // before its history store could save over the running one's.
            let observability = try await ObservabilityServer.start(
                board: board, listen: configuration.http.listen, history: configuration.http.history,
                sensorCount: plans[0].configuration.sensors.count, stateDirectory: stateDirectory, logger: logger)
            startedObservability = observability
            for index in members.indices {
                members[index].channels = try await Self.bind(members[index], logger: logger, quiet: fleet)
            }
            // A line card links to its management module once it answers on its own addresses.
            for index in members.indices {
                guard let settings = members[index].plan.configuration.chassisRole.lineCard else { continue }
                members[index].lineCardLink = try await LineCardLink.start(bmc: members[index].bmc, settings: settings)
            }
            if fleet {
                let chassis = members.contains { $0.plan.configuration.chassisRole != .standalone }
                logger.notice(chassis ? "chassis of a management module and \(members.count - 1) line cards listening"
                                      : "fleet of \(members.count) switches listening",
                              metadata: ["first": "\(members.first?.channels.first?.localAddress.map(\.hostAndPort) ?? "?")",
                                         "last": "\(members.last?.channels.first?.localAddress.map(\.hostAndPort) ?? "?")"])
            }
            try await Self.startHousekeeping(members, loops: loopList, sender: sender, observability: observability,
                                             timings: timings, logger: logger)
            SensorPoller.start(members: zip(members, simulations).map { member, simulation in
                SensorPoller.Member(sensors: member.plan.configuration.sensors, bmc: member.bmc, simulation: simulation)
            }, loop: pollerLoop, logger: logger, timings: timings)
            return BMCHost(loops: loops, pollerGroup: pollerGroup, sender: sender, diskWriter: diskWriter, control: control,
                           observability: observability, members: members)
        } catch {
            await startedObservability?.stop()
            await startedControl?.stop()
            startedSender?.stop()
            try? await diskWriter.shutdownGracefully()
            try? await pollerGroup.shutdownGracefully()
            try? await loops.shutdownGracefully()
            throw error
        }
    }

    /// The member's BMC and its environment; runs on `loop`, which it is confined to.
    private static func makeBMC(_ plan: MemberPlan, platform: PlatformConfiguration, loop: any EventLoop,
                                diskWriter: NIOThreadPool, timings: DaemonTimings, logger: Logger,
                                onColdReset: (@Sendable () -> Void)?) throws -> HostedMember {
        try AtomicFile.makeDirectory(plan.configuration.stateDirectory)
        var memberLogger = logger
        if plan.inFleet { memberLogger[metadataKey: "member"] = "\(plan.number)" }
        let bmc = try BMC(configuration: plan.configuration, logger: memberLogger)
        bmc.timers = BMCTimers(loop: loop)
        bmc.onColdReset = onColdReset
        bmc.sel.writeInBackground(on: ThreadPoolSELWriter(pool: diskWriter, loop: loop, timings: timings))
        bmc.platform = PlatformFactory.make(platform, bmc: bmc, loop: loop, logger: memberLogger)
        bmc.startChassis()
        return HostedMember(plan: plan, bmc: NIOLoopBound(bmc, eventLoop: loop))
    }

    /// The member's SNMP identity: its engine (boots counted and saved before the sender can
    /// send its first SNMPv3 message), its agent address and the address its traps leave from.
    private static func alertSource(_ plan: MemberPlan, bmc: BMC, logger: Logger?) throws -> PETSender.Source {
        let device = plan.configuration.device
        let engine = try SNMPEngine.start(store: StateStore(directory: plan.configuration.stateDirectory),
                                          systemGUID: device.systemGUID, enterprise: device.manufacturerID)
        logger?.info("SNMPv3 engine", metadata: ["engine_id": "\(engine.id.hexString)", "boots": "\(engine.boots)"])
        return PETSender.Source(agentAddress: bmc.lan.bmcIPv4, engine: engine, clientAddress: plan.trapSource)
    }

    /// The member's UDP sockets, on its loop.
    private static func bind(_ member: HostedMember, logger: Logger, quiet: Bool) async throws -> [any Channel] {
        var channels: [any Channel] = []
        let bmc = member.bmc
        for address in member.plan.listen {
            let channel = try await BMCSocket.open(host: address.host, port: address.port, bmc: bmc).get()
            channels.append(channel)
            if !quiet { logger.notice("listening on \(channel.localAddress.map(\.hostAndPort) ?? address.description)") }
        }
        return channels
    }

    /// Each loop's periodic work, for all its members at once: the BMCs' ticks every second,
    /// and their snapshots for the status board, the metrics and `ipmigod status` (every
    /// second; every ten in a fleet, whose history keeps member 0's readings only).
    private static func startHousekeeping(_ members: [HostedMember], loops: [any EventLoop], sender: PETSender,
                                          observability: ObservabilityServer, timings: DaemonTimings,
                                          logger: Logger) async throws {
        let fleet = members.count > 1
        for loop in loops {
            let own = members.filter { $0.loop === loop }
            guard !own.isEmpty else { continue }
            // A fleet's thousand members do not each log their counters; the status says them.
            var reporterLogger = logger
            if fleet { reporterLogger.logLevel = max(logger.logLevel, .warning) }
            let quietLogger = reporterLogger
            let reporters = try await loop.submit {
                NIOLoopBound(own.map { _ in StatusReporter(logger: quietLogger) }, eventLoop: loop)
            }.get()
            loop.scheduleRepeatedTask(initialDelay: .seconds(1), delay: .seconds(1)) { _ in
                let now = NIODeadline.now()
                for member in own { member.bmc.value.tick(now: now) }
            }
            loop.scheduleRepeatedTask(initialDelay: .zero, delay: fleet ? .seconds(10) : .seconds(1)) { _ in
                let current = timings.current
                for (index, member) in own.enumerated() {
                    guard let sequence = member.sequence else { continue }
                    let number = member.plan.number
                    let snapshot = MemberSnapshot(member: member.plan.inFleet ? "\(number)" : "", number: number,
                                                  bmc: member.bmc.value, sender: sender, sequence: sequence.value,
                                                  timings: current)
                    observability.publish(snapshot, recordsHistory: number == 0)
                    reporters.value[index].report(DaemonStatus(snapshot))
                }
            }
        }
    }

    func stop() async {
        await control.stop()
        try? await pollerGroup.shutdownGracefully()
        await observability.stop()
        // Line cards close their sessions (all at once) while every management module still answers.
        let linksStopped = members.compactMap { member in
            member.lineCardLink.map { link in member.loop.flatSubmit { link.value.stop() } }
        }
        for stopped in linksStopped { try? await stopped.get() }
        for member in members {
            for channel in member.channels { try? await channel.close() }
        }
        // Events the pollers logged last go to disk before the writer stops.
        for member in members {
            let loop = member.loop
            try? await loop.flatSubmit { [bmc = member.bmc] in
                let promise = loop.makePromise(of: Void.self)
                bmc.value.sel.whenDurable { _ in promise.succeed() }
                return promise.futureResult
            }.get()
        }
        try? await diskWriter.shutdownGracefully()
        sender.stop()
        try? await loops.shutdownGracefully()
    }
}
