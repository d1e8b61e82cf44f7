import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// One IPMI LAN endpoint on loopback (a daemon, or one member of a chassis process), with the
/// clients the chassis tests run against it as admin/admin.
struct IPMIEndpoint {
    var port: Int

    func ipmitool(_ command: [String], extra: [String] = [], timeout: TimeInterval = 60) throws -> ToolResult {
        try runTool("ipmitool", ["-I", "lanplus", "-H", "127.0.0.1", "-p", String(port), "-U", "admin", "-P", "admin"]
                    + extra + command, timeout: timeout)
    }

    func freeipmi(_ tool: String, _ arguments: [String], timeout: TimeInterval = 60) throws -> ToolResult {
        try runTool(tool, ["-h", "127.0.0.1:\(port)", "-u", "admin", "-p", "admin", "-D", "LAN_2_0"] + arguments, timeout: timeout)
    }

    /// `sdr elist`, parsed; through the MM to a line card with `bridgedTo` (ipmitool -t ADDR -b 0).
    func sdrList(bridgedTo target: UInt8? = nil) throws -> (lines: [SDRLine], result: ToolResult) {
        let extra = target.map { ["-t", String(format: "0x%02x", $0), "-b", "0"] } ?? []
        let result = try ipmitool(["sdr", "elist"], extra: extra)
        return (SDRLine.parse(result.stdout), result)
    }

    /// Every SEL record, raw: `ipmitool sel writeraw` saves them 16 bytes each.
    func selRecords(folder: URL) throws -> [SELRecord] {
        let file = folder.appendingPathComponent("sel-\(port)-\(UUID().uuidString).bin")
        defer { try? FileManager.default.removeItem(at: file) }
        let result = try ipmitool(["sel", "writeraw", file.path])
        guard result.status == 0 else { throw ClientFailed(result: result) }
        let bytes = [UInt8]((try? Data(contentsOf: file)) ?? Data())
        return stride(from: 0, to: bytes.count - bytes.count % 16, by: 16).map { SELRecord(Array(bytes[$0..<$0 + 16])) }
    }

    /// Active sessions, as Get Session Info reports them (`session info all`).
    func activeSessions() throws -> Int? {
        let result = try ipmitool(["session", "info", "all"])
        return result.stdout.components(separatedBy: "\n")
            .first { $0.hasPrefix("active sessions") }
            .flatMap { $0.split(separator: ":").last.flatMap { Int($0.trimmingCharacters(in: .whitespaces)) } }
    }
}

struct ClientFailed: Error, CustomStringConvertible {
    var result: ToolResult
    var description: String { "client failed: \(result)" }
}

/// One line of `ipmitool sdr elist`: "CPU Temp | 01h | ok | 3.1 | 50 degrees C".
struct SDRLine: Equatable, CustomStringConvertible {
    var name: String
    var number: String
    var status: String
    var entity: String
    var reading: String

    var description: String { [name, number, status, entity, reading].joined(separator: " | ") }

    /// A reading is shown: not "ns" (no reading, or unavailable) and not "No Reading".
    var hasReading: Bool { status != "ns" && !reading.isEmpty && reading != "No Reading" }

    /// The entity instance of "3.2" (2), or nil.
    var entityInstance: Int? { entity.split(separator: ".").last.flatMap { Int($0) } }

    static func parse(_ output: String) -> [SDRLine] {
        output.components(separatedBy: "\n").compactMap { line in
            let fields = line.components(separatedBy: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            guard fields.count == 5 else { return nil }
            return SDRLine(name: fields[0], number: fields[1], status: fields[2], entity: fields[3], reading: fields[4])
        }
    }
}

/// One 16-byte SEL record (IPMI 2.0 section 32.1), system event fields decoded.
struct SELRecord: Equatable, CustomStringConvertible {
    var bytes: [UInt8]

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var recordID: Int { Int(bytes[0]) | Int(bytes[1]) << 8 }
    var recordType: UInt8 { bytes[2] }
    /// Byte 1 of the generator ID: the slave address (or software ID) of the event's owner.
    var generatorAddress: UInt8 { bytes[7] }
    var sensorType: UInt8 { bytes[10] }
    var sensorNumber: UInt8 { bytes[11] }
    var isDeassertion: Bool { bytes[12] & 0x80 != 0 }
    var eventType: UInt8 { bytes[12] & 0x7F }
    var offset: UInt8 { bytes[13] & 0x0F }

