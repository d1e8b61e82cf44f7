/// The alert a destination is working on: sent, and for an acknowledged destination
/// waiting for its acknowledgement or its next retransmission.
struct AlertDelivery {
    var alert: PendingAlert
    /// Sends so far, the first included.
    var attempts = 0
    /// When to retransmit (or give up), in monotonic seconds.
    var due = 0.0
    /// Request IDs of the INFORMs sent for it: a response to any of them acknowledges it.
    var requestIDs: Set<Int32> = []
    var isAcknowledged = false

    var sequenceNumber: UInt16 { alert.trap.sequenceNumber }
    /// Sends allowed in all: the first plus the destination's retries.
    var maximumAttempts: Int { 1 + Int(alert.destination.retries & 0x07) }
    /// Seconds between sends; 0 would spin, so at least one.
    var interval: Double { Double(max(1, alert.destination.ackTimeout)) }
}
