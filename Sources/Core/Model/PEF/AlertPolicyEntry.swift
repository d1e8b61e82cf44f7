/// One entry of the alert policy table (PEF configuration parameter 9, IPMI 2.0 section 17.11):
/// the three bytes after the entry selector.
public struct AlertPolicyEntry: Sendable, Equatable, Codable {
    /// What to do with this entry given how the previous one in the same policy set went
    /// (IPMI 2.0 section 17.11).
    public enum Rule: UInt8, Sendable {
        /// Always send to this destination.
        case always = 0
        /// If the previous destination succeeded, skip this one and go on.
        case skipIfPreviousSucceeded = 1
        /// If the previous destination succeeded, stop processing this policy set.
        case stopIfPreviousSucceeded = 2
        /// If the previous destination succeeded, go on with the next entry on another channel.
        case nextChannelIfPreviousSucceeded = 3
        /// If the previous destination succeeded, go on with the next entry of another destination type.
        case nextTypeIfPreviousSucceeded = 4
    }

    public var policy: UInt8
    public var channelDestination: UInt8
    public var alertStringKey: UInt8

    public init(policy: UInt8, channelDestination: UInt8, alertStringKey: UInt8) {
        self.policy = policy
        self.channelDestination = channelDestination
        self.alertStringKey = alertStringKey
    }

    public init(bytes: [UInt8]) {
        self.init(policy: bytes[0], channelDestination: bytes[1], alertStringKey: bytes[2])
    }

    public init(policyNumber: UInt8, enabled: Bool = true, rule: Rule = .always, channel: UInt8, destination: UInt8,
                alertStringKey: UInt8 = 0) {
        self.init(policy: (policyNumber & 0x0F) << 4 | (enabled ? 0x08 : 0) | rule.rawValue,
                  channelDestination: (channel & 0x0F) << 4 | destination & 0x0F, alertStringKey: alertStringKey)
    }

    /// An unused entry: disabled, on the LAN channel (so tools that look the channel up do not trip).
    public static let empty = AlertPolicyEntry(policy: 0, channelDestination: 0x10, alertStringKey: 0)

    public var bytes: [UInt8] { [policy, channelDestination, alertStringKey] }
    public var policyNumber: UInt8 { policy >> 4 }
    public var isEnabled: Bool { policy & 0x08 != 0 }
    /// Unknown rule values (5..7 are reserved) are treated as "always".
    public var rule: Rule { Rule(rawValue: policy & 0x07) ?? .always }
    public var channel: UInt8 { channelDestination >> 4 }
    public var destinationSelector: UInt8 { channelDestination & 0x0F }
    /// Bit 7: look the string up in the alert string keys by filter number and string set.
    public var isEventSpecific: Bool { alertStringKey & 0x80 != 0 }
    public var stringKey: UInt8 { alertStringKey & 0x7F }
}
