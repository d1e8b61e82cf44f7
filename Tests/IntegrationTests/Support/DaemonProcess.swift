import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One ipmigod child process of a test: its output in a log file (emptied at each start),
/// started until it is ready, stopped with SIGTERM (SIGKILL after a grace period) or killed outright. Daemon,
/// the fleet and the chassis processes are each one of these with their own arguments.
final class DaemonProcess {
    let logPath: String
    private var process: Process?

    init(logPath: String) {
        self.logPath = logPath
    }

    var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }
    var isRunning: Bool { process?.isRunning ?? false }
    var pid: Int32 { process?.processIdentifier ?? 0 }
    /// Whether the log (of this start) says the daemon has started.
    var hasLoggedStart: Bool { log.contains("ipmigod started") }

    /// Starts `arguments` (of the daemon, or of a wrapper such as `ip netns exec`) and returns
    /// once `isReady` says so; throws with the log if the process exits or `timeout` passes.
    func start(_ arguments: [String], executable: String = Daemon.binary, environment: [String: String] = [:],
               timeout: TimeInterval = 30, until isReady: () -> Bool) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        FileManager.default.createFile(atPath: logPath, contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        process.standardError = log
        process.standardOutput = log
        process.standardInput = FileHandle.nullDevice
        try process.run()
        self.process = process
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            guard process.isRunning else { throw DaemonFailed(log: self.log) }
            if isReady() { return }
            usleep(20_000)
        }
        throw DaemonFailed(log: self.log)
    }

    /// Starts it and waits for its log to say "ipmigod started".
    func startUntilLogged(_ arguments: [String], timeout: TimeInterval = 30) throws {
        try start(arguments, timeout: timeout) { hasLoggedStart }
    }

    /// SIGTERM, and the exit status (SIGKILL after `grace` seconds if it does not go).
    @discardableResult
    func stop(grace: TimeInterval = 10) -> Int32? {
        guard let process, process.isRunning else { return self.process?.terminationStatus }
        process.terminate()
        let deadline = Date().addingTimeInterval(grace)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        if process.isRunning { kill9() }
        return process.terminationStatus
    }

    /// SIGKILL: what a crash or power cut looks like to the state directory.
    func kill9() {
        guard let process, process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}

/// Whether a BMC answers on a loopback port: an RMCP ASF presence ping, or any answer to it.
func answersPresencePing(port: Int) -> Bool {
    let socket = UDPSocket(port: port, receiveTimeout: 0.1)
    socket.send([0x06, 0x00, 0xFF, 0x06, 0x00, 0x00, 0x11, 0xBE, 0x80, 0x01, 0x00, 0x00])
    return socket.receive() != nil
}
