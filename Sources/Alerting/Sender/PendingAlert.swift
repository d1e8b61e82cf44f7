import IPMICore

/// An alert waiting in a destination's queue, with the destination and agent address as they
/// were at the event (LAN parameters may change before it goes out).
struct PendingAlert: Sendable {
    var trap: PlatformEventTrap
    var destination: AlertDestination
    /// The community to use when the destination has none of its own.
    var channelCommunity: String
    /// The SNMPv1 agent address (LAN parameter 3) when the event happened.
    var agentAddress: [UInt8]
}
