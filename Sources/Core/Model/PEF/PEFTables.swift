/// Everything a client can set through Set PEF Configuration Parameters that outlives a
/// restart: `pef.json` in the state directory. Seeded from the config on first start.
public struct PEFTables: Sendable, Equatable, Codable {
    public static let filterCount = 16
    public static let policyCount = 8
    /// Alert strings besides the volatile string 0.
    public static let alertStringCount = 4
    public static let alertStringBlocks = 4
    public static let blockSize = 16

    /// Parameter 1: bit 0 PEF, bit 1 event messages for PEF actions, bit 2 PEF startup delay,
    /// bit 3 alert startup delay.
    public var control: UInt8
    /// Parameter 2: the actions PEF may take (`PEFActions`).
    public var actionControl: UInt8
    /// Parameters 3 and 4, in seconds.
    public var startupDelay: UInt8
    public var alertStartupDelay: UInt8
    public var filters: [EventFilter]
    public var policies: [AlertPolicyEntry]
    /// Parameter 10: bit 0 "use this GUID in PETs", then 16 bytes.
    public var guidControl: UInt8
    public var guid: [UInt8]
    /// Parameter 12 by string selector 0...count: filter number, string set.
    public var stringKeys: [[UInt8]]
    /// Parameter 13 by string selector 0...count: up to `alertStringBlocks` x 16 bytes.
    public var strings: [[UInt8]]
    /// Set Last Processed Event ID for software (the BMC's own follows the SEL).
    public var lastSoftwareProcessedID: UInt16

    public init(configuration: PEFConfiguration) {
        control = (configuration.enabled ? 0x01 : 0) | 0x02 | (configuration.startupDelay > 0 ? 0x04 : 0)
            | (configuration.alertStartupDelay > 0 ? 0x08 : 0)
        actionControl = PEFActions.supported.rawValue
        startupDelay = configuration.startupDelay
        alertStartupDelay = configuration.alertStartupDelay
        let configured = PEFTables.defaultFilters + configuration.extraFilters
        filters = Array((configured + Array(repeating: .empty, count: PEFTables.filterCount)).prefix(PEFTables.filterCount))
        // Policy 1 alerts every destination set on channel 1 (1 to 4); PEF skips unset ones.
        let defaultPolicy = (1...4).map { AlertPolicyEntry(policyNumber: 1, channel: 1, destination: $0) }
        policies = defaultPolicy + Array(repeating: .empty, count: PEFTables.policyCount - defaultPolicy.count)
        guidControl = 0
        guid = [UInt8](repeating: 0, count: 16)
        stringKeys = Array(repeating: [0, 0], count: PEFTables.alertStringCount + 1)
        strings = Array(repeating: [], count: PEFTables.alertStringCount + 1)
        lastSoftwareProcessedID = 0xFFFF
    }

    /// Out of the box: every critical and non-recoverable threshold crossing (upper and lower,
    /// going high or low), a power supply failure, a fan that fails or goes missing, and a
    /// watchdog expiry alert through policy 1. Marked pre-configured; clients may still change them.
    public static let defaultFilters: [EventFilter] = [
        EventFilter(preconfigured: true, actions: .alert, severity: .critical, eventTrigger: 0x01,
                    offsetMask: 1 << 2 | 1 << 3 | 1 << 8 | 1 << 9),
        EventFilter(preconfigured: true, actions: .alert, severity: .nonRecoverable, eventTrigger: 0x01,
                    offsetMask: 1 << 4 | 1 << 5 | 1 << 10 | 1 << 11),
        // Power supply, sensor-specific offset 1: failure detected.
        EventFilter(preconfigured: true, actions: .alert, severity: .critical, sensorType: 0x08, eventTrigger: 0x6F,
                    offsetMask: 1 << 1),
        // Fan, device present/absent (0x08) offset 0: removed or absent.
        EventFilter(preconfigured: true, actions: .alert, severity: .critical, sensorType: 0x04, eventTrigger: 0x08,
                    offsetMask: 1 << 0),
        // Fan, generic severity (0x07): to critical, to non-recoverable, non-recoverable.
        EventFilter(preconfigured: true, actions: .alert, severity: .critical, sensorType: 0x04, eventTrigger: 0x07,
                    offsetMask: 1 << 2 | 1 << 3 | 1 << 6),
        // Watchdog 2, sensor-specific: the BMC watchdog expired (offsets 0 to 3: no action,
        // hard reset, power down, power cycle); not its pre-timeout interrupt.
        EventFilter(preconfigured: true, actions: .alert, severity: .critical, sensorType: WatchdogSensor.sensorType,
                    eventTrigger: WatchdogSensor.eventReadingType, offsetMask: 0x000F),
    ]

    public var isEnabled: Bool { control & 0x01 != 0 }
    public var startupDelayEnabled: Bool { control & 0x04 != 0 }
    public var alertStartupDelayEnabled: Bool { control & 0x08 != 0 }
    public var allowedActions: PEFActions { PEFActions(rawValue: actionControl) }

    /// The alert string for a selector, up to its first NUL.
    public func alertString(_ selector: UInt8) -> [UInt8]? {
        guard strings.indices.contains(Int(selector)) else { return nil }
        let bytes = strings[Int(selector)].prefix { $0 != 0 }
        return bytes.isEmpty ? nil : Array(bytes)
    }

    /// The string selector keyed to a filter and string set (event-specific alert strings).
    public func stringSelector(filter: Int, set: UInt8) -> UInt8? {
        stringKeys.indices.first { stringKeys[$0] == [UInt8(filter) & 0x7F, set & 0x7F] }.map(UInt8.init)
    }
}

extension PEFTables {
    /// Saved tables made to fit this build's table sizes (a file from another version may be
    /// shorter or longer), with the volatile alert string 0 cleared as at every start.
    func fitted() -> PEFTables {
        var tables = self
        func fit<T>(_ array: [T], _ count: Int, _ filler: T) -> [T] {
            Array((array + Array(repeating: filler, count: max(0, count - array.count))).prefix(count))
        }
        tables.filters = fit(filters, PEFTables.filterCount, .empty)
        tables.policies = fit(policies, PEFTables.policyCount, .empty)
        tables.stringKeys = fit(stringKeys, PEFTables.alertStringCount + 1, [0, 0])
        tables.strings = fit(strings, PEFTables.alertStringCount + 1, [])
        tables.stringKeys[0] = [0, 0]
        tables.strings[0] = []
        if tables.guid.count != 16 { tables.guid = [UInt8](repeating: 0, count: 16) }
        return tables
    }
}
