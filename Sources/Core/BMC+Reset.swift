import Logging

/// Cold and Warm Reset of the BMC (IPMI 2.0 sections 20.2, 20.3).
extension BMC {
    /// Cold Reset: the daemon re-executes itself (`onColdReset`, wired by the daemon), which
    /// drains the SEL and closes its sockets first. Persistent state survives, as it survives
    /// a restart; everything volatile (sessions, the watchdog, volatile channel access) starts
    /// over. The reset runs on the loop after this turn, so the answer goes out first.
    func coldReset(requestedBy context: RequestContext) throws(CompletionCode) {
        guard let onColdReset, let timers else { throw .notSupportedInPresentState }
        logger.notice("cold reset requested: re-executing the daemon", metadata: requesterMetadata(context))
        timers.execute(onColdReset)
    }

    /// Warm Reset: resets the BMC's volatile state without restarting it. Cleared: every
    /// session but the one that asked (so it gets its answer and can close itself), pending
    /// session setups, the volatile channel access (back to the non-volatile settings), the
    /// watchdog (stopped, its pre-timeout message flag cleared), and the SEL and SDR
    /// reservations. Kept: everything persistent, sensor scanning and event state, PEF and
    /// alerting, the ACPI power state (the system's, not the BMC's). Done before the answer,
    /// which it does not change.
    func warmReset(requestedBy context: RequestContext) {
        let closed = sessions.active.keys.filter { $0 != context.session?.id }
        for id in closed { sessions.close(id: id) }
        sessions.challenges.removeAll()
        sessions.handshakes.removeAll()
        channelAccess.volatile = channelAccess.nonVolatile
        stopWatchdog()
        watchdog.preTimeoutInterruptFlag = false
        // A new reservation cancels the one a client holds.
        _ = sel.reserve()
        _ = sdr.reserve()
        var metadata = requesterMetadata(context)
        metadata["sessions_closed"] = "\(closed.count)"
        logger.notice("warm reset: volatile state cleared", metadata: metadata)
    }

    /// Who sent a request, for log lines about what it did to the BMC.
    func requesterMetadata(_ context: RequestContext) -> Logger.Metadata {
        var metadata: Logger.Metadata = ["remote": "\(context.remote)"]
        if let session = context.session { metadata["user"] = "\(session.userID)" }
        return metadata
    }
}
