import ArgumentParser
import IPMIAlerting
import IPMICore
import Logging

@main
struct IPMIGod: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ipmigod",
        abstract: "A BMC daemon for white-box network switches: IPMI over LAN, and alerts pushed as SNMP traps.",
        subcommands: [Serve.self, CheckConfig.self, Status.self, Sim.self],
        defaultSubcommand: Serve.self
    )
}

/// Runs the daemon in the foreground until SIGTERM or SIGINT, logging to stderr.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Run the daemon (the default).")

    @Option(name: .long, help: "The config file.")
    var config: String?

    @Flag(name: .long, help: "Run a simulated switch on the embedded default configuration.")
    var simulate = false

    @Option(name: .long, help: "Listen on ADDR:PORT instead of the config's addresses (repeatable).")
    var listen: [String] = []

    @Option(name: .long, help: "Use this state directory instead of the config's.")
    var stateDir: String?

    @Option(name: .long, help: "Serve the status page and metrics on ADDR:PORT instead of the config's http.listen.")
    var httpListen: String?

    @Option(name: .long, help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel: Logger.Level = .info

    @Option(name: .long, help: "Run N switches in this process, simulated ones with --simulate (member k, from 0, on the listen port + k; state under STATE/members/k).")
    var fleet: Int?

    @Option(name: .long, help: "With --fleet: start member k's startup scenarios k × SECONDS after member 0's.")
    var fleetStagger: Double?

    @Option(name: .long, help: "With --fleet: one address per member, FIRST-LAST (member k on the k-th, port 623 or --listen's, its traps sent from it).")
    var fleetAddresses: String?

    @Option(name: .long, help: "Run a chassis in this process: a management module on the listen port and N line cards linked to it, line card k on the port + k (state under STATE/members/k).")
    var chassis: Int?

    func validate() throws {
        guard (config != nil) != simulate else {
            throw ValidationError("give either --config FILE or --simulate")
        }
        for address in listen where ListenAddress(address) == nil {
            throw ValidationError("--listen \(address): expected ADDR:PORT or [IPV6]:PORT")
        }
        try validateFleet()
        try validateChassis()
        if let httpListen, !httpListen.contains(":") || ListenAddress(httpListen) == nil {
            throw ValidationError("--http-listen \(httpListen): expected ADDR:PORT or [IPV6]:PORT")
        }
    }

    func run() async throws {
        MallocArenas.share()
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = logLevel
            return handler
        }
        let logger = Logger(label: "ipmigod")

        var configuration: DaemonConfiguration
        do {
            if let config {
                configuration = try DaemonConfiguration.load(path: config)
            } else {
                configuration = try DaemonConfiguration.parse(EmbeddedConfiguration.simulate,
                                                              file: EmbeddedConfiguration.simulateFileName)
            }
        } catch {
            logger.critical("\(error)")
            throw ExitCode(78) // EX_CONFIG
        }
        if !listen.isEmpty { configuration.listen = listen.compactMap(ListenAddress.init) }
        if let httpListen { configuration.http.listen = ListenAddress(httpListen) }
        // lan.interface: the server's InterfaceWatcher reads the management interface at start
        // and every few seconds after; a missing one (not up yet at boot) does not stop the BMC.
        if let stateDir {
            configuration.bmc.stateDirectory = stateDir
        } else if simulate, let own = StateDirectory.userDefault("simulate") {
            // The user's own directory, not a shared one like /tmp that anyone can create first.
            configuration.bmc.stateDirectory = own
        }
        for warning in configuration.warnings { logger.warning("\(warning)") }
        if let role = configuration.bmc.chassisRole.summary { logger.info("\(role)") }
        do {
            // Absolute before anything (net-snmp included) builds a path from it.
            configuration.bmc.stateDirectory = try StateDirectory.prepare(configuration.bmc.stateDirectory)
        } catch let refused as StateDirectory.Refused {
            logger.critical("\(refused)")
            throw ExitCode(78) // EX_CONFIG
        } catch {
            logger.critical("state directory \(configuration.bmc.stateDirectory): \(error)")
            throw ExitCode(73) // EX_CANTCREAT
        }

        do {
            if configuration.generatesSystemGUID {
                let store = try StateStore(directory: configuration.bmc.stateDirectory)
                configuration.bmc.device.systemGUID = try SystemGUID.persisted(in: store)
                configuration.bmc.device.deviceGUID = configuration.bmc.device.systemGUID
            }
        } catch {
            logger.critical("state directory \(configuration.bmc.stateDirectory): \(error)")
            throw ExitCode(73) // EX_CANTCREAT
        }

        let signals = TerminationSignals()
        let coldReset = ColdReset(signals: signals)
        let server: BMCHost
        do {
            server = try await BMCHost.start(members: memberPlans(configuration), configuration: configuration,
                                             stagger: fleetStagger ?? 0, logger: logger, onColdReset: coldReset.request)
        } catch {
            logger.critical("cannot start: \(error)")
            throw ExitCode(71) // EX_OSERR
        }
        logger.info("ipmigod started", metadata: [
            "mode": "\(simulate ? "simulate" : "config")", "state_directory": "\(configuration.bmc.stateDirectory)",
            "net-snmp": "\(SNMPLibrary.version)",
        ])
        if chassis != nil, !server.boundAddresses.isEmpty {
            StandardStreams.writeOutput(chassisBanner(addresses: server.boundAddresses,
                                                      statusPage: server.observability.boundAddress))
        } else if let fleet, let address = server.boundAddresses.first {
            StandardStreams.writeOutput(fleetBanner(count: fleet, first: address, last: server.boundAddresses.last!))
        } else if simulate, let address = server.boundAddresses.first {
            let host = address.ipAddress ?? "127.0.0.1"
            StandardStreams.writeOutput("""
                ipmigod is simulating a switch on \(address.hostAndPort). Try:
                  ipmitool -I lanplus -H \(host) -p \(address.port ?? 623) -U admin -P admin mc info
                \(server.observability.boundAddress.map { "Status page and metrics: http://\($0.hostAndPort)/\n" } ?? "")\
                Stop it with Ctrl-C.

                """)
        }
        await signals.wait()
        logger.info("stopping")
        await server.stop()
        if coldReset.isRequested {
            logger.critical("cold reset: cannot re-execute: \(coldReset.reexecute(logger: logger))")
            throw ExitCode(71) // EX_OSERR
        }
    }
}

