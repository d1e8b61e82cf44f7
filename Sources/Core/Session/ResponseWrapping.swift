import NIOCore

/// How the session path wraps a LAN response for the console: what it knew when the request
/// arrived, kept so that an answer given later (`Reply`) goes out exactly as an immediate one
/// would, with the session's integrity, encryption and next sequence number.
enum ResponseWrapping {
    case sessionless15
    case session15(Session, AuthenticationType, password: [UInt8])
    case sessionless20
    case session20(Session, PacketProtection, consoleSessionID: UInt32)

    var session: Session? {
        switch self {
        case .sessionless15, .sessionless20: nil
        case .session15(let session, _, _), .session20(let session, _, _): session
        }
    }
}

/// A deferred request as a retransmission of it looks: the same console, session, command
/// and data. Not the rqSeq: freeipmi retransmits with a new one (ipmitool with the same).
struct InFlightRequest: Hashable {
    var sessionID: UInt32
    var remote: RemoteConsole
    var netFn: UInt8
    var command: UInt8
    var data: ByteBuffer
}

/// A deferred request still waiting: answered with the rqSeq of its latest retransmission,
/// the one the console now waits for.
final class InFlightAnswer {
    var requesterSequence: UInt8
    init(requesterSequence: UInt8) { self.requesterSequence = requesterSequence }
}

/// The answer of a deferred request, kept a few seconds for retransmissions that crossed it.
struct RecentAnswer {
    var code: CompletionCode
    var data: [UInt8]
}

extension BMC {
    /// Bounds on requests waiting for a hook: per session, and in all.
    static let maximumDeferralsPerSession = 4
    static let maximumDeferrals = 32
    /// How long the answer to a deferred request is kept for retransmissions of it.
    static let recentAnswerLifetime = TimeAmount.seconds(5)

    /// Runs a request and wraps its answer into `output`; or, when the handler answers later,
    /// leaves a `PendingAnswer` for `handleDatagram`. False: nothing to send.
    func respond(to request: IPMIRequest, context: RequestContext, wrapping: ResponseWrapping,
                 into output: inout ByteBuffer) -> Bool {
        // Ordinary requests pay for two empty-collection checks, nothing more.
        if !inFlight.isEmpty || !recentAnswers.isEmpty {
            let key = InFlightRequest(sessionID: context.session?.id ?? 0, remote: context.remote,
                                      netFn: request.netFn.rawValue, command: request.command, data: request.data)
            if let waiting = inFlight[key] {
                // Not run twice: the answer, when it comes, carries this retransmission's rqSeq.
                waiting.requesterSequence = request.requesterSequence
                drop("retransmission of a request in flight", "netfn 0x\(String(key.netFn, radix: 16)) cmd 0x\(String(key.command, radix: 16))",
                     from: context.remote, now: context.now)
                return false
            }
            if let recent = recentAnswers[key] {
                scratch.clear()
                IPMIResponseWriter.write(respondingTo: request, to: &scratch) { body in
                    body.writeBytes(recent.data)
                    return recent.code
                }
                wrap(wrapping, into: &output)
                if !bridgedAnswers.isEmpty { resendBridgedAnswer(for: key) }
                return true
            }
        }
        respond(to: request, context: context)
        guard let deferral else {
            wrap(wrapping, into: &output)
            return true
        }
        self.deferral = nil
        // The key keeps its own copy of the data, not a slice of the datagram.
        let key = InFlightRequest(sessionID: context.session?.id ?? 0, remote: context.remote,
                                  netFn: request.netFn.rawValue, command: request.command,
                                  data: ByteBuffer(bytes: request.data.readableBytesView))
        let waiting = InFlightAnswer(requesterSequence: request.requesterSequence)
        inFlight[key] = waiting
        let answer = PendingAnswer()
        var header = request
        header.data = ByteBuffer()
        deferral.onAnswer = { [unowned self] body in
            inFlight[key] = nil
            // A session closed meanwhile gets no answer.
            if let session = wrapping.session, sessions.session(id: session.id) !== session {
                answer.abandon()
                return
            }
            header.requesterSequence = waiting.requesterSequence
            var data = ByteBuffer()
            let code = body(&data)
            if recentAnswers.count < BMC.maximumDeferrals {
                recentAnswers[key] = RecentAnswer(code: code, data: Array(data.readableBytesView))
                _ = onLoop(after: BMC.recentAnswerLifetime) { bmc in bmc.recentAnswers[key] = nil }
            }
            scratch.clear()
            IPMIResponseWriter.write(respondingTo: header, to: &scratch) { body in
                body.writeImmutableBuffer(data)
                return code
            }
            var packet = ByteBuffer()
            wrap(wrapping, into: &packet)
            answer.deliver(packet)
        }
        pendingAnswer = answer
        return true
    }

