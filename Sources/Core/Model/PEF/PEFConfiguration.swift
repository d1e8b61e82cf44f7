/// Platform Event Filtering settings from the config file. Placeholder: the PEF work fills it in.
public struct PEFConfiguration: Sendable, Equatable {
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
    public init(event: PlatformEvent, recordID: UInt16?, destinationSelector: UInt8, severity: UInt8, alertStringKey: UInt8 = 0) {
        self.event = event
        self.recordID = recordID
        self.destinationSelector = destinationSelector
        self.severity = severity
        self.alertStringKey = alertStringKey
    }
}

/// The PEF engine and its persisted tables. Placeholder.
public final class PEFEngine {
    public init(configuration: PEFConfiguration, store: StateStore) throws {}

    /// Runs an event through the event filter table and alert policies.
    public func evaluate(_ event: PlatformEvent, recordID: UInt16?) -> [AlertRequest] { [] }
}
