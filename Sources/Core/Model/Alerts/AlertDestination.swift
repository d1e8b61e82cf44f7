/// Where an alert goes and how: one LAN alert destination (LAN configuration parameters 18
/// and 19), with what IPMI cannot carry (port, SNMP version, credentials) from the config.
public struct AlertDestination: Sendable, Equatable, Codable {
    public enum SNMPVersion: String, Sendable, Codable {
        /// Platform Event Trap: an SNMPv1 trap (PET v1.0).
        case v1
        /// The same PET as an SNMPv2c trap, or an INFORM when acknowledged (RFC 3584 form).
        case v2c
        /// SNMPv3 authPriv (SHA, AES): trap, or INFORM when acknowledged.
        case v3
    }

    public struct V3Credentials: Sendable, Equatable, Codable {
        public var user: String
        public var authPassphrase: String
        public var privPassphrase: String
        public init(user: String, authPassphrase: String, privPassphrase: String) {
            self.user = user
            self.authPassphrase = authPassphrase
            self.privPassphrase = privPassphrase
        }
    }

    /// The destination selector, 1..15 (0 is the volatile destination of Alert Immediate).
    public var selector: UInt8
    /// IPv4 address, network order; 0.0.0.0 means unset.
    public var address: [UInt8]
    public var port: UInt16
    public var version: SNMPVersion
    /// SNMPv1/v2c community; nil uses the LAN channel's community string (parameter 16).
    public var community: String?
    public var v3: V3Credentials?
    /// Acknowledged alerts are retried until a PET Acknowledge or INFORM response arrives.
    public var isAcknowledged: Bool
    /// Seconds between retries of an acknowledged alert (parameter 18 byte 3).
    public var ackTimeout: UInt8
    /// Retries after the first send (parameter 18 byte 4, bits 2..0).
    public var retries: UInt8

    public init(selector: UInt8, address: [UInt8], port: UInt16 = 162, version: SNMPVersion = .v1,
                community: String? = nil, v3: V3Credentials? = nil, isAcknowledged: Bool = false,
                ackTimeout: UInt8 = 3, retries: UInt8 = 3) {
        self.selector = selector
        self.address = address
        self.port = port
        self.version = version
        self.community = community
        self.v3 = v3
        self.isAcknowledged = isAcknowledged
        self.ackTimeout = ackTimeout
        self.retries = retries
    }

    public var isSet: Bool { address.count == 4 && address != [0, 0, 0, 0] }
}