    /// Refuses a deferring command (0xC0, node busy) when its console has too many waiting.
    func checkDeferralCapacity(session: Session?) throws(CompletionCode) {
        guard inFlight.count < BMC.maximumDeferrals else { throw .nodeBusy }
        let id = session?.id ?? 0
        guard inFlight.keys.lazy.filter({ $0.sessionID == id }).count < BMC.maximumDeferralsPerSession else { throw .nodeBusy }
    }

    /// Wraps the LAN response in `scratch` for the console.
    func wrap(_ wrapping: ResponseWrapping, into output: inout ByteBuffer) {
        switch wrapping {
        case .sessionless15:
            IPMI15Packet.write(authType: .none, sequence: 0, sessionID: 0, authCode: nil, message: scratch, to: &output)
        case .session15(let session, let authType, let password):
            writeLegacy(authType: authType, session: session, password: password, into: &output)
        case .sessionless20:
            var writer = RMCPPlusPacketWriter(buffer: &output, payloadType: .ipmi, encrypted: false, authenticated: false,
                                              sessionID: 0, sequence: 0)
            output.writeBuffer(&scratch)
            _ = writer.endPayload(buffer: &output)
        case .session20(let session, let protection, let consoleSessionID):
            Self.writeRMCPPlus(scratch.readableBytesView, session: session, protection: protection,
                               consoleSessionID: consoleSessionID, into: &output)
        }
        if let session = wrapping.session, session.isClosing { sessions.close(id: session.id) }
    }

    /// Wraps the LAN response in `scratch` for a 1.5 session, with the next outbound sequence number.
    func writeLegacy(authType: AuthenticationType, session: Session, password: [UInt8], into output: inout ByteBuffer) {
        Self.writeLegacy(scratch, authType: authType, session: session, password: password, into: &output)
    }

    /// Wraps a LAN message for a 1.5 session, with the session's next outbound sequence number.
    static func writeLegacy(_ message: ByteBuffer, authType: AuthenticationType, session: Session, password: [UInt8],
                            into output: inout ByteBuffer) {
        let sequence = session.nextOutboundSequence()
        let code = LegacyAuthCode.compute(authType, password: password, sessionID: session.id, sequence: sequence,
                                          message: message.readableBytesView)
        IPMI15Packet.write(authType: authType, sequence: sequence, sessionID: session.id, authCode: code,
                           message: message, to: &output)
    }

    /// Wraps a LAN message for an RMCP+ session: its next outbound sequence number, encrypted
    /// and signed as the session was negotiated.
    static func writeRMCPPlus(_ message: ByteBufferView, session: Session, protection: PacketProtection,
                              consoleSessionID: UInt32, into output: inout ByteBuffer) {
        let sequence = session.nextOutboundSequence()
        var writer = RMCPPlusPacketWriter(
            buffer: &output, payloadType: .ipmi, encrypted: protection.isEncrypted,
            authenticated: protection.isAuthenticated, sessionID: consoleSessionID, sequence: sequence)
        protection.appendEncrypted(message, sequence: sequence, to: &output)
        let signed = writer.endPayload(buffer: &output)
        if protection.isAuthenticated {
            let code = output.withUnsafeReadableBytes { bytes in
                protection.authCode(over: UnsafeRawBufferPointer(rebasing: bytes[(signed.lowerBound - output.readerIndex)..<(signed.upperBound - output.readerIndex)]))
            }
            code.write(to: &output)
        }
    }
}
