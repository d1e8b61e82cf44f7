import NIOCore

/// Responses that arrive inside a session: a line card answering its management module's
/// bridged request. They are matched to the request waiting for them, never dispatched.
extension BMC {
    /// Whether a LAN message is a response: its netFn (bits 7:2 of byte 1) is odd.
    static func isResponse(_ message: ByteBuffer) -> Bool {
        guard let netFnLUN = message.getInteger(at: message.readerIndex + 1, as: UInt8.self) else { return false }
        return netFnLUN & 0x04 != 0
    }

    /// Hands a response to whoever waits for it in this session; one nobody waits for (late,
    /// duplicated, or from a console that is no line card) is dropped. Never answered.
    func takeSessionResponse(_ message: ByteBuffer, in session: Session, now: NIODeadline) -> Bool {
        guard let response = try? IPMIResponse.parse(message) else {
            drop("malformed response", "in session \(session.handle)", from: session.remote, now: now)
            return false
        }
        if !completeBridge(response, in: session) {
            drop("unexpected response", "netfn 0x\(String(response.netFn, radix: 16)) cmd 0x\(String(response.command, radix: 16)) in session \(session.handle)",
                 from: session.remote, now: now)
        }
        return false
    }
}
