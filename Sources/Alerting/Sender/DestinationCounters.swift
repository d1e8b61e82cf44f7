/// What happened to the alerts for one destination since the sender started.
public struct DestinationCounters: Sendable, Equatable, Codable {
    /// Alerts put on the wire (each once, however often it was retransmitted).
    public var sent = 0
    /// Acknowledged alerts: by an INFORM response or a PET Acknowledge.
    public var acknowledged = 0
    /// Retransmissions of acknowledged alerts.
    public var retried = 0
    /// Alerts given up on: retries ran out, the send failed, or the queue was full.
    public var failed = 0
    /// Of the failed, those dropped because the destination's queue was full.
    public var dropped = 0
    /// PET Acknowledges refused: from another address than the destination's, or naming
    /// no trap it was sent (a wrong timestamp, sensor or event data).
    public var badAcknowledgements = 0

    public init() {}
}
