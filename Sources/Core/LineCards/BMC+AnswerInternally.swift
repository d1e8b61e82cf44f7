import NIOCore

/// Requests that do not arrive in a LAN session: a line card runs the requests its management
/// module bridges to it, and any BMC runs a Send Message addressed to itself, through the same
/// command tables, privilege checks and durability rules as a client's request.
extension BMC {
    /// Runs a request through the dispatcher outside any session and calls `completion` with
    /// its completion code and response data, on the BMC's loop: before returning, or later for
    /// a command that waits (a platform hook) or one that changed the SEL (once that is on
    /// disk; 0xFF if it cannot be saved). The privilege is capped at administrator.
    /// Safe to call from inside a command handler: it uses a buffer of its own.
    public func answerInternally(netFn: NetFn, lun: UInt8 = 0, command: UInt8, data: [UInt8],
                                 privilege: PrivilegeLevel, requesterAddress: UInt8 = 0x20, requesterLUN: UInt8 = 0,
                                 now: NIODeadline = .now(),
                                 completion: @escaping (CompletionCode, [UInt8]) -> Void) {
        let request = IPMIRequest(responderAddress: configuration.ipmbAddress, netFn: netFn, responderLUN: lun & 0x03,
                                  requesterAddress: requesterAddress, requesterSequence: 0,
                                  requesterLUN: requesterLUN & 0x03, command: command, data: ByteBuffer(bytes: data))
        let context = RequestContext(privilege: min(privilege, .administrator), session: nil, remote: .unknown, now: now)
        let selChanges = sel.changeCount
        // A deferral left by an enclosing handler is not this request's: keep it aside.
        let enclosing = deferral
        deferral = nil
        var output = ByteBuffer()
        dispatcher.dispatch(request, context: context, bmc: self, to: &output)
        let waiting = deferral
        deferral = enclosing
        let deliver: (CompletionCode, [UInt8]) -> Void = { [unowned self] code, data in
            counters.requests.note(netFn: netFn.rawValue, command: command, completionCode: code.rawValue)
            guard sel.changeCount != selChanges, !sel.isDurable else { return completion(code, data) }
            sel.whenDurable { saved in saved ? completion(code, data) : completion(.unspecified, []) }
        }
        guard let waiting else {
            let (code, body) = Self.completionAndData(ofResponse: output)
            return deliver(code, body)
        }
        waiting.onAnswer = { body in
            var data = ByteBuffer()
            let code = body(&data)
            deliver(code, code == .ok ? Array(data.readableBytesView) : [])
        }
    }

    /// The completion code and data of a LAN response as `IPMIResponseWriter` wrote it.
    static func completionAndData(ofResponse message: ByteBuffer) -> (CompletionCode, [UInt8]) {
        // 6 header bytes, the completion code, the data, the checksum.
        guard message.readableBytes >= 8, let code = message.getInteger(at: message.readerIndex + 6, as: UInt8.self) else {
            return (.unspecified, [])
        }
        return (CompletionCode(code), message.getBytes(at: message.readerIndex + 7, length: message.readableBytes - 8) ?? [])
    }
}