/// Validates a config file and exits: 0 if it is good, 78 with the file, line and field if not.
struct CheckConfig: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config", abstract: "Validate a config file and exit.")

    @Argument(help: "The config file.")
    var file: String

    func run() throws {
        do {
            let configuration = try DaemonConfiguration.load(path: file)
            // Weak but allowed settings: said, without failing the check.
            for warning in configuration.warnings { StandardStreams.writeError("warning: \(warning)\n") }
            print("\(file): OK (\(configuration.bmc.users.count) users, cipher suites "
                + configuration.bmc.channel.cipherSuites.map { String($0.id) }.joined(separator: ",")
                + ", listening on " + configuration.listen.map(\.description).joined(separator: " ") + ")")
            if let role = configuration.bmc.chassisRole.summary { print(role) }
        } catch {
            StandardStreams.writeError("\(error)\n")
            throw ExitCode(78)
        }
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}

/// Prints the running daemon's live status (the control socket's `status` verb): sessions,
/// SEL, events, and for each alert destination the alerts sent, acknowledged, retried and failed.
struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show the running daemon's live status and alerting counters (over its control socket).")

    @OptionGroup var daemon: ControlTarget

    @Flag(name: .long, help: "The status page's JSON document (/api/status) instead of text.")
    var json = false

    func run() throws {
        try daemon.run(ControlRequest(verb: StatusVerb.name, arguments: json ? ["json"] : []), tool: "ipmigod status")
    }
}
