// Runs a fixed number of steady-state requests (or session setups) straight through an
// in-process BMC's `handleDatagram`: no sockets, no event loop, one thread. Meant to run
// under `valgrind --tool=callgrind`, whose instruction counts repeat from run to run on a
// busy machine where CPU time does not; see docs/benchmarks.md, "Request path cost".
//
//     ipmigod-request-cost device-id|sensor-reading|sdr|setup SUITE COUNT
import AllocationCounter
import Foundation
import IPMICore
import Logging
import NIOCore

let arguments = CommandLine.arguments
guard arguments.count == 4, let suiteID = UInt8(arguments[2]), let suite = CipherSuite.supported(id: suiteID),
      let count = Int(arguments[3])
else {
    print("usage: ipmigod-request-cost device-id|sensor-reading|sdr|setup SUITE COUNT")
    exit(2)
}

/// One BMC and the console side of its sessions.
final class Harness {
    let bmc: BMC
    let suite: CipherSuite
    let remote = RemoteConsole(ipv4: [127, 0, 0, 1], port: 40000)
    let now = NIODeadline.uptimeNanoseconds(1_000_000_000_000)
    var output = ByteBuffer()

    init(suite: CipherSuite, stateDirectory: String) throws {
        var channel = LANChannelConfiguration()
        channel.cipherSuites = [3, 17, 1].map { CipherSuitePolicy(id: $0, maximumPrivilege: .administrator) }
        var configuration = BMCConfiguration(
            device: DeviceIdentity(), channel: channel,
            users: [UserConfiguration(id: 2, name: "admin", password: Array("admin".utf8), privilege: .administrator)],
            limits: SessionLimits(), stateDirectory: stateDirectory)
        configuration.sensors = [SensorDefinition(number: 1, name: "Board Temp", sensorType: 0x01, kind: .threshold,
                                                  entityID: 0x07, unit: 1)]
        var logger = Logger(label: "request-cost")
        logger.logLevel = .critical
        bmc = try BMC(configuration: configuration, logger: logger)
        self.suite = suite
        output.reserveCapacity(512)
    }

    func send(_ datagram: ByteBuffer) -> ByteBuffer {
        output.clear()
        precondition(bmc.handleDatagram(datagram, from: remote, now: now, into: &output) == .sendNow, "no answer")
        return output
    }

    func openSession() throws -> RMCPPlusConsole {
        var console = RMCPPlusConsole(suite: suite, userName: "admin", password: "admin")
        let rakp1 = try console.rakp1(after: send(console.openSessionRequest()))
        let rakp3 = try console.rakp3(after: send(rakp1))
        try console.establish(after: send(rakp3))
        return console
    }

    func requests(_ netFn: NetFn, _ command: UInt8, _ data: [UInt8], count: Int) throws {
        var console = try openSession()
        // Built beforehand, so the loop below is the BMC's work (and the console's check of each answer).
        let datagrams = try (0..<count).map { _ in try console.request(netFn, command, data) }
        var allocations = 0
        for datagram in datagrams {
            allocation_counter_start()
            let answer = send(datagram)
            allocations += allocation_counter_stop()
            let response = try console.response(answer)
            precondition(response.completionCode == .ok)
        }
        print("\(allocations) heap allocations in \(count) requests inside handleDatagram")
    }

    func setups(count: Int) throws {
        for _ in 0..<count {
            var console = try openSession()
            let id = withUnsafeBytes(of: console.managedSessionID.littleEndian) { Array($0) }
            _ = try console.response(send(console.request(.app, 0x3C, id)))
        }
    }
}

let state = FileManager.default.temporaryDirectory.appendingPathComponent("ipmigod-request-cost-\(getpid())").path
defer { try? FileManager.default.removeItem(atPath: state) }
let harness = try Harness(suite: suite, stateDirectory: state)
switch arguments[1] {
case "device-id": try harness.requests(.app, 0x01, [], count: count)
case "sensor-reading": try harness.requests(.sensorEvent, 0x2D, [1], count: count)
case "sdr": try harness.requests(.storage, 0x23, [0, 0, 3, 0, 0, 0xFF], count: count)
case "setup": try harness.setups(count: count)
default:
    print("unknown workload \(arguments[1])")
    exit(2)
}