    /// What the event says, without where and when it was logged (record ID, timestamp):
    /// the same event logged by a line card and by its MM has the same content.
    var content: [UInt8] { Array(bytes[7...]) }

    var description: String {
        String(format: "#%d gen %02Xh type %02Xh sensor %02Xh/%02Xh %@ ", recordID, generatorAddress, recordType, sensorType,
               sensorNumber, isDeassertion ? "deassert" : "assert") + bytes[13...].map { String(format: "%02X", $0) }.joined(separator: " ")
    }
}

/// Where slot k's line card is on IPMB (PICMG 3.0): 2 × (40h + k).
func slotAddress(_ slot: Int) -> UInt8 { UInt8(2 * (0x40 + slot)) }

/// The MM's proxy of a line card's sensor: "S2 " + its name, in the 16 bytes of an ID string.
func proxyName(slot: Int, _ name: String) -> String { String("S\(slot) \(name)".utf8.prefix(16))! }

/// `count` consecutive UDP ports on 127.0.0.1 that were free a moment ago (a chassis process
/// listens on PORT and PORT+1...PORT+N).
func freePortRun(_ count: Int) -> Int {
    for _ in 0..<200 {
        let base = Int.random(in: 20000...(60000 - count))
        let sockets = (0..<count).map { _ in socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0) }
        defer { sockets.forEach { close($0) } }
        let bound = sockets.enumerated().allSatisfy { index, fd in
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(base + index).bigEndian)
            inet_pton(AF_INET, "127.0.0.1", &address.sin_addr)
            return withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            } == 0
        }
        if bound { return base }
    }
    preconditionFailure("no run of \(count) free UDP ports")
}

/// `ipmigod serve --simulate --chassis N --listen 127.0.0.1:PORT`: an MM (member 0, on PORT)
/// and N simulated line cards (member k on PORT+k) in one process, linked over loopback UDP.
/// Stopped, and its folder removed, when the test ends.
final class ChassisProcess {
    let folder: URL
    let basePort: Int
    let lineCards: Int
    var stateDirectory: String { folder.appendingPathComponent("state").path }
    var log: String { process.log }
    private let process: DaemonProcess
    /// The status page and metrics (the MM's and every card's, one member label each).
    let httpPort: Int

    init(lineCards: Int) throws {
        self.lineCards = lineCards
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("ipmigod-chassis-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        basePort = freePortRun(lineCards + 1)
        httpPort = freeTCPPort()
        process = DaemonProcess(logPath: folder.appendingPathComponent("daemon.log").path)
        let ports = (0...lineCards).map { basePort + $0 }
        try process.start(["serve", "--simulate", "--chassis", String(lineCards), "--listen", "127.0.0.1:\(basePort)",
                           "--state-dir", stateDirectory, "--http-listen", "127.0.0.1:\(httpPort)", "--log-level", "info"]) {
            ports.allSatisfy(answersPresencePing)
        }
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(at: folder)
    }

    func port(_ member: Int) -> Int { basePort + member }
    func member(_ number: Int) -> IPMIEndpoint { IPMIEndpoint(port: port(number)) }

    /// `ipmigod sim ... --member k` against this process's control socket.
    func sim(_ arguments: [String], member: Int) throws -> ToolResult {
        try runTool(Daemon.binary, ["sim"] + arguments + ["--member", String(member), "--state-dir", stateDirectory])
    }

    func stop() { process.stop() }
}
