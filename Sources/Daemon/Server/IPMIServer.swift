@preconcurrency import Dispatch
import IPMIAlerting
import IPMICore
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

#if canImport(Glibc)
import Glibc
#endif

/// The UDP front of the daemon: one event loop owns the BMC and serves every listen address.
final class IPMIServer: Sendable {
    private let group: MultiThreadedEventLoopGroup
    /// The sensor pollers' thread: blocking sysfs reads never delay a request.
    private let pollerGroup: MultiThreadedEventLoopGroup
    /// The PET sender's own thread (net-snmp is not thread-safe).
    private let sender: PETSender
    /// The SEL's fdatasyncs, off the event loop.
    private let diskWriter: NIOThreadPool
    private let bmc: NIOLoopBound<BMC>
    private let channels: [any Channel]
    let boundAddresses: [SocketAddress]
    let observability: ObservabilityServer
    /// STATE/control.sock: `ipmigod status`, `ipmigod sim ...` and later verbs.
    private let control: ControlServer

    private init(group: MultiThreadedEventLoopGroup, pollerGroup: MultiThreadedEventLoopGroup, sender: PETSender,
                 diskWriter: NIOThreadPool, bmc: NIOLoopBound<BMC>, channels: [any Channel],
                 observability: ObservabilityServer, control: ControlServer) {
        self.observability = observability
        self.control = control
        self.group = group
        self.pollerGroup = pollerGroup
        self.sender = sender
        self.diskWriter = diskWriter
        self.bmc = bmc
        self.channels = channels
        self.boundAddresses = channels.compactMap(\.localAddress)
    }

