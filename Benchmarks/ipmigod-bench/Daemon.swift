import Foundation
import NIOCore

/// The ipmigod under test: a child process on a free loopback port, with a config and a
/// state directory of its own in a temporary directory.
final class Daemon: Server {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    let port: UInt16
    private let process: Process
    private let directory: URL

    var pid: pid_t { process.processIdentifier }

    /// Starts `executable` and returns once it answers an RMCP presence ping.
    init(executable: String, suites: [UInt8], extraConfig: String = "") throws {
        port = try UDPSocket.freeLoopbackPort()
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("ipmigod-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let config = directory.appendingPathComponent("ipmigod.yaml")
        try (Self.config(port: port, stateDirectory: directory.appendingPathComponent("state").path, suites: suites)
            + extraConfig).write(to: config, atomically: true, encoding: .utf8)

        process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["--config", config.path, "--log-level", "warning"]
        // Its logs already go to stderr; so does anything it prints, to keep --json output clean.
        process.standardOutput = FileHandle.standardError
        do {
            try process.run()
            try Self.waitUntilAnswering(process, name: "ipmigod", port: port)
        } catch {
            stop()
            throw error
        }
    }

    func stop() {
        Self.terminate(process)
        try? FileManager.default.removeItem(at: directory)
    }

    /// SIGTERM, then wait for the exit; SIGKILL if it has not exited after 10 s.
    static func terminate(_ process: Process) {
        guard process.isRunning else { return }
        process.terminate()
        let deadline = Date(timeIntervalSinceNow: 10)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    /// An ASF presence ping (RMCP class 6, IANA 4542, type 0x80) needs no session, so the first
    /// reply to one shows the BMC (`name`, run by `process`) has bound its port and is serving.
    static func waitUntilAnswering(_ process: Process, name: String, port: UInt16) throws {
        let ping = ByteBuffer(bytes: [0x06, 0x00, 0xFF, 0x06, 0x00, 0x00, 0x11, 0xBE, 0x80, 0x01, 0x00, 0x00])
        let socket = try UDPSocket(port: port, timeout: 0.05)
        let deadline = Date(timeIntervalSinceNow: 15)
        while Date() < deadline {
            guard process.isRunning else {
                throw Failure(description: "\(name) exited with status \(process.terminationStatus) before answering")
            }
            // Before the daemon binds, the kernel answers with ICMP port unreachable: send fails
            // with ECONNREFUSED next time round, and that is just another try.
            if (try? socket.exchange(ping)) != nil { return }
            usleep(50_000)
        }
        throw Failure(description: "\(name) did not answer a presence ping on 127.0.0.1:\(port) within 15 s")
    }

    private static func config(port: UInt16, stateDirectory: String, suites: [UInt8]) -> String {
        // 3 and 17 are what the benchmark measures by default; 1 is there so the channel offers
        // an authentication-only suite too, as a real one would.
        let offered = ([3, 17, 1] + suites.filter { ![3, 17, 1].contains($0) }).map { "{id: \($0)}" }
        return """
            listen: ["127.0.0.1:\(port)"]
            state_directory: \(stateDirectory)
            limits: { max_sessions: 32, idle_timeout: 60 }
            lan_channel:
              cipher_suites: [\(offered.joined(separator: ", "))]
            users:
              - { id: 2, name: \(ConsoleSession.userName), password: \(ConsoleSession.password), privilege: administrator }

            """
    }
}
