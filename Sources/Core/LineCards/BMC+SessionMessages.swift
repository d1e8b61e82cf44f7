import NIOCore

/// Packets a BMC sends into a session on its own, not as the answer to the datagram being
/// handled: a management module's request to a line card, and the bridged answer that follows
/// a Send Message response. They take the session's next outbound sequence number and its
/// protection, exactly as a response would.
extension BMC {
    /// Wraps a LAN message (request or response) for `session`; false if the session is gone.
    func wrapSessionMessage(_ message: ByteBuffer, in session: Session, into output: inout ByteBuffer) -> Bool {
        guard sessions.session(id: session.id) === session else { return false }
        switch session.kind {
        case .rmcpPlus(let protection, let consoleSessionID):
            Self.writeRMCPPlus(message.readableBytesView, session: session, protection: protection,
                               consoleSessionID: consoleSessionID, into: &output)
        case .legacy(let authType):
            guard let user = users[session.userID] else { return false }
            Self.writeLegacy(message, authType: authType, session: session, password: user.legacyPassword, into: &output)
        }
        return true
    }

    /// Sends a LAN message into `session`, to its console, from the BMC's socket
    /// (`sendDatagram`); false if it cannot go.
    @discardableResult
    func sendSessionMessage(_ message: ByteBuffer, in session: Session) -> Bool {
        guard let sendDatagram else { return false }
        var packet = ByteBuffer()
        guard wrapSessionMessage(message, in: session, into: &packet) else { return false }
        sendDatagram(packet, session.remote)
        return true
    }

    /// Runs `task` on the BMC's loop once the datagram being handled is answered, so what it
    /// sends follows that answer on the wire. Without a loop (unit tests) it runs now.
    func afterThisDatagram(_ task: @escaping (BMC) -> Void) {
        guard let timers else { return task(self) }
        let bound = UnsafeTransfer((self, task))
        timers.execute { bound.value.1(bound.value.0) }
    }
}
