import NIOCore

/// Send Message (App 34h) over LAN, as ipmitool (`-t ADDR -b 0`) and freeipmi
/// (`--target-slave-address`) bridge: an IPMB request to a controller on channel 0. Addressed
/// to this BMC it runs here; addressed to a management module's line card it goes over the
/// card's link. The answer takes the shape both clients accept (bridging.md, "shape A"): the
/// Send Message response, 8 bytes with no data, then the bridged answer as a message of its
/// own in the same session.
extension AppCommands {
    static let sendMessageCommand = CommandSpec(0x34, "Send Message", .user, deferring: sendMessage)

    static func sendMessage(_ bmc: BMC, _ request: SendMessageRequest, _ context: RequestContext,
                            _ reply: Reply<EmptyResponse>) throws(CompletionCode) {
        // Tracking (01b) is how a LAN client gets the answer; channel 0 is the IPMB.
        guard request.tracking == 1, request.channel == 0 else { throw .invalidDataField }
        // The bridged answer goes into the session the request came in.
        guard let session = context.session else { throw .notSupportedInPresentState }
        let target = request.message
        let answer: (CompletionCode, [UInt8]) -> Void = { [unowned bmc] code, data in
            // After the datagram in hand is answered: the Send Message response goes first.
            bmc.afterThisDatagram { bmc in
                reply(.success(EmptyResponse()))
                bmc.sendBridgedAnswer(to: target, code: code, data: data, in: session,
                                      requesterAddress: context.requesterAddress,
                                      retransmission: InFlightRequest(sessionID: session.id, remote: context.remote,
                                                                      netFn: NetFn.app.rawValue, command: 0x34,
                                                                      data: ByteBuffer(bytes: request.bytes)))
            }
        }
        if target.responderAddress == bmc.configuration.ipmbAddress {
            bmc.answerInternally(netFn: target.netFn, lun: target.responderLUN, command: target.command,
                                 data: Array(target.data.readableBytesView), privilege: context.privilege,
                                 requesterAddress: target.requesterAddress, requesterLUN: target.requesterLUN,
                                 now: context.now, completion: answer)
            return
        }
        // Absent, or its link is down: "destination unavailable" as ipmi_sim says it.
        guard let link = bmc.lineCards?.link(ipmbAddress: target.responderAddress), link.isUp else {
            throw SendMessageRequest.targetUnavailable
        }
        let forwarded = LinkBridgedRequest(privilege: context.privilege, netFn: target.netFn, lun: target.responderLUN,
                                           command: target.command, data: Array(target.data.readableBytesView))
        bmc.bridge(forwarded, to: link) { outcome in
            switch outcome {
            case .answered(let code, let data): answer(code, data)
            case .failed(let code): reply(.failure(code))
            }
        }
    }
}

extension BMC {
    /// How long the bridged answer is kept for a client that retransmits its Send Message.
    static let bridgedAnswerLifetime = BMC.recentAnswerLifetime

    /// The bridged answer, as the client's own request would have been answered: to its rqSA
    /// with the target's netFn, the request's rqSeq and command, the target's completion code
    /// and data. Kept a few seconds, so a retransmitted Send Message gets it again.
    func sendBridgedAnswer(to target: IPMIRequest, code: CompletionCode, data: [UInt8], in session: Session,
                           requesterAddress: UInt8, retransmission key: InFlightRequest) {
        var header = target
        header.requesterAddress = requesterAddress
        header.data = ByteBuffer()
        var message = ByteBuffer()
        IPMIResponseWriter.write(respondingTo: header, to: &message) { body in
            body.writeBytes(data)
            return code
        }
        guard sendSessionMessage(message, in: session) else { return }
        if bridgedAnswers.count < BMC.maximumDeferrals {
            bridgedAnswers[key] = message
            _ = onLoop(after: BMC.bridgedAnswerLifetime) { bmc in bmc.bridgedAnswers[key] = nil }
        }
    }

    /// A Send Message retransmitted after its answer went out: its bridged answer goes again,
    /// after the repeated Send Message response (the client may have missed either).
    func resendBridgedAnswer(for key: InFlightRequest) {
        guard let message = bridgedAnswers[key], let session = sessions.session(id: key.sessionID) else { return }
        afterThisDatagram { bmc in bmc.sendSessionMessage(message, in: session) }
    }
}

/// Send Message's request: the channel byte, then an IPMB request (rsSA, netFn/rsLUN, cs1,
/// rqSA, rqSeq/rqLUN, cmd, data, cs2) whose checksums must hold.
public struct SendMessageRequest: CommandRequest {
    /// IPMI 2.0 table 22-10, completion code 83h: NAK on write (the target is not there).
    public static let targetUnavailable = CompletionCode(0x83)

    public var channel: UInt8
    /// Bits 7:6 of the channel byte: 00b no tracking, 01b track request, 10b send raw.
    public var tracking: UInt8
    /// The bridged request; its responder is the target.
    public var message: IPMIRequest
    /// The whole request data, as a retransmission repeats it.
    public var bytes: [UInt8]

    public init(from reader: inout RequestReader) throws(CompletionCode) {
        bytes = try reader.bytes(reader.remaining)
        guard bytes.count >= 8 else { throw .requestDataLengthInvalid }
        channel = bytes[0] & 0x0F
        tracking = bytes[0] >> 6
        do {
            message = try IPMIRequest.parse(ByteBuffer(bytes: bytes[1...]))
        } catch {
            throw .invalidDataField // a bad checksum
        }
    }
}
