import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// A real ipmigod process on a loopback ephemeral port, with its own config and state
/// directory in a temporary folder. Stopped (and its folder removed) when the test ends.
final class Daemon {
    struct Options {
        var suites: [Int] = [1, 2, 3, 6, 7, 8, 11, 12, 15, 16, 17]
        var authTypes = "[md5, password]"
        var maxSessions = 16
        var idleTimeout = 60
        /// Top-level YAML sections appended to the config (sel:, fru:, sensors:, ...);
        /// "FOLDER" stands for the daemon's temporary folder.
        var extraConfig = ""
        /// More listen addresses; "PORT" stands for the daemon's port.
        var extraListen: [String] = []
        /// Run the daemon and its clients inside this network namespace (`ip netns exec`);
        /// nil for the test's own.
        var networkNamespace: String? = nil
        /// Environment variables set for the daemon on top of the test's; "FOLDER" as above.
        var environment: [String: String] = [:]
    }

    static let guid = "5ec7a1e0-1d2b-4c3d-9e4f-0123456789ab"

    let folder: URL
    let port: Int
    let configPath: String
    let networkNamespace: String?
    private let environment: [String: String]
    var stateDirectory: String { folder.appendingPathComponent("state").path }
    var logPath: String { folder.appendingPathComponent("daemon.log").path }
    private let process: DaemonProcess

    /// The built daemon: IPMIGOD_BINARY, or the debug build of this package.
    static var binary: String {
        if let path = ProcessInfo.processInfo.environment["IPMIGOD_BINARY"] { return path }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        return root.appendingPathComponent(".build/debug/ipmigod").path
    }

    init(_ options: Options = Options(), folder: URL? = nil) throws {
        self.folder = folder ?? FileManager.default.temporaryDirectory.appendingPathComponent("ipmigod-it-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: self.folder, withIntermediateDirectories: true)
        port = UDPSocket.freePort()
        networkNamespace = options.networkNamespace
        let folderPath = self.folder.path
        environment = options.environment.mapValues { $0.replacingOccurrences(of: "FOLDER", with: folderPath) }
        configPath = self.folder.appendingPathComponent("ipmigod.yaml").path
        process = DaemonProcess(logPath: self.folder.appendingPathComponent("daemon.log").path)
        let listen = (["127.0.0.1:\(port)"] + options.extraListen.map { $0.replacingOccurrences(of: "PORT", with: String(port)) }).map { "\"\($0)\"" }.joined(separator: ", ")
        let suites = options.suites.map { "{ id: \($0), max_privilege: administrator }" }.joined(separator: ", ")
        let config = """
            listen: [\(listen)]
            state_directory: \(stateDirectory)
            device:
              device_id: 0x20
              firmware_revision: "2.17"
              manufacturer_id: 4413
              product_id: 0x5E32
              system_guid: "\(Daemon.guid)"
            limits: { max_sessions: \(options.maxSessions), idle_timeout: \(options.idleTimeout) }
            lan_channel:
              auth_types: { callback: \(options.authTypes), user: \(options.authTypes), operator: \(options.authTypes), administrator: \(options.authTypes) }
              cipher_suites: [\(suites)]
            users:
              - { id: 2, name: admin, password: admin, privilege: administrator }
              - { id: 3, name: operator, password: operator-pass, privilege: operator }
              - { id: 4, name: watcher, password: watcher-password-20b, privilege: user }
              - { id: 5, name: retired, password: retired, privilege: administrator, enabled: false }
            \(options.extraConfig.replacingOccurrences(of: "FOLDER", with: self.folder.path))
            """
        try config.write(toFile: configPath, atomically: true, encoding: .utf8)
        try start()
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(at: folder)
    }

    /// Starts (or restarts) the daemon and waits until it answers.
    func start() throws {
        var arguments = ["--config", configPath, "--log-level", "info"]
        var executable = Daemon.binary
        if let networkNamespace {
            // ip netns exec execs the daemon (no fork), so the process's pid is the daemon's.
            executable = try which("ip")
            arguments = ["netns", "exec", networkNamespace, Daemon.binary] + arguments
            // The daemon's loopback is not the test's: wait for it to say it has started.
            try process.start(arguments, executable: executable, environment: environment, timeout: 15) {
                process.hasLoggedStart
            }
            return
        }
        try process.start(arguments, environment: environment, timeout: 15) { answersPresencePing(port: port) }
    }

    var isRunning: Bool { process.isRunning }
    var pid: Int32 { process.pid }
    var log: String { process.log }

    /// SIGTERM, and the exit status (SIGKILL after 5 s if it does not go).
    @discardableResult
    func stop() -> Int32? { process.stop(grace: 5) }

    /// SIGKILL: what a crash or power cut looks like to the state directory.
    func kill9() { process.kill9() }

    // MARK: Clients

    func ipmitool(_ command: [String], interface: String = "lanplus", cipher: Int? = nil, user: String = "admin",
                  password: String = "admin", extra: [String] = [], timeout: TimeInterval = 30) throws -> ToolResult {
        var arguments = ["-I", interface, "-H", "127.0.0.1", "-p", String(port), "-U", user, "-P", password]
        if let cipher { arguments += ["-C", String(cipher)] }
        return try runClient("ipmitool", arguments + extra + command, timeout: timeout)
    }

    func freeipmi(_ tool: String, _ arguments: [String], driver: String = "LAN_2_0", user: String = "admin",
                  password: String = "admin", timeout: TimeInterval = 30) throws -> ToolResult {
        try runClient(tool, ["-h", "127.0.0.1:\(port)", "-u", user, "-p", password, "-D", driver] + arguments, timeout: timeout)
    }

    /// A client run where the daemon's loopback is: in its network namespace, if it has one.
    private func runClient(_ tool: String, _ arguments: [String], timeout: TimeInterval) throws -> ToolResult {
        guard let networkNamespace else { return try runTool(tool, arguments, timeout: timeout) }
        return try runTool("ip", ["netns", "exec", networkNamespace, try which(tool)] + arguments, timeout: timeout)
    }
}

struct DaemonFailed: Error, CustomStringConvertible {
    var log: String
    var description: String { "the daemon did not come up; its log:\n\(log)" }
}

/// Asserts a client call worked, quickly.
func XCTAssertAnswered(_ result: ToolResult, within seconds: Double = 1.0, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(result.status, 0, "\(result)", file: file, line: line)
    XCTAssertLessThan(result.seconds, seconds, "too slow: \(result)", file: file, line: line)
}
