/// Which queue an alert waits in: one per (switch, destination). A host running a fleet sends
/// for every member through one sender; each member's destinations are its own, so member
/// 3's destination 1 never waits behind member 4's, nor shares its counters or retries.
public struct AlertRoute: Hashable, Sendable, CustomStringConvertible {
    /// The switch in the host (0 for a single switch).
    public var member: Int
    /// The LAN alert destination selector.
    public var selector: UInt8

    public init(member: Int = 0, selector: UInt8) {
        self.member = member
        self.selector = selector
    }

    public var description: String { member == 0 ? "\(selector)" : "\(member)/\(selector)" }
}

extension PETSender {
    /// What one switch's traps go out as: its agent address, its SNMPv3 engine, and the local
    /// address its sessions are bound to (so a receiver sees each switch as its own agent).
    public struct Source: Sendable {
        /// The switch's IPv4 address (network order): the SNMPv1 agent-addr when the alert
        /// carries none.
        public var agentAddress: [UInt8]
        public var engineID: [UInt8]
        public var engineBoots: UInt32
        /// The local address ("127.1.0.7") the switch's SNMP sessions send from; nil for any.
        public var clientAddress: String?

        public init(agentAddress: [UInt8], engine: SNMPEngine, clientAddress: String? = nil) {
            self.agentAddress = agentAddress
            self.engineID = engine.id
            self.engineBoots = engine.boots
            self.clientAddress = clientAddress
        }
    }
}
