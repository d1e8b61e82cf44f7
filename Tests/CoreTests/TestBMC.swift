import Foundation
import IPMICore
import Logging
import NIOCore

/// A BMC in the test process with a clock the test moves, fed datagrams directly.
final class TestBMC {
    let bmc: BMC
    let stateDirectory: String
    var now = NIODeadline.uptimeNanoseconds(1_000_000_000_000)
    let remote = RemoteConsole(ipv4: [127, 0, 0, 1], port: 40000)

    static func configuration(stateDirectory: String, suites: [UInt8] = [1, 2, 3, 6, 7, 8, 11, 12, 15, 16, 17],
                              maximumSessions: Int = 8, sensors: [SensorDefinition] = []) -> BMCConfiguration {
        var channel = LANChannelConfiguration()
        channel.cipherSuites = suites.map { CipherSuitePolicy(id: $0, maximumPrivilege: .administrator) }
        channel.legacyAuthTypes = [.user: [.md5, .straightPassword], .operator: [.md5], .administrator: [.md5]]
        var limits = SessionLimits()
        limits.maximumSessions = maximumSessions
        limits.idleTimeout = 60
        var device = DeviceIdentity()
        device.productID = 0x1234
        device.systemGUID = Array(1...16)
        var configuration = BMCConfiguration(
            device: device, channel: channel,
            users: [
                UserConfiguration(id: 2, name: "admin", password: Array("admin".utf8), privilege: .administrator),
                UserConfiguration(id: 3, name: "watcher", password: Array("watcher-password-20b".utf8), privilege: .user),
                UserConfiguration(id: 4, name: "off", password: Array("off".utf8), privilege: .user, enabled: false),
            ],
            limits: limits, stateDirectory: stateDirectory)
        configuration.sensors = sensors
        configuration.lan.destinations = [AlertDestination(selector: 1, address: [127, 0, 0, 2])]
        return configuration
    }

    init(suites: [UInt8] = [1, 2, 3, 6, 7, 8, 11, 12, 15, 16, 17], maximumSessions: Int = 8, stateDirectory: String? = nil,
         sensors: [SensorDefinition] = [], chassisRole: ChassisRole = .standalone) throws {
        self.stateDirectory = stateDirectory ?? FileManager.default.temporaryDirectory
            .appendingPathComponent("ipmigod-test-\(UUID().uuidString)").path
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        var configuration = TestBMC.configuration(stateDirectory: self.stateDirectory, suites: suites,
                                                  maximumSessions: maximumSessions, sensors: sensors)
        configuration.chassisRole = chassisRole
        bmc = try BMC(configuration: configuration, logger: logger)
    }

    /// Sends one datagram; returns the answer, or nil when the BMC stays silent.
    func send(_ datagram: ByteBuffer) -> ByteBuffer? {
        var output = ByteBuffer()
        return bmc.handleDatagram(datagram, from: remote, now: now, into: &output) != .none ? output : nil
    }

    /// Runs the whole RMCP+ handshake.
    func openSession(suite: UInt8 = 3, user: String = "admin", password: String = "admin",
                     privilege: PrivilegeLevel = .administrator) throws -> RMCPPlusConsole {
        var console = RMCPPlusConsole(suite: CipherSuite.supported(id: suite)!, userName: user, password: password,
                                      privilege: privilege)
        let rakp1 = try console.rakp1(after: try XCTUnwrapAnswer(send(console.openSessionRequest())))
        let rakp3 = try console.rakp3(after: try XCTUnwrapAnswer(send(rakp1)))
        try console.establish(after: try XCTUnwrapAnswer(send(rakp3)))
        return console
    }

    /// Sends a request in the console's session and returns the response.
    func call(_ console: inout RMCPPlusConsole, _ netFn: NetFn, _ command: UInt8, _ data: [UInt8] = []) throws -> IPMIResponse {
        let answer = try XCTUnwrapAnswer(send(try console.request(netFn, command, data)))
        return try console.response(answer)
    }
}

struct NoAnswer: Error {}

func XCTUnwrapAnswer(_ answer: ByteBuffer?) throws -> ByteBuffer {
    guard let answer else { throw NoAnswer() }
    return answer
}

extension Array where Element == UInt8 {
    init(hex: String) {
        let digits = hex.filter(\.isHexDigit)
        var bytes: [UInt8] = []
        var index = digits.startIndex
        while index < digits.endIndex {
            let next = digits.index(index, offsetBy: 2)
            bytes.append(UInt8(digits[index..<next], radix: 16)!)
            index = next
        }
        self = bytes
    }
}
