import NIOCore

extension BMC {
    /// Counts the RMCP+ setups about to expire that got as far as our RAKP 2 and were never
    /// answered: a console whose password does not match our RAKP 2 code gives up silently
    /// (ipmitool does), so this is how a wrong password shows on the BMC's side.
    func countAbandonedHandshakes(now: NIODeadline) {
        for handshake in sessions.handshakes.values
        where handshake.exchange != nil && now - handshake.created > sessions.setupTimeout {
            counters.noteAuthenticationFailure(user: handshake.userID)
        }
    }
}
