/// Everything an alert sends besides its event, captured when the event happened: an alert
/// held back by PEF's startup delay or postpone timer, or waiting for its SEL entry to be
/// durable, still says when the event was and where the BMC was then, and the alert sender
/// never reads the BMC's state (which belongs to the BMC's event loop).
public struct AlertContext: Sendable, Equatable {
    /// The event's SEL timestamp (seconds since 1970, or since start before the clock is set).
    public var timestamp: UInt32
    /// The entity of the sensor the event came from; (0, 0) when it is not ours.
    public var entityID: UInt8
    public var entityInstance: UInt8
    /// The sensor the PET names when it is not the event's own: a line card's event on its
    /// management module names the MM's proxy of the sensor (owner 20h, the proxy's number),
    /// so an NMS decodes it with the MM's SDR. The SEL entry keeps the card's generator ID.
    public var sensorDevice: UInt8?
    public var sensorNumber: UInt8?
    /// LAN parameter 3: the SNMPv1 agent address.
    public var agentAddress: [UInt8]
    /// The GUID the PET carries: PEF parameter 10's when enabled, else the system GUID.
    public var guid: [UInt8]
    /// Get Device ID's manufacturer (IANA enterprise) and product IDs.
    public var manufacturerID: UInt32
    public var systemID: UInt16
    /// LAN parameter 16, for destinations without a community of their own.
    public var community: String
    /// The LAN channel's alert destinations that were set up, as they were.
    public var destinations: [AlertDestination]

    public init(timestamp: UInt32 = 0, entityID: UInt8 = 0, entityInstance: UInt8 = 0, agentAddress: [UInt8] = [0, 0, 0, 0],
                guid: [UInt8] = [UInt8](repeating: 0, count: 16), manufacturerID: UInt32 = 0, systemID: UInt16 = 0,
                community: String = "public", destinations: [AlertDestination] = []) {
        self.timestamp = timestamp
        self.entityID = entityID
        self.entityInstance = entityInstance
        self.agentAddress = agentAddress
        self.guid = guid
        self.manufacturerID = manufacturerID
        self.systemID = systemID
        self.community = community
        self.destinations = destinations
    }

    public func destination(selector: UInt8) -> AlertDestination? {
        destinations.first { $0.selector == selector }
    }
}
