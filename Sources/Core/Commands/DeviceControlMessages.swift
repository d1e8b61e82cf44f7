import NIOCore

// Typed requests and responses of the App commands that act on the BMC itself or record the
// system's state (IPMI 2.0 chapter 20): Set/Get ACPI Power State.

/// Set ACPI Power State (20.6): each byte's bit 7 says whether to set that state.
public struct SetACPIPowerStateRequest: CommandRequest {
    /// The new system power state, or nil to leave it.
    public var system: UInt8?
    /// The new device power state, or nil to leave it.
    public var device: UInt8?

    public init(from reader: inout RequestReader) throws(CompletionCode) {
        let systemByte = try reader.byte()
        let deviceByte = try reader.byte()
        try reader.end()
        system = systemByte & 0x80 != 0 ? systemByte & 0x7F : nil
        device = deviceByte & 0x80 != 0 ? deviceByte & 0x7F : nil
        if let system, !ACPIPowerState.isValidSystemState(system) { throw .invalidDataField }
        if let device, !ACPIPowerState.isValidDeviceState(device) { throw .invalidDataField }
    }
}

/// Get ACPI Power State (20.7).
public struct GetACPIPowerStateResponse: CommandResponse {
    public var state: ACPIPowerState

    public func write(to buffer: inout ByteBuffer) {
        buffer.writeInteger(state.system & 0x7F)
        buffer.writeInteger(state.device & 0x7F)
    }
}
