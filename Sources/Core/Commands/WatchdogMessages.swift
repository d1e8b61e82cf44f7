import NIOCore

// Typed requests and responses of the BMC watchdog commands (IPMI 2.0 chapter 27).

/// Set Watchdog Timer (27.6): timer use, timer actions, pre-timeout interval, expiration
/// flags to clear, initial countdown (100 ms counts, least significant byte first).
public struct SetWatchdogTimerRequest: CommandRequest {
    public var settings: WatchdogSettings
    /// Bit 6 of timer use: a running timer keeps running (from the new countdown).
    public var dontStop: Bool
    /// Expiration flags to clear: bits 1 (BIOS FRB2) to 5 (OEM).
    public var clearedExpirationFlags: UInt8

    public init(from reader: inout RequestReader) throws(CompletionCode) {
        let timerUse = try reader.byte()
        let actions = try reader.byte()
        let preTimeoutInterval = try reader.byte()
        let clearing = try reader.byte()
        let countdown = try reader.uint16()
        try reader.end()
        guard let use = WatchdogTimerUse(rawValue: timerUse & 0x07),
              let action = WatchdogTimeoutAction(rawValue: actions & 0x07),
              let interrupt = WatchdogPreTimeoutInterrupt(rawValue: actions >> 4 & 0x07)
        else { throw .invalidDataField } // reserved timer use, action or interrupt
        // The pre-timeout interrupt must come before the expiry, not before the start.
        guard UInt32(preTimeoutInterval) * 10 <= UInt32(countdown) else { throw .invalidDataField }
        settings = WatchdogSettings(timerUse: use, dontLog: timerUse & 0x80 != 0, timeoutAction: action,
                                    preTimeoutInterrupt: interrupt, preTimeoutInterval: preTimeoutInterval,
                                    initialCountdown: countdown)
        dontStop = timerUse & 0x40 != 0
        clearedExpirationFlags = clearing & 0x3E
    }
}

/// Get Watchdog Timer (27.7).
public struct GetWatchdogTimerResponse: CommandResponse {
    /// nil before the first Set: every field reads 0.
    public var settings: WatchdogSettings?
    public var isRunning: Bool
    public var expirationFlags: UInt8
    public var presentCountdown: UInt16

    public func write(to buffer: inout ByteBuffer) {
        buffer.writeInteger((settings?.timerUseByte ?? 0) | (isRunning ? 0x40 : 0))
        buffer.writeInteger(settings?.timerActionsByte ?? 0)
        buffer.writeInteger(settings?.preTimeoutInterval ?? 0)
        buffer.writeInteger(expirationFlags)
        buffer.writeInteger(settings?.initialCountdown ?? 0, endianness: .little)
        buffer.writeInteger(presentCountdown, endianness: .little)
    }
}
