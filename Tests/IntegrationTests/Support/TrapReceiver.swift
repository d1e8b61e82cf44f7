import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A real snmptrapd on a loopback address (127.0.0.2 unless told), printing each notification
/// on one record of its stdout.
final class TrapReceiver {
    struct Trap {
        var pdu = ""
        var enterprise = ""
        var generic = ""
        var specific = ""
        var agent = ""
        /// The transport address it came from: "UDP: [127.1.0.8]:41234->[127.0.0.2]:1162".
        var from = ""
        var trapOID = ""
        var trapEnterprise = ""
        var payload: [UInt8] = []
    }

    let port: Int
    private let outputPath: String
    private var pid: pid_t = 0
    private static let marker = "@@PET@@"

    /// MIBs for snmptrapd to name what it receives: directories (`-M`) and modules (`-m`).
    struct MIBs {
        var path: String
        var modules: String
    }

    /// - Parameters:
    ///   - extraConfig: more snmptrapd.conf lines (createUser, authUser for SNMPv3).
    ///   - mibs: nil for no MIBs, numeric OIDs and one parsed record per notification
    ///     (`traps`); else these MIBs and snmptrapd's own, named output (`output` only).
    init(folder: String, address: String = "127.0.0.2", port: Int? = nil, extraConfig: String = "",
         mibs: MIBs? = nil) throws {
        self.port = port ?? UDPSocket.freePort()
        let config = folder + "/snmptrapd-\(address)-\(self.port).conf"
        try "disableAuthorization yes\nauthCommunity log,execute,net public\n\(extraConfig)"
            .write(toFile: config, atomically: true, encoding: .utf8)
        outputPath = folder + "/snmptrapd-\(address)-\(self.port).out"
        // -C -c: only our config.
        var arguments = [try which("snmptrapd"), "-f", "-Lo", "-C", "-c", config, "--persistentDir=\(folder)/snmptrapd-state"]
        if let mibs {
            arguments += ["-M", mibs.path, "-m", mibs.modules]
        } else {
            arguments += ["-n", "-On", "-M", "/dev/null", "-m", "",
                          "-F", "\(Self.marker)pdu=%P|enterprise=%N|generic=%w|specific=%q|agent=%A|from=%b|vars=%V~%v\n"]
        }
        arguments.append("udp:\(address):\(self.port)")
        pid = try Self.spawn(arguments, output: outputPath)
        let deadline = Date().addingTimeInterval(5)
        while !self.output.contains("NET-SNMP version") {
            guard Date() < deadline else {
                stop()
                throw ToolNotFound(name: "snmptrapd did not start: \(self.output)")
            }
            usleep(20_000)
        }
    }

    deinit { stop() }

    /// posix_spawn rather than Process: snmptrapd closes the descriptors it inherits, which
    /// makes Foundation's Process reaper block in waitpid and stall every other Process.
    private static func spawn(_ arguments: [String], output: String) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let status = posix_spawn(&pid, arguments[0], &actions, nil, &argv, environ)
        guard status == 0 else { throw ToolNotFound(name: "snmptrapd: posix_spawn \(status)") }
        return pid
    }

    func stop() {
        guard pid > 0 else { return }
        kill(pid, SIGTERM)
        var status: Int32 = 0
        let deadline = Date().addingTimeInterval(5)
        while waitpid(pid, &status, WNOHANG) == 0 {
            if Date() > deadline {
                kill(pid, SIGKILL)
                waitpid(pid, &status, 0)
                break
            }
            usleep(10_000)
        }
        pid = 0
    }

    var output: String { (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? "" }

    var traps: [Trap] {
        output.components(separatedBy: Self.marker).dropFirst().map(Self.parse)
    }

    private static func parse(_ record: String) -> Trap {
        var trap = Trap()
        let fields = record.components(separatedBy: "|vars=")
        for field in fields[0].split(separator: "|") {
            let pair = field.split(separator: "=", maxSplits: 1).map(String.init)
            guard pair.count == 2 else { continue }
            switch pair[0] {
            case "pdu": trap.pdu = pair[1]
            case "enterprise": trap.enterprise = pair[1]
            case "generic": trap.generic = pair[1]
            case "specific": trap.specific = pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "."))
            case "agent": trap.agent = pair[1]
            case "from": trap.from = pair[1]
            default: break
            }
        }
        guard fields.count > 1 else { return trap }
        // Varbinds are "~"-separated; long hex strings wrap over lines.
        for varbind in fields[1].components(separatedBy: "~") {
            let parts = varbind.components(separatedBy: " = ")
            guard parts.count == 2 else { continue }
            let name = parts[0].trimmingCharacters(in: .whitespacesAndNewlines)
            let value = parts[1].trimmingCharacters(in: .whitespacesAndNewlines)
            switch name {
            case ".1.3.6.1.4.1.3183.1.1.1":
                let hex = value.replacingOccurrences(of: "Hex-STRING:", with: "").split(whereSeparator: { $0.isWhitespace })
                trap.payload = hex.compactMap { UInt8($0, radix: 16) }
            case ".1.3.6.1.6.3.1.1.4.1.0": trap.trapOID = value.replacingOccurrences(of: "OID: ", with: "")
            case ".1.3.6.1.6.3.1.1.4.3.0": trap.trapEnterprise = value.replacingOccurrences(of: "OID: ", with: "")
            default: break
            }
        }
        return trap
    }
}
