import ArgumentParser
import IPMICore

#if canImport(Glibc)
import Glibc
#endif

/// Which running daemon a command-line verb (`ipmigod status`, `ipmigod sim ...`) talks to:
/// the control socket in its state directory, named by --state-dir or --config, or simulate
/// mode's when neither is given.
struct ControlTarget: ParsableArguments {
    @Option(name: .long, help: "The daemon's state directory.")
    var stateDir: String?

    @Option(name: .long, help: "The daemon's config file (for its state directory).")
    var config: String?

    /// STATE/control.sock of --state-dir, of --config's state directory, or of simulate mode's
    /// (where `ipmigod --simulate` puts it: the user's own directory, else the embedded config's).
    func socketPath(tool: String) throws -> String {
        if let stateDir { return stateDir + "/" + ControlServer.fileName }
        if config == nil, let own = StateDirectory.userDefault("simulate") { return own + "/" + ControlServer.fileName }
        do {
            let configuration = try config.map { try DaemonConfiguration.load(path: $0) }
                ?? DaemonConfiguration.parse(EmbeddedConfiguration.simulate, file: EmbeddedConfiguration.simulateFileName)
            return configuration.bmc.stateDirectory + "/" + ControlServer.fileName
        } catch {
            Self.complain("\(error)", tool: tool)
            throw ExitCode(78) // EX_CONFIG
        }
    }

    /// Sends the request and prints the answer; a refusal exits 1, no daemon 69, other
    /// failures 74.
    func run(_ request: ControlRequest, tool: String) throws {
        let path = try socketPath(tool: tool)
        let response: ControlResponse
        do {
            response = try ControlClient.send(request, to: path)
        } catch {
            Self.complain("\(error)", tool: tool)
            if case .noDaemon = error { throw ExitCode(69) } // EX_UNAVAILABLE
            throw ExitCode(74) // EX_IOERR
        }
        guard response.ok else {
            Self.complain(response.error ?? "refused", tool: tool)
            throw ExitCode(1)
        }
        if !response.output.isEmpty { print(response.output, terminator: response.output.hasSuffix("\n") ? "" : "\n") }
    }

    static func complain(_ message: String, tool: String) {
        let line = Array("\(tool): \(message)\n".utf8)
        _ = line.withUnsafeBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
    }
}
