/// The LAN configuration parameters in force: the config file's values, overridden by what
/// clients set over IPMI. Client changes to non-volatile values are persisted (atomically,
/// before the reply) in `lan.json` and win over the config file from then on; destination 0 is
/// volatile and starts empty at each start. On a switch (`lan.interface`), the parameters that
/// describe the management interface are the interface's, not a client's (`follow`).
/// Confined to the BMC's event loop like the BMC.
public final class LANParameters {
    public static let stateFile = "lan.json"

    /// Parameter 0 (IPMI 2.0 section 23.1): a cooperative lock between configuration tools.
    public enum SetInProgress: UInt8, Sendable {
        case complete = 0, inProgress = 1, commitWrite = 2
    }

    public let configuration: LANConfiguration
    public private(set) var setInProgress: SetInProgress = .complete
    /// Non-volatile values set over IPMI, as persisted.
    private var saved: [LANParameterKey: [UInt8]]
    /// Every settable value in force: defaults, then saved, then volatile ones.
    private var values: [LANParameterKey: [UInt8]]

    public init(configuration: LANConfiguration, store: StateStore) throws {
        self.configuration = configuration
        let stored = try store.load([StoredLANValue].self, from: LANParameters.stateFile) ?? []
        saved = Dictionary(stored.map { ($0.key, $0.data) }, uniquingKeysWith: { $1 })
        let followsInterface = configuration.interface != nil
        // Values saved while no interface was configured stay in lan.json but are not in force.
        values = configuration.parameterDefaults.merging(saved.filter { key, _ in
            !(followsInterface && LANParameter(rawValue: key.parameter)?.isOwnedByInterface == true)
        }) { $1 }
    }

    /// Whether Set refuses the parameter (0x82): it describes what the channel implements, or
    /// the config names a management interface and the parameter is the host's.
    public func isReadOnly(_ parameter: LANParameter) -> Bool {
        parameter.isReadOnly || (configuration.interface != nil && parameter.isOwnedByInterface)
    }

    /// The management interface's addresses as the daemon last read them: parameters 3, 5, 6, 12
    /// and 13 take them (and with 3, the PETs' agent address). Returns the parameters that
    /// changed; does nothing when the config names no interface (their values are the config's
    /// and the clients').
    @discardableResult
    public func follow(_ addresses: LANInterfaceAddresses) -> [LANParameter] {
        guard configuration.interface != nil else { return [] }
        var changed: [LANParameter] = []
        for (parameter, data) in addresses.parameterValues where values[LANParameterKey(parameter)] != data {
            values[LANParameterKey(parameter)] = data
            changed.append(parameter)
        }
        return changed
    }

    // MARK: Typed views for the rest of the BMC

    /// Parameter 16 up to its first NUL: the community of v1/v2c destinations that name none.
    public var communityString: String {
        let bytes = value(.communityString) ?? []
        return String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
    }

    /// Parameter 3: the BMC's IPv4 address (network order), e.g. a PET's agent address.
    public var bmcIPv4: [UInt8] { value(.ipAddress) ?? [0, 0, 0, 0] }

    /// The destination a PEF alert policy names, if it is set and takes PETs. What IPMI
    /// carries (address, acknowledge, timeout, retries) comes from parameters 18 and 19; what
    /// it cannot (port, SNMP version, credentials) from the config's destination of that
    /// selector, else port 162, SNMPv1 and the community string.
    public func destination(selector: UInt8) -> AlertDestination? {
        guard selector <= LANParameter.highestDestination,
              let type = value(.destinationType, selector: selector), type.count == 3, type[0] & 0x07 == 0,
              let address = value(.destinationAddress, selector: selector), address.count == 12
        else { return nil }
        var destination = configuration.destinations.first { $0.selector == selector }
            ?? AlertDestination(selector: selector, address: [0, 0, 0, 0])
        destination.address = Array(address[2..<6])
        destination.isAcknowledged = type[0] & 0x80 != 0
        destination.ackTimeout = type[1]
        destination.retries = type[2] & 0x07
        if destination.version != .v3, destination.community == nil {
            destination.community = communityString
        }
        return destination.isSet ? destination : nil
    }

    /// The highest privilege a session under a cipher suite may have: parameter 24 as a client
    /// set it, else the config's policy for the suite.
    public func maximumPrivilege(for policy: CipherSuitePolicy) -> PrivilegeLevel {
        guard policy.id < 16, let data = value(.cipherSuitePrivileges), data.count == 9 else { return policy.maximumPrivilege }
        let byte = data[1 + Int(policy.id) / 2]
        let nibble = policy.id % 2 == 0 ? byte & 0x0F : byte >> 4
        return PrivilegeLevel(rawValue: nibble) ?? policy.maximumPrivilege
    }

    // MARK: Get and Set

