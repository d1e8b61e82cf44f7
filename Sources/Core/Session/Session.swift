import NIOCore

/// Where a request came from: what Get Session Info reports and where the answer goes.
public struct RemoteConsole: Hashable, Sendable {
    private enum Family: Hashable, Sendable { case unknown, ipv4, ipv6 }

    /// The address's bytes as they lie in memory (network order), held inline: the daemon
    /// makes one of these per datagram, and an array would be an allocation each.
    private var family: Family
    private var address: (UInt64, UInt64) = (0, 0)
    public var port: UInt16

    /// IPv4 address in network order, or nil for IPv6 peers.
    public var ipv4: [UInt8]? { family == .ipv4 ? bytes(4) : nil }
    /// IPv6 address in network order, for IPv6 peers.
    public var ipv6: [UInt8]? { family == .ipv6 ? bytes(16) : nil }

    public init(ipv4: [UInt8]?, port: UInt16) {
        family = ipv4 == nil ? .unknown : .ipv4
        self.port = port
        if let ipv4 { ipv4.withUnsafeBytes { store($0.prefix(4)) } }
    }

    public init(ipv6: [UInt8], port: UInt16) {
        self = ipv6.withUnsafeBytes { RemoteConsole(ipv6: $0, port: port) }
    }

    /// An IPv6 console from the 16 bytes of its `in6_addr`.
    public init(ipv6: UnsafeRawBufferPointer, port: UInt16) {
        family = .ipv6
        self.port = port
        store(ipv6.prefix(16))
    }

    /// An IPv4 console from the address as `in_addr.s_addr` holds it (network order in memory).
    public init(ipv4NetworkOrder address: UInt32, port: UInt16) {
        family = .ipv4
        self.port = port
        withUnsafeBytes(of: address) { store($0) }
    }

    private mutating func store(_ bytes: UnsafeRawBufferPointer.SubSequence) {
        withUnsafeMutableBytes(of: &address) { $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes)) }
    }

    private mutating func store(_ bytes: UnsafeRawBufferPointer) {
        withUnsafeMutableBytes(of: &address) { $0.copyMemory(from: bytes) }
    }

    private func bytes(_ count: Int) -> [UInt8] {
        withUnsafeBytes(of: address) { Array($0.prefix(count)) }
    }

    /// The console's address without its port: what per-source limits count by, since a
    /// client picks a new source port for every connection.
    public var host: RemoteConsole {
        var host = self
        host.port = 0
        return host
    }

    public static let unknown = RemoteConsole(ipv4: nil, port: 0)

    public static func == (lhs: RemoteConsole, rhs: RemoteConsole) -> Bool {
        lhs.family == rhs.family && lhs.address == rhs.address && lhs.port == rhs.port
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(family)
        hasher.combine(address.0)
        hasher.combine(address.1)
        hasher.combine(port)
    }
}

/// An active session, IPMI 1.5 or RMCP+.
public final class Session {
    public enum Kind {
        /// IPMI 1.5: every packet carries this authentication type's code.
        case legacy(AuthenticationType)
        case rmcpPlus(PacketProtection, consoleSessionID: UInt32)
    }

    public let id: UInt32
    public let handle: UInt8
    public let kind: Kind
    public let userID: UInt8
    public let remote: RemoteConsole
    /// The ceiling set when the session was opened; lowered with the user's privilege limit, or
    /// its cipher suite's (LAN parameter 24).
    public internal(set) var maximumPrivilege: PrivilegeLevel
    public var privilege: PrivilegeLevel
    public var inbound: SequenceWindow
    public var outboundSequence: UInt32
    public var lastActivity: NIODeadline
    /// Set by Close Session; the session goes once its answer is sent.
    public var isClosing = false

    init(id: UInt32, handle: UInt8, kind: Kind, userID: UInt8, remote: RemoteConsole, maximumPrivilege: PrivilegeLevel,
         privilege: PrivilegeLevel, inbound: SequenceWindow, outboundSequence: UInt32, now: NIODeadline) {
        self.id = id
        self.handle = handle
        self.kind = kind
        self.userID = userID
        self.remote = remote
        self.maximumPrivilege = maximumPrivilege
        self.privilege = privilege
        self.inbound = inbound
        self.outboundSequence = outboundSequence
        self.lastActivity = now
    }

    public var isRMCPPlus: Bool {
        if case .rmcpPlus = kind { return true }
        return false
    }

    /// The next outbound sequence number; zero is skipped when it wraps.
    func nextOutboundSequence() -> UInt32 {
        outboundSequence &+= 1
        if outboundSequence == 0 { outboundSequence = 1 }
        return outboundSequence
    }
}
