import NIOCore

/// Requests a management module bridged to its line cards (`LinkBridgedRequest`), each
/// waiting for the card's answer in the card's session, matched by session and rqSeq.
struct BridgeTracker {
    /// In all, across the line cards; beyond it Send Message answers 0xC0 (node busy).
    static let maximumPending = 32
    /// A card silent this long: Send Message answers 0x83, as for an absent target.
    static let timeout = TimeAmount.milliseconds(800)

    struct Key: Hashable {
        var sessionID: UInt32
        var sequence: UInt8
    }

    enum Outcome {
        /// The card's completion code and data.
        case answered(CompletionCode, [UInt8])
        /// Not sent (0x83: the card is not there; 0xC0: too many waiting), or no answer (0x83).
        case failed(CompletionCode)
    }

    typealias Completion = (Outcome) -> Void

    final class Pending {
        let completion: Completion
        var timer: Scheduled<Void>?
        init(completion: @escaping Completion) { self.completion = completion }
    }

    var pending: [Key: Pending] = [:]
    private var lastSequence: UInt8 = 0

    /// A 6-bit rqSeq no request in that session waits on.
    mutating func freeSequence(sessionID: UInt32) -> UInt8? {
        guard pending.count < Self.maximumPending else { return nil }
        for _ in 0..<64 {
            lastSequence = (lastSequence + 1) & 0x3F
            if pending[Key(sessionID: sessionID, sequence: lastSequence)] == nil { return lastSequence }
        }
        return nil
    }

    /// Takes the request an answer is for, if one waits.
    mutating func take(_ key: Key) -> Pending? {
        guard let waiting = pending.removeValue(forKey: key) else { return nil }
        waiting.timer?.cancel()
        return waiting
    }
}

extension BMC {
    /// Sends a request to the line card of `link` in its session and calls `completion` with
    /// its answer, or with a failure when it cannot be sent or gets no answer within 800 ms.
    func bridge(_ request: LinkBridgedRequest, to link: SlotLink, completion: @escaping BridgeTracker.Completion) {
        guard let lineCards, let session = link.session, sessions.session(id: session.id) === session else {
            return completion(.failed(SendMessageRequest.targetUnavailable))
        }
        guard let sequence = lineCards.bridges.freeSequence(sessionID: session.id) else {
            return completion(.failed(.nodeBusy))
        }
        var message = ByteBuffer()
        IPMIRequest(responderAddress: SlotAddress.ipmbAddress(slot: link.slot), netFn: ChassisLink.netFn,
                    requesterAddress: configuration.ipmbAddress, requesterSequence: sequence,
                    command: ChassisLink.Command.bridgedRequest.rawValue, data: ByteBuffer(bytes: request.linkData))
            .write(to: &message)
        // Waiting before it is sent: whatever answers it finds it.
        let key = BridgeTracker.Key(sessionID: session.id, sequence: sequence)
        let waiting = BridgeTracker.Pending(completion: completion)
        lineCards.bridges.pending[key] = waiting
        guard sendSessionMessage(message, in: session) else {
            lineCards.bridges.take(key)?.completion(.failed(SendMessageRequest.targetUnavailable))
            return
        }
        waiting.timer = onLoop(after: BridgeTracker.timeout) { bmc in
            bmc.lineCards?.bridges.take(key)?.completion(.failed(SendMessageRequest.targetUnavailable))
        }
    }

    /// A line card's answer to a bridged request: true if a request waited for it.
    func completeBridge(_ response: IPMIResponse, in session: Session) -> Bool {
        guard let lineCards, response.netFn == ChassisLink.netFn.responseCode,
              response.command == ChassisLink.Command.bridgedRequest.rawValue,
              let waiting = lineCards.bridges.take(BridgeTracker.Key(sessionID: session.id, sequence: response.requesterSequence))
        else { return false }
        if response.completionCode != .ok {
            waiting.completion(.answered(response.completionCode, []))
        } else if let answer = LinkBridgedResponse.parse(response.data) {
            waiting.completion(.answered(CompletionCode(answer.completionCode), answer.data))
        } else {
            waiting.completion(.answered(.unspecified, []))
        }
        return true
    }
}