    static func start(configuration: DaemonConfiguration, logger: Logger,
                      onColdReset: (@Sendable () -> Void)? = nil) async throws -> IPMIServer {
        let timings = DaemonTimings()
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let pollerGroup = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let loop = group.next()
        let diskWriter = NIOThreadPool(numberOfThreads: 1)
        diskWriter.start()
        var startedSender: PETSender?
        var startedControl: ControlServer?
        var startedObservability: ObservabilityServer?
        do {
            let bmcConfiguration = configuration.bmc
            let bmc = try await loop.submit {
                let bmc = try BMC(configuration: bmcConfiguration, logger: logger)
                bmc.timers = BMCTimers(loop: loop)
                bmc.onColdReset = onColdReset
                bmc.sel.writeInBackground(on: ThreadPoolSELWriter(pool: diskWriter, loop: loop, timings: timings))
                bmc.platform = PlatformFactory.make(configuration.platform, bmc: bmc, loop: loop, logger: logger)
                bmc.startChassis()
                return NIOLoopBound(bmc, eventLoop: loop)
            }.get()
            // The push side's last step: PEF alerts -> PETs -> the sender's queues.
            let stateDirectory = bmcConfiguration.stateDirectory
            let (sender, sequence) = try await loop.submit {
                let snmpDirectory = stateDirectory + "/snmp"
                try AtomicFile.makeDirectory(snmpDirectory)
                // Counted and saved before the sender can send its first SNMPv3 message.
                let device = bmcConfiguration.device
                let engine = try SNMPEngine.start(store: StateStore(directory: stateDirectory), systemGUID: device.systemGUID,
                                                  enterprise: device.manufacturerID)
                logger.info("SNMPv3 engine", metadata: ["engine_id": "\(engine.id.hexString)", "boots": "\(engine.boots)"])
                let sender = PETSender(configuration: .init(agentAddress: bmc.value.lan.bmcIPv4, stateDirectory: snmpDirectory,
                                                            engine: engine),
                                       logger: logger)
                let sequence = try PETSequence(store: StateStore(directory: stateDirectory))
                AlertPipeline(sender: sender, sequence: sequence, logger: logger).attach(to: bmc.value)
                return (sender, NIOLoopBound(sequence, eventLoop: loop))
            }.get()
            startedSender = sender
            if let name = bmcConfiguration.lan.interface {
                // Before the first request: the interface's addresses, then every few seconds.
                try await InterfaceWatcher.start(interface: name, loop: pollerGroup.next(), bmc: bmc, logger: logger)
            }
            // Simulate mode's overlay and the control socket live on the poller's loop; a socket
            // that cannot be made stops the start before any request is answered.
            let controlLoop = pollerGroup.next()
            let board = StatusBoard()
            let (simulation, simulationVerbs) = try await SimulationControl.start(configuration: configuration, loop: controlLoop,
                                                                                  logger: logger)
            let verbs = ControlVerbTable(simulationVerbs + [StatusVerb.make(board: board, loop: controlLoop)], loop: controlLoop)
            let control = try await ControlServer.start(directory: stateDirectory, verbs: verbs, loop: controlLoop, logger: logger)
            startedControl = control
            // After the control socket, which refuses a second daemon on this state directory
            // before its history store could save over the running one's.
            let observability = try await ObservabilityServer.start(
                board: board, listen: configuration.http.listen, history: configuration.http.history,
                sensorCount: bmcConfiguration.sensors.count, stateDirectory: stateDirectory, logger: logger)
            startedObservability = observability
            var channels: [any Channel] = []
            for address in configuration.listen {
                var bootstrap = DatagramBootstrap(group: loop)
                    .channelOption(.socketOption(.so_reuseaddr), value: 1)
                    .channelOption(.datagramVectorReadMessageCount, value: 8)
                    // One recvmmsg per wake-up (up to 8 datagrams): reading on until EAGAIN
                    // costs a second system call for every request of a ping-pong client.
                    .channelOption(.maxMessagesPerRead, value: 1)
                    // recvmmsg splits one buffer evenly between the 8 datagrams: each gets a
                    // whole slot of DatagramLimits.receiveSlotSize (the default is 2048 / 8).
                    .channelOption(.recvAllocator, value: FixedSizeRecvByteBufferAllocator(
                        capacity: 8 * DatagramLimits.receiveSlotSize))
                if address.host.contains(":") {
                    // So that [::]:623 and 0.0.0.0:623 can both be bound.
                    bootstrap = bootstrap.channelOption(
                        ChannelOptions.Types.SocketOption(level: .ipv6, name: .ipv6_v6only), value: 1)
                }
                let channel = try await bootstrap.channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(DatagramHandler(bmc: bmc.value, logger: logger))
                    }
                }.bind(host: address.host, port: address.port).get()
                channels.append(channel)
                logger.notice("listening on \(channel.localAddress.map(\.hostAndPort) ?? address.description)")
            }
            loop.scheduleRepeatedTask(initialDelay: .seconds(1), delay: .seconds(1)) { _ in
                bmc.value.tick(now: .now())
            }
            let reporter = try await loop.submit { NIOLoopBound(StatusReporter(logger: logger), eventLoop: loop) }.get()
            // The snapshot the HTTP side, the metrics and `ipmigod status` read, every second.
            loop.scheduleRepeatedTask(initialDelay: .zero, delay: .seconds(1)) { _ in
                let snapshot = MemberSnapshot(member: "", bmc: bmc.value, sender: sender, sequence: sequence.value,
                                              timings: timings.current)
                observability.publish(snapshot)
                reporter.value.report(DaemonStatus(snapshot))
            }
            SensorPoller.start(sensors: bmcConfiguration.sensors, loop: pollerGroup.next(), bmc: bmc, simulation: simulation,
                               logger: logger, timings: timings)
            return IPMIServer(group: group, pollerGroup: pollerGroup, sender: sender, diskWriter: diskWriter, bmc: bmc,
                              channels: channels, observability: observability, control: control)
        } catch {
            await startedObservability?.stop()
            await startedControl?.stop()
            startedSender?.stop()
            try? await diskWriter.shutdownGracefully()
            try? await pollerGroup.shutdownGracefully()
            try? await group.shutdownGracefully()
            throw error
        }
    }

    func stop() async {
        await control.stop()
        try? await pollerGroup.shutdownGracefully()
        await observability.stop()
        for channel in channels { try? await channel.close() }
        // Events the pollers logged last go to disk before the writer stops.
        let loop = bmc.eventLoop
        try? await loop.flatSubmit { [bmc] in
            let promise = loop.makePromise(of: Void.self)
            bmc.value.sel.whenDurable { _ in promise.succeed() }
            return promise.futureResult
        }.get()
        try? await diskWriter.shutdownGracefully()
        sender.stop()
        try? await group.shutdownGracefully()
    }
}

/// SIGTERM and SIGINT, turned into something to await: the daemon stops cleanly on either.
final class TerminationSignals: Sendable {
    private let sources: [any DispatchSourceSignal]
    private let state = NIOLockedValueBox<(fired: Bool, waiter: CheckedContinuation<Void, Never>?)>((false, nil))

    init() {
        let queue = DispatchQueue(label: "ipmigod.signals")
        var sources: [any DispatchSourceSignal] = []
        for signalNumber in [SIGTERM, SIGINT] {
            signal(signalNumber, SIG_IGN)
            sources.append(DispatchSource.makeSignalSource(signal: signalNumber, queue: queue))
        }
        self.sources = sources
        for source in sources {
            source.setEventHandler { [self] in fire() }
            source.resume()
        }
    }

    /// Stops the daemon as SIGTERM does (Cold Reset asks this way too).
    func fire() {
        let waiter = state.withLockedValue { value in
            defer { value = (true, nil) }
            return value.waiter
        }
        waiter?.resume()
    }

    func wait() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let alreadyFired = state.withLockedValue { value in
                if value.fired { return true }
                value.waiter = continuation
                return false
            }
            if alreadyFired { continuation.resume() }
        }
    }
}

extension SocketAddress {
    /// "127.0.0.1:623" or "[::1]:623", as people write it.
    var hostAndPort: String {
        let host = ipAddress ?? "?"
        let port = port ?? 0
        return host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }
}
