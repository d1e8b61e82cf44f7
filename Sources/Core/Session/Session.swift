import NIOCore

/// Where a request came from: what Get Session Info reports and where the answer goes.
public struct RemoteConsole: Hashable, Sendable {
    /// The IPv4 address as its four bytes lie in memory (network order), held inline: the
    /// daemon makes one of these per datagram, and an array would be an allocation each.
    private var address: UInt32
    private var isIPv4: Bool
    public var port: UInt16

    /// IPv4 address in network order, or nil for IPv6 peers.
    public var ipv4: [UInt8]? {
        get { isIPv4 ? withUnsafeBytes(of: address) { Array($0) } : nil }
        set {
            isIPv4 = newValue != nil
            address = 0
            if let newValue { withUnsafeMutableBytes(of: &address) { $0.copyBytes(from: newValue.prefix(4)) } }
        }
    }

    public init(ipv4: [UInt8]?, port: UInt16) {
        address = 0
        isIPv4 = false
        self.port = port
        self.ipv4 = ipv4
    }

    /// An IPv4 console from the address as `in_addr.s_addr` holds it (network order in memory).
    public init(ipv4NetworkOrder address: UInt32, port: UInt16) {
        self.address = address
        isIPv4 = true
        self.port = port
    }

    public static let unknown = RemoteConsole(ipv4: nil, port: 0)
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
    /// The ceiling set when the session was opened; lowered if its cipher suite's is (LAN parameter 24).
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
