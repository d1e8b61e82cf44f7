import FoundationEssentials
import IPMICore
import Logging
import NIOCore

/// An in-process BMC fed fuzz inputs, with an RMCP+ session open so that command parsers are
/// reached past the integrity check. The first byte of an input picks the path:
/// - 0: the rest is a datagram, as an attacker sends it (codec and session layer);
/// - 1: a request in the session: netfn, command, then the data (every command parser);
/// - 2: an RMCP+ session setup payload (Open Session, RAKP 1, RAKP 3) or a sessionless
///   request, unauthenticated (the handshake parsers);
/// - 3: an IPMI 1.5 sessionless request: netfn, command, data, wrapped with a valid checksum.
/// A request that ends the session (Close Session, a disabled user, a new password) is
/// followed by a new session, or a new BMC when the old one no longer lets the admin in.
public final class FuzzTarget {
    public private(set) var bmc: BMC
    public private(set) var datagrams = 0
    private var console: RMCPPlusConsole?
    private var now = NIODeadline.uptimeNanoseconds(1_000_000_000_000)
    private let remote = RemoteConsole(ipv4: [192, 0, 2, 1], port: 623)
    private let root: String
    private var generation = 0

    public init(directory: String) throws {
        root = directory
        bmc = try FuzzTarget.makeBMC(stateDirectory: directory + "/0")
        openSession()
    }

    deinit {
        try? FileManager.default.removeItem(atPath: root)
    }

    private static func makeBMC(stateDirectory: String) throws -> BMC {
        try FileManager.default.createDirectory(atPath: stateDirectory, withIntermediateDirectories: true)
        var channel = LANChannelConfiguration()
        channel.cipherSuites = [0, 1, 2, 3, 17].map { CipherSuitePolicy(id: $0, maximumPrivilege: .administrator) }
        channel.legacyAuthTypes = [.callback: [.md5, .straightPassword, .none], .user: [.md5, .straightPassword],
                                   .operator: [.md5], .administrator: [.md5]]
        var limits = SessionLimits()
        limits.maximumSessions = 8
        var device = DeviceIdentity()
        device.systemGUID = Array(1...16)
        var configuration = BMCConfiguration(
            device: device, channel: channel,
            users: [
                UserConfiguration(id: 2, name: "admin", password: Array("admin".utf8), privilege: .administrator),
                UserConfiguration(id: 3, name: "user", password: Array("user".utf8), privilege: .user),
            ],
            limits: limits, stateDirectory: stateDirectory)
        configuration.lan.destinations = [AlertDestination(selector: 1, address: [192, 0, 2, 9])]
        var logger = Logger(label: "fuzz")
        logger.logLevel = .critical
        return try BMC(configuration: configuration, logger: logger)
    }

    /// Feeds one input; never throws: whatever the BMC does with it is the point.
    public func feed(_ input: [UInt8]) {
        guard let mode = input.first else { return }
        now = now + .milliseconds(1)
        datagrams += 1
        if datagrams % 1024 == 0 { bmc.tick(now: now) }
        let inSession = mode % 4 == 1
        if inSession && console == nil { openSession() }
        guard let datagram = FuzzTarget.datagram(for: input, session: &console) else { return }
        let answer = send(datagram)
        guard inSession, let console else { return }
        guard let answer else {
            // The session is gone: this request closed it, or changed what it stood on.
            self.console = nil
            return
        }
        // The BMC's answer must be a well-formed response of the session.
        precondition((try? console.response(answer)) != nil, "the BMC's answer does not parse")
    }

    public func feed(_ input: UnsafeRawBufferPointer) {
        feed(Array(input))
    }

    /// The datagram an input stands for (see the type's comment), as it goes over the wire;
    /// requests in a session go into `console`'s. Nil for inputs too short to mean anything.
    public static func datagram(for input: [UInt8], session console: inout RMCPPlusConsole?) -> ByteBuffer? {
        guard let mode = input.first else { return nil }
        let rest = input.dropFirst()
        switch mode % 4 {
        case 0:
            return ByteBuffer(bytes: rest)
        case 1:
            guard rest.count >= 2, var session = console else { return nil }
            let request = try? session.request(NetFn(rest[rest.startIndex]), rest[rest.startIndex + 1], Array(rest.dropFirst(2)))
            console = session
            return request
        case 2:
            guard let selector = rest.first else { return nil }
            let types: [PayloadType] = [.openSessionRequest, .rakp1, .rakp3, .ipmi]
            return unauthenticated(types[Int(selector) % types.count], Array(rest.dropFirst()))
        default:
            guard rest.count >= 2 else { return nil }
            var message = ByteBuffer()
            IPMIRequest(netFn: NetFn(rest[rest.startIndex]), requesterSequence: 1, command: rest[rest.startIndex + 1],
                        data: ByteBuffer(bytes: rest.dropFirst(2))).write(to: &message)
            var packet = ByteBuffer()
            IPMI15Packet.write(authType: .none, sequence: 0, sessionID: 0, authCode: nil, message: message, to: &packet)
            return packet
        }
    }

    private func send(_ datagram: ByteBuffer) -> ByteBuffer? {
        var output = ByteBuffer()
        return bmc.handleDatagram(datagram, from: remote, now: now, into: &output) == .none ? nil : output
    }

    /// Opens the session the next in-session input uses; if the admin can no longer log in,
    /// starts over with a new BMC.
    private func openSession() {
        if let console = establish() {
            self.console = console
            return
        }
        generation += 1
        bmc = try! FuzzTarget.makeBMC(stateDirectory: root + "/\(generation)")
        try? FileManager.default.removeItem(atPath: root + "/\(generation - 1)")
        console = establish()
    }

    private func establish() -> RMCPPlusConsole? {
        var console = RMCPPlusConsole(suite: CipherSuite.supported(id: 17)!, userName: "admin", password: "admin")
        guard let open = send(console.openSessionRequest()), let rakp1 = try? console.rakp1(after: open),
              let rakp2 = send(rakp1), let rakp3 = try? console.rakp3(after: rakp2),
              let rakp4 = send(rakp3), (try? console.establish(after: rakp4)) != nil
        else { return nil }
        return console
    }

    /// An unauthenticated RMCP+ packet outside any session.
    public static func unauthenticated(_ type: PayloadType, _ payload: [UInt8]) -> ByteBuffer {
        var packet = ByteBuffer()
        var writer = RMCPPlusPacketWriter(buffer: &packet, payloadType: type, encrypted: false, authenticated: false,
                                          sessionID: 0, sequence: 0)
        packet.writeBytes(payload)
        _ = writer.endPayload(buffer: &packet)
        return packet
    }
}
