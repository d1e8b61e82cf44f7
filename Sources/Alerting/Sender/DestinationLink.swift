import IPMICore
import Logging

/// One destination as the sender thread sees it: its open session and the alert in
/// flight. Alerts to one destination go out in order, one at a time, like a BMC's.
final class DestinationLink {
    private(set) var session: SNMPSession?
    private var sessionKey: SessionKey?
    var delivery: AlertDelivery?
    /// The local address sessions send from (the switch's own); nil for any.
    let clientAddress: String?
    /// When the sender last had this destination's attention (its clock).
    var lastUsed: Double = 0

    init(clientAddress: String? = nil) {
        self.clientAddress = clientAddress
    }

    /// What a session depends on; a change reopens it.
    private struct SessionKey: Equatable {
        var destination: AlertDestination
        var community: String
    }

    /// Opens (or reuses) a session fit for `alert`.
    func session(for alert: PendingAlert, engineID: [UInt8]) throws -> SNMPSession {
        let key = SessionKey(destination: alert.destination, community: alert.destination.community ?? alert.channelCommunity)
        if let session, key == sessionKey { return session }
        session?.close()
        session = nil
        let opened = try SNMPSession(destination: key.destination, community: key.community,
                                     informTimeout: Double(max(1, key.destination.ackTimeout)), engineID: engineID,
                                     clientAddress: clientAddress) { [weak self] requestID, acknowledged in
            self?.received(requestID: requestID, acknowledged: acknowledged)
        }
        session = opened
        sessionKey = key
        return opened
    }

    private func received(requestID: Int32, acknowledged: Bool) {
        guard acknowledged, var delivery, delivery.requestIDs.contains(requestID) else { return }
        delivery.isAcknowledged = true
        self.delivery = delivery
    }

    func close() {
        session?.close()
        session = nil
        sessionKey = nil
    }
}
