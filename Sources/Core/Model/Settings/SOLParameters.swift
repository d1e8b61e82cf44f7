/// The SOL configuration parameters (IPMI 2.0 section 26.2, table 26-5) as bmc-config and
/// `ipmitool sol` read and write them. ipmigod carries no SOL payload (Activate Payload is
/// refused), so SOL is reported disabled and cannot be enabled (0xCC); the other values are
/// kept within the spec's ranges and persisted so configuration tools round-trip them. The
/// volatile bit rate is not saved (it starts as the non-volatile one).
public struct SOLParameters: Codable, Equatable, Sendable {
    static let stateFile = "sol.json"

    public enum Parameter: UInt8, Sendable {
        case setInProgress = 0, enable = 1, authentication = 2, characterAccumulate = 3, retry = 4
        case nonVolatileBitRate = 5, volatileBitRate = 6, payloadChannel = 7, payloadPort = 8

        /// Bytes of data on Set.
        var settableLength: Int {
            switch self {
            case .characterAccumulate, .retry, .payloadPort: 2
            default: 1
            }
        }
    }

    /// Bit 7 force encryption, bit 6 force authentication, bits 3..0 the privilege level needed.
    public var authentication: UInt8 = 0xC2
    /// Interval in 5 ms units (1-based), then the send threshold in characters.
    public var characterAccumulate: [UInt8] = [0x0C, 0x60]
    /// Retry count (bits 2..0), then the interval in 10 ms units.
    public var retry: [UInt8] = [0x07, 0x32]
    /// Bits 3..0: 0 the serial port's own setting, 6 9600, 7 19.2k, 8 38.4k, 9 57.6k, 0Ah 115.2k.
    public var nonVolatileBitRate: UInt8 = 0x0A
    public var payloadPort: UInt16 = 623
    /// Volatile: not saved (see `init(from:)`).
    public var volatileBitRate: UInt8 = 0x0A

    public init() {}

    private enum CodingKeys: String, CodingKey {
        case authentication, characterAccumulate, retry, nonVolatileBitRate, payloadPort
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        authentication = try container.decode(UInt8.self, forKey: .authentication)
        characterAccumulate = try container.decode([UInt8].self, forKey: .characterAccumulate)
        retry = try container.decode([UInt8].self, forKey: .retry)
        nonVolatileBitRate = try container.decode(UInt8.self, forKey: .nonVolatileBitRate)
        payloadPort = try container.decode(UInt16.self, forKey: .payloadPort)
        volatileBitRate = nonVolatileBitRate
    }

    /// A parameter's data as Get SOL Configuration Parameters answers it (after the revision).
    public func get(_ parameter: Parameter, channel: UInt8) -> [UInt8] {
        switch parameter {
        case .setInProgress: [] // answered by the caller's lock
        case .enable: [0x00]
        case .authentication: [authentication]
        case .characterAccumulate: characterAccumulate
        case .retry: retry
        case .nonVolatileBitRate: [nonVolatileBitRate]
        case .volatileBitRate: [volatileBitRate]
        case .payloadChannel: [channel]
        case .payloadPort: [UInt8(truncatingIfNeeded: payloadPort), UInt8(truncatingIfNeeded: payloadPort >> 8)]
        }
    }

    /// Applies Set SOL Configuration Parameters' data, refusing values outside the spec's ranges.
    public mutating func set(_ parameter: Parameter, _ data: [UInt8]) throws(CompletionCode) {
        guard data.count == parameter.settableLength else { throw .requestDataLengthInvalid }
        switch parameter {
        case .setInProgress: break
        case .enable:
            guard data[0] == 0 else { throw .invalidDataField } // no SOL payload to enable
        case .authentication:
            // Privilege: user (2) to OEM (5); bits 5..4 reserved.
            guard (2...5).contains(data[0] & 0x0F), data[0] & 0x30 == 0 else { throw .invalidDataField }
            authentication = data[0]
        case .characterAccumulate:
            guard data[0] != 0 else { throw .invalidDataField } // 1-based: 0 is reserved
            characterAccumulate = data
        case .retry:
            guard data[0] & 0xF8 == 0 else { throw .invalidDataField }
            retry = data
        case .nonVolatileBitRate, .volatileBitRate:
            guard SOLParameters.isBitRate(data[0]) else { throw .invalidDataField }
            if parameter == .nonVolatileBitRate { nonVolatileBitRate = data[0] } else { volatileBitRate = data[0] }
        case .payloadChannel:
            throw CompletionCode(0x82) // read-only: SOL would run on the LAN channel itself
        case .payloadPort:
            let port = UInt16(data[0]) | UInt16(data[1]) << 8
            guard port != 0 else { throw .invalidDataField }
            payloadPort = port
        }
    }

    static func isBitRate(_ byte: UInt8) -> Bool { byte == 0 || (6...0x0A).contains(byte) }
}
