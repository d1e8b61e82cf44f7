import IPMICore

/// An alert waiting in a destination's queue, with the destination as it was when the
/// alert was raised (LAN parameters may change before it goes out).
struct PendingAlert: Sendable {
    var trap: PlatformEventTrap
    var destination: AlertDestination
    /// The community to use when the destination has none of its own.
    var channelCommunity: String
}
