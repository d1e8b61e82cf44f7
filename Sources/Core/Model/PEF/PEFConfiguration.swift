/// Platform Event Filtering settings from the config file (`pef:`). They seed the persisted
/// tables on first start; after that `pef.json` is authoritative, as with users.
public struct PEFConfiguration: Sendable, Equatable {
    /// PEF control bit 0.
    public var enabled = true
    /// Seconds PEF waits after start before acting (parameter 3; 0 = no delay).
    public var startupDelay: UInt8 = 0
    /// Seconds alerts wait after start (parameter 4; 0 = no delay).
    public var alertStartupDelay: UInt8 = 0
    /// Filters after the default set, in table order.
    public var extraFilters: [EventFilter] = []
    public init() {}
}

/// What PEF decided for one event: an alert to send (policy-resolved), and any power action.
public struct AlertRequest: Sendable, Equatable {
    public var event: PlatformEvent
    public var recordID: UInt16?
    /// The destination selector on the LAN channel.
    public var destinationSelector: UInt8
    /// PEF severity of the matching filter (PET severity byte).
    public var severity: UInt8
    public var alertStringKey: UInt8
    /// The channel of the destination (1, the LAN channel, for the default policy).
    public var channel: UInt8
    /// The alert policy set the alert came from.
    public var policyNumber: UInt8
    /// The alert string the policy names, if it has one.
    public var alertString: [UInt8]?
    /// What the alert sends besides the event, taken at the event.
    public var context: AlertContext
    public init(event: PlatformEvent, recordID: UInt16?, destinationSelector: UInt8, severity: UInt8, alertStringKey: UInt8 = 0,
                channel: UInt8 = 1, policyNumber: UInt8 = 1, alertString: [UInt8]? = nil, context: AlertContext = AlertContext()) {
        self.event = event
        self.recordID = recordID
        self.destinationSelector = destinationSelector
        self.severity = severity
        self.alertStringKey = alertStringKey
        self.channel = channel
        self.policyNumber = policyNumber
        self.alertString = alertString
        self.context = context
    }
}
