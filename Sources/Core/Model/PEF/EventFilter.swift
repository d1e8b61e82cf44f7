/// One entry of the event filter table (PEF configuration parameter 6, IPMI 2.0 section 17.7),
/// kept as its 20 wire bytes so Set/Get round-trip exactly; the accessors name the fields.
public struct EventFilter: Sendable, Equatable, Codable {
    public static let size = 20
    /// A field value that matches anything (generator, sensor type/number, event trigger).
    public static let any: UInt8 = 0xFF

    public private(set) var bytes: [UInt8]

    public init(bytes: [UInt8]) {
        precondition(bytes.count == EventFilter.size, "an event filter entry is 20 bytes")
        self.bytes = bytes
    }

    /// A saved entry must still be 20 bytes: matching indexes into it.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let bytes = try container.decode([UInt8].self, forKey: .bytes)
        guard bytes.count == EventFilter.size else {
            throw DecodingError.dataCorruptedError(forKey: .bytes, in: container, debugDescription: "an event filter entry is 20 bytes")
        }
        self.bytes = bytes
    }

    /// An unused, disabled, software-configurable entry.
    public static let empty = EventFilter(bytes: [UInt8](repeating: 0, count: size))

    /// A filter built field by field; data masks all zero (event data not compared).
    public init(enabled: Bool = true, preconfigured: Bool = false, actions: PEFActions, policy: UInt8 = 1,
                severity: PEFSeverity, generatorID: UInt16 = 0xFFFF, sensorType: UInt8 = any,
                sensorNumber: UInt8 = any, eventTrigger: UInt8 = any, offsetMask: UInt16 = 0xFFFF) {
        var bytes = [UInt8](repeating: 0, count: EventFilter.size)
        bytes[0] = (enabled ? 0x80 : 0) | (preconfigured ? 0x40 : 0)
        bytes[1] = actions.rawValue
        bytes[2] = policy & 0x0F
        bytes[3] = severity.rawValue
        bytes[4] = UInt8(truncatingIfNeeded: generatorID)
        bytes[5] = UInt8(truncatingIfNeeded: generatorID >> 8)
        bytes[6] = sensorType
        bytes[7] = sensorNumber
        bytes[8] = eventTrigger
        bytes[9] = UInt8(truncatingIfNeeded: offsetMask)
        bytes[10] = UInt8(truncatingIfNeeded: offsetMask >> 8)
        self.bytes = bytes
    }

    /// Filter configuration byte (parameter 7 carries it alone): bit 7 enable, bits 6..5 type.
    public var configuration: UInt8 {
        get { bytes[0] }
        set { bytes[0] = newValue }
    }

    public var isEnabled: Bool { bytes[0] & 0x80 != 0 }
    public var actions: PEFActions { PEFActions(rawValue: bytes[1] & 0x3F) }
    /// Alert policy number, bits 3..0 (bits 6..4 are the group control selector, unused here).
    public var policyNumber: UInt8 { bytes[2] & 0x0F }
    public var severity: UInt8 { bytes[3] }
    public var offsetMask: UInt16 { UInt16(bytes[9]) | UInt16(bytes[10]) << 8 }

    /// Whether an event passes this filter's fields (enable is checked by the caller).
    public func matches(_ event: PlatformEvent) -> Bool {
        // Generator ID byte 1 is the slave address/software ID, byte 2 the channel and LUN.
        guard field(bytes[4], matches: UInt8(truncatingIfNeeded: event.generatorID)),
              field(bytes[5], matches: UInt8(truncatingIfNeeded: event.generatorID >> 8)),
              field(bytes[6], matches: event.sensorType),
              field(bytes[7], matches: event.sensorNumber),
              field(bytes[8], matches: event.eventReadingType),
              offsetMask & (1 << event.offset) != 0
        else { return false }
        return dataMatches(event.eventData1, at: 11) && dataMatches(event.eventData2, at: 14)
            && dataMatches(event.eventData3, at: 17)
    }

    private func field(_ wanted: UInt8, matches value: UInt8) -> Bool {
        wanted == EventFilter.any || wanted == value
    }

    /// Event data comparison (IPMI 2.0 section 17.7): bits outside the AND mask are ignored;
    /// masked bits set in Compare 1 must equal Compare 2; of the other masked bits, at least
    /// one must equal its Compare 2 bit (an "or" test), if there are any.
    private func dataMatches(_ data: UInt8, at index: Int) -> Bool {
        let mask = bytes[index], exact = bytes[index + 1], compare = bytes[index + 2]
        let agreeing = ~(data ^ compare) & mask
        let exactBits = mask & exact
        guard agreeing & exactBits == exactBits else { return false }
        let orBits = mask & ~exact
        return orBits == 0 || agreeing & orBits != 0
    }
}

/// Event filter actions (filter byte 2) and the PEF action global control (parameter 2).
public struct PEFActions: OptionSet, Sendable, Hashable, Codable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let alert = PEFActions(rawValue: 0x01)
    public static let powerOff = PEFActions(rawValue: 0x02)
    public static let reset = PEFActions(rawValue: 0x04)
    public static let powerCycle = PEFActions(rawValue: 0x08)
    public static let oem = PEFActions(rawValue: 0x10)
    public static let diagnosticInterrupt = PEFActions(rawValue: 0x20)

    /// What this BMC can do (Get PEF Capabilities): everything but the OEM action.
    public static let supported: PEFActions = [.alert, .powerOff, .reset, .powerCycle, .diagnosticInterrupt]
}

/// The event severity of a filter, as it goes into the PET (one bit each).
public enum PEFSeverity: UInt8, Sendable, CaseIterable {
    case unspecified = 0x00, monitor = 0x01, information = 0x02, ok = 0x04
    case nonCritical = 0x08, critical = 0x10, nonRecoverable = 0x20
}
