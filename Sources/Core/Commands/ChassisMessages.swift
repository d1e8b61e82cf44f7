import NIOCore

// Typed requests and responses of the Chassis network function (netfn 0x00), in the order
// of IPMI 2.0 chapter 28.

public struct GetChassisCapabilitiesResponse: CommandResponse {
    public var capabilities: ChassisCapabilities

    public func write(to buffer: inout ByteBuffer) {
        buffer.writeInteger(capabilities.flags)
        buffer.writeInteger(capabilities.fruAddress)
        buffer.writeInteger(capabilities.sdrAddress)
        buffer.writeInteger(capabilities.selAddress)
        buffer.writeInteger(capabilities.systemManagementAddress)
        if let bridge = capabilities.bridgeAddress { buffer.writeInteger(bridge) }
    }
}

public struct GetChassisStatusResponse: CommandResponse {
    public var isPoweredOn: Bool
    public var restorePolicy: PowerRestorePolicy
    public var lastPowerEvent: UInt8
    public var identify: IdentifyState
    public var frontPanelDisables: UInt8

    public func write(to buffer: inout ByteBuffer) {
        buffer.writeInteger(restorePolicy.rawValue << 5 | (isPoweredOn ? 0x01 : 0))
        buffer.writeInteger(lastPowerEvent)
        // Bit 6: identify state is reported; bits 5..4 the state itself.
        buffer.writeInteger(0x40 | identify.statusBits << 4)
        // All four buttons may be disabled (bits 7..4), and which are (bits 3..0).
        buffer.writeInteger(0xF0 | frontPanelDisables)
    }
}

/// Chassis Control byte 1 bits 3..0.
public enum ChassisControlAction: UInt8, Sendable {
    case powerDown = 0, powerUp = 1, powerCycle = 2, hardReset = 3, diagnosticInterrupt = 4, softShutdown = 5

    /// The chassis control that carries out a power or reset action; nil for the others.
    public init?(_ action: PlatformAction) {
        switch action {
        case .powerOff: self = .powerDown
        case .powerOn: self = .powerUp
        case .powerCycle: self = .powerCycle
        case .hardReset: self = .hardReset
        case .diagnosticInterrupt: self = .diagnosticInterrupt
        case .softShutdown: self = .softShutdown
        case .identifyOn, .identifyOff, .setBootDevice: return nil
        }
    }

    public var platformAction: PlatformAction {
        switch self {
        case .powerDown: .powerOff
        case .powerUp: .powerOn
        case .powerCycle: .powerCycle
        case .hardReset: .hardReset
        case .diagnosticInterrupt: .diagnosticInterrupt
        case .softShutdown: .softShutdown
        }
    }
}

public struct ChassisControlRequest: CommandRequest {
    public var action: ChassisControlAction

    public init(from reader: inout RequestReader) throws(CompletionCode) {
        let byte = try reader.byte()
        try reader.end()
        guard byte & 0xF0 == 0, let action = ChassisControlAction(rawValue: byte) else { throw .invalidDataField }
        self.action = action
    }
}

public struct ChassisIdentifyRequest: CommandRequest {
    /// Seconds; 0 turns identify off. 15 s when the request gives none.
    public var interval: UInt8
    public var force: Bool

    public init(from reader: inout RequestReader) throws(CompletionCode) {
        interval = reader.remaining > 0 ? try reader.byte() : 15
        let forceByte: UInt8 = reader.remaining > 0 ? try reader.byte() : 0
        try reader.end()
        guard forceByte & 0xFE == 0 else { throw .invalidDataField }
        force = forceByte == 1
    }
}

public struct SetChassisCapabilitiesRequest: CommandRequest {
    public var capabilities: ChassisCapabilities

    public init(from reader: inout RequestReader) throws(CompletionCode) {
        capabilities = ChassisCapabilities()
        capabilities.flags = try reader.byte()
        capabilities.fruAddress = try reader.byte()
        capabilities.sdrAddress = try reader.byte()
        capabilities.selAddress = try reader.byte()
        capabilities.systemManagementAddress = try reader.byte()
        capabilities.bridgeAddress = reader.remaining > 0 ? try reader.byte() : nil
        try reader.end()
        guard capabilities.flags & 0xFC == 0 else { throw .invalidDataField }
    }
}

/// Set Power Restore Policy: a new policy, or nil (3) to ask which ones are supported.
public struct SetPowerRestorePolicyRequest: CommandRequest {
    public var policy: PowerRestorePolicy?

    public init(from reader: inout RequestReader) throws(CompletionCode) {
        let byte = try reader.byte()
        try reader.end()
        guard byte & 0xF8 == 0, byte <= 3 else { throw .invalidDataField }
        policy = PowerRestorePolicy(rawValue: byte)
    }
}

public struct SetPowerRestorePolicyResponse: CommandResponse {
    public func write(to buffer: inout ByteBuffer) {
        buffer.writeInteger(UInt8(0x07)) // always on, previous, always off: all supported
    }
}

public struct GetSystemRestartCauseResponse: CommandResponse {
    public var cause: RestartCause
    public var channel: UInt8

    public func write(to buffer: inout ByteBuffer) {
        buffer.writeInteger(cause.rawValue)
        buffer.writeInteger(channel)
    }
}

public struct SetSystemBootOptionsRequest: CommandRequest {
    public var parameter: UInt8
    /// Bit 7 of byte 1: mark the parameter invalid/locked.
    public var marksInvalid: Bool
    public var data: [UInt8]

    public init(from reader: inout RequestReader) throws(CompletionCode) {
        let byte = try reader.byte()
        parameter = byte & 0x7F
        marksInvalid = byte & 0x80 != 0
        data = try reader.bytes(reader.remaining)
    }
}

public struct GetSystemBootOptionsRequest: CommandRequest {
    public var parameter: UInt8
    public var setSelector: UInt8
    public var blockSelector: UInt8

    public init(from reader: inout RequestReader) throws(CompletionCode) {
        let byte = try reader.byte()
        setSelector = try reader.byte()
        blockSelector = try reader.byte()
        try reader.end()
        guard byte & 0x80 == 0 else { throw .invalidDataField }
        parameter = byte
    }
}

public struct GetSystemBootOptionsResponse: CommandResponse {
    public var parameter: UInt8
    public var isLocked: Bool
    public var data: [UInt8]

    public func write(to buffer: inout ByteBuffer) {
        buffer.writeInteger(UInt8(0x01)) // parameter version
        buffer.writeInteger(parameter | (isLocked ? 0x80 : 0))
        buffer.writeBytes(data)
    }
}

public struct SetFrontPanelEnablesRequest: CommandRequest {
    public var disables: UInt8

    public init(from reader: inout RequestReader) throws(CompletionCode) {
        disables = try reader.byte()
        try reader.end()
        guard disables & 0xF0 == 0 else { throw .invalidDataField }
    }
}

public struct SetPowerCycleIntervalRequest: CommandRequest {
    public var seconds: UInt8

    public init(from reader: inout RequestReader) throws(CompletionCode) {
        seconds = try reader.byte()
        try reader.end()
    }
}

public struct GetPOHCounterResponse: CommandResponse {
    public var minutes: UInt32

    public func write(to buffer: inout ByteBuffer) {
        buffer.writeInteger(UInt8(1)) // minutes per count
        buffer.writeInteger(minutes, endianness: .little)
    }
}