    /// A parameter's data as Get LAN Configuration Parameters answers it (after the revision).
    public func get(_ parameter: LANParameter, selector: UInt8, channel: LANChannelConfiguration) throws(CompletionCode) -> [UInt8] {
        switch parameter {
        case .setInProgress: return [setInProgress.rawValue]
        case .authTypeSupport: return [channel.authTypeSupport]
        case .authTypeEnables: return value(.authTypeEnables) ?? channel.authTypeEnables
        case .destinationCount: return [LANParameter.highestDestination]
        case .cipherSuiteCount: return [UInt8(channel.cipherSuites.prefix(16).count)]
        case .cipherSuiteEntries: return channel.cipherSuiteEntries
        case .cipherSuitePrivileges: return value(.cipherSuitePrivileges) ?? channel.cipherSuitePrivileges
        case .ipVersionSupport: return [0x00] // no IPv6 addressing, no IPv6 alerting
        case .ipv6Status: return [0x00, 0x00, 0x00] // no static or dynamic IPv6 addresses, no DHCPv6, no SLAAC
        default:
            if let length = parameter.ipv6RouterLength { return [UInt8](repeating: 0, count: length) }
        }
        guard parameter.isPerDestination else { return value(parameter) ?? [] }
        guard selector <= LANParameter.highestDestination, let data = value(parameter, selector: selector) else {
            throw .parameterOutOfRange
        }
        return [selector] + data
    }

    /// Applies Set LAN Configuration Parameters. `persist` saves the non-volatile values and
    /// runs before anything changes in memory, so a failed save leaves the old values in force.
    public func set(_ parameter: LANParameter, data: [UInt8],
                    persist: ([StoredLANValue]) throws(CompletionCode) -> Void) throws(CompletionCode) {
        guard !isReadOnly(parameter), let length = parameter.settableLength else { throw CompletionCode(0x82) } // read-only
        if parameter == .setInProgress {
            guard data.count == 1 else { throw .requestDataLengthInvalid }
            return try setLock(data[0] & 0x03)
        }
        if parameter.ipv6RouterLength != nil {
            guard data.count == length else { throw .requestDataLengthInvalid }
            guard data.allSatisfy({ $0 == 0 }) else { throw .invalidDataField } // IPv4 only
            return
        }
        var key = LANParameterKey(parameter)
        var data = data
        if parameter.isPerDestination {
            guard let selector = data.first else { throw .requestDataLengthInvalid }
            guard selector & 0x0F <= LANParameter.highestDestination, selector & 0xF0 == 0 else { throw .parameterOutOfRange }
            key.selector = selector
            data.removeFirst()
        }
        guard data.count == length else { throw .requestDataLengthInvalid }
        try LANParameters.validate(parameter, data)
        if !(parameter.isPerDestination && key.selector == 0) {
            try saveThenApply(from: saved, saving: LANParameters.stored, with: persist,
                              { (values: inout [LANParameterKey: [UInt8]]) throws(CompletionCode) in values[key] = data },
                              then: { saved = $0 })
        }
        values[key] = data
    }

    /// The values set over IPMI as `lan.json` holds them, in parameter and selector order.
    private static func stored(_ values: [LANParameterKey: [UInt8]]) -> [StoredLANValue]? {
        values.map { StoredLANValue(key: $0.key, data: $0.value) }.sorted {
            ($0.key.parameter, $0.key.selector) < ($1.key.parameter, $1.key.selector)
        }
    }

    /// Set In Progress: a second "in progress" while one is claimed is refused (0x81); a
    /// commit completes at once, since every write is already in force and durable.
    private func setLock(_ requested: UInt8) throws(CompletionCode) {
        switch requested {
        case SetInProgress.complete.rawValue, SetInProgress.commitWrite.rawValue:
            setInProgress = .complete
        case SetInProgress.inProgress.rawValue:
            guard setInProgress != .inProgress else { throw CompletionCode(0x81) } // set in progress already claimed
            setInProgress = .inProgress
        default:
            throw .invalidDataField
        }
    }

    /// Refuses values ipmigod could not honour as written.
    private static func validate(_ parameter: LANParameter, _ data: [UInt8]) throws(CompletionCode) {
        switch parameter {
        case .destinationAddress:
            guard data[0] & 0xF0 == 0 else { throw .invalidDataField } // only IPv4 + MAC addresses
        case .ipAddressSource:
            guard data[0] & 0x0F <= LANConfiguration.AddressSource.other.rawValue else { throw .invalidDataField }
        case .vlanID:
            // Bit 7 of the second byte enables tagging; IDs 0 and 4095 are reserved (802.1Q).
            let id = UInt16(data[0]) | UInt16(data[1] & 0x0F) << 8
            guard data[1] & 0x70 == 0, data[1] & 0x80 == 0 || (1...4094).contains(id) else { throw .invalidDataField }
        case .vlanPriority:
            guard data[0] & 0xF8 == 0 else { throw .invalidDataField }
        case .destinationVLAN:
            // Address format 0 (no tag) or 1 (802.1q tag); the tag's priority and CFI bits are free.
            guard data[0] >> 4 <= 1, data[0] & 0x0F == 0 else { throw .invalidDataField }
        case .ipVersionEnables:
            guard data[0] == 0 else { throw .invalidDataField } // IPv4 only
        default:
            break
        }
    }

    private func value(_ parameter: LANParameter, selector: UInt8 = 0) -> [UInt8]? {
        values[LANParameterKey(parameter, selector: selector)]
    }
}
