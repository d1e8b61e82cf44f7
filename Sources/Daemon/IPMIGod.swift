import ArgumentParser
import Foundation
import IPMIAlerting
import IPMICore
import Logging

@main
struct IPMIGod: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ipmigod",
        abstract: "A BMC daemon for white-box network switches: IPMI over LAN, and alerts pushed as SNMP traps.",
        subcommands: [Serve.self, CheckConfig.self, Status.self],
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

    func validate() throws {
        guard (config != nil) != simulate else {
            throw ValidationError("give either --config FILE or --simulate")
        }
        for address in listen where ListenAddress(address) == nil {
            throw ValidationError("--listen \(address): expected ADDR:PORT or [IPV6]:PORT")
        }
        if let httpListen, !httpListen.contains(":") || ListenAddress(httpListen) == nil {
            throw ValidationError("--http-listen \(httpListen): expected ADDR:PORT or [IPV6]:PORT")
        }
    }

    func run() async throws {
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
        if let stateDir { configuration.bmc.stateDirectory = stateDir }

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
        let server: IPMIServer
        do {
            server = try await IPMIServer.start(configuration: configuration, logger: logger)
        } catch {
            logger.critical("cannot start: \(error)")
            throw ExitCode(71) // EX_OSERR
        }
        logger.info("ipmigod started", metadata: [
            "mode": "\(simulate ? "simulate" : "config")", "state_directory": "\(configuration.bmc.stateDirectory)",
            "net-snmp": "\(SNMPLibrary.version)",
        ])
        if simulate, let address = server.boundAddresses.first {
            let host = address.ipAddress ?? "127.0.0.1"
            FileHandle.standardOutput.write(Data("""
                ipmigod is simulating a switch on \(address.hostAndPort). Try:
                  ipmitool -I lanplus -H \(host) -p \(address.port ?? 623) -U admin -P admin mc info
                \(server.observability.boundAddress.map { "Status page and metrics: http://\($0.hostAndPort)/\n" } ?? "")\
                Stop it with Ctrl-C.

                """.utf8))
        }
        await signals.wait()
        logger.info("stopping")
        await server.stop()
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
            print("\(file): OK (\(configuration.bmc.users.count) users, cipher suites "
                + configuration.bmc.channel.cipherSuites.map { String($0.id) }.joined(separator: ",")
                + ", listening on " + configuration.listen.map(\.description).joined(separator: " ") + ")")
        } catch {
            FileHandle.standardError.write(Data("\(error)\n".utf8))
            throw ExitCode(78)
        }
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}

/// Prints the running daemon's live status (over its control socket): sessions, SEL, events,
/// and for each alert destination the alerts sent, acknowledged, retried and failed.
struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show the running daemon's live status and alerting counters (over its control socket).")

    @Option(name: .long, help: "The daemon's config file (for its state directory).")
    var config: String?

    @Option(name: .long, help: "The daemon's state directory.")
    var stateDir: String?

    func run() throws {
        var directory = stateDir
        if directory == nil, let config {
            do {
                directory = try DaemonConfiguration.load(path: config).bmc.stateDirectory
            } catch {
                FileHandle.standardError.write(Data("\(error)\n".utf8))
                throw ExitCode(78)
            }
        }
        guard let directory else { throw ValidationError("give --config FILE or --state-dir DIR") }
        do {
            print(try ControlClient.get("/api/status.txt", stateDirectory: directory), terminator: "")
        } catch {
            FileHandle.standardError.write(Data("\(error)\n".utf8))
            throw ExitCode(1)
        }
    }
}
