// What PEF hands to other parts of the daemon through `PEFEngine`'s hooks.

/// A power action an event filter asked for; the chassis work carries it out.
/// Ordered by the spec's priority (IPMI 2.0 section 17.6): only the highest one is taken.
public enum PEFPowerAction: UInt8, Sendable, Comparable, CaseIterable {
    case diagnosticInterrupt = 1, reset = 2, powerCycle = 3, powerOff = 4

    public static func < (lhs: PEFPowerAction, rhs: PEFPowerAction) -> Bool { lhs.rawValue < rhs.rawValue }

    var action: PEFActions {
        switch self {
        case .diagnosticInterrupt: .diagnosticInterrupt
        case .reset: .reset
        case .powerCycle: .powerCycle
        case .powerOff: .powerOff
        }
    }
}

/// A PET Acknowledge (netfn 0x04, cmd 0x17): the receiver names the trap it got, so the
/// alert sender can stop retrying it. Multi-byte fields as received (LS byte first).
public struct PETAcknowledgement: Sendable, Equatable {
    public var sequenceNumber: UInt16
    /// The PET's local timestamp, raw (seconds since 1998-01-01, as the trap carried it).
    public var timestamp: UInt32
    public var eventSourceType: UInt8
    public var sensorDevice: UInt8
    public var sensorNumber: UInt8
    public var eventData: [UInt8]

    public init(sequenceNumber: UInt16, timestamp: UInt32, eventSourceType: UInt8, sensorDevice: UInt8,
                sensorNumber: UInt8, eventData: [UInt8]) {
        self.sequenceNumber = sequenceNumber
        self.timestamp = timestamp
        self.eventSourceType = eventSourceType
        self.sensorDevice = sensorDevice
        self.sensorNumber = sensorNumber
        self.eventData = eventData
    }
}

/// An Alert Immediate request (netfn 0x04, cmd 0x16) to initiate an alert now.
public struct AlertImmediateRequest: Sendable, Equatable {
    public var channel: UInt8
    public var destinationSelector: UInt8
    /// The alert string selector when bit 7 of the request's string byte is set.
    public var alertStringSelector: UInt8?
    /// The event to send, when the request carried one; else the sender uses a "no event" PET.
    public var event: PlatformEvent?

    public init(channel: UInt8, destinationSelector: UInt8, alertStringSelector: UInt8?, event: PlatformEvent?) {
        self.channel = channel
        self.destinationSelector = destinationSelector
        self.alertStringSelector = alertStringSelector
        self.event = event
    }
}
