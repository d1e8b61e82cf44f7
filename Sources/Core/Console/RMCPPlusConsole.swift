import NIOCore

/// The remote-console side of an RMCP+ session, without I/O: it builds the datagrams to
/// send and checks the ones that come back. The tests and the benchmark drive the BMC with
/// it; a line card keeps its session to its management module with it, and answers the
/// requests the management module sends in that session (`receive`, `respond`).
public struct RMCPPlusConsole {
    public enum ConsoleError: Error, Equatable {
        case malformed
        case refused(RMCPPlusStatus)
        case badKeyExchangeCode
        case badIntegrityCheckValue
        case badAuthCode
        case notEstablished
        /// An inbound session sequence number seen before, or outside the window.
        case replayed
    }

    public let suite: CipherSuite
    public let userName: [UInt8]
    public let password: [UInt8]
    public let role: UInt8
    public let consoleSessionID: UInt32
    /// The BMC key K_G the console logs in with; nil for none (K_G = K_UID).
    public var bmcKey: [UInt8]?
    public private(set) var managedSessionID: UInt32 = 0
    public private(set) var protection: PacketProtection?
    private var consoleRandom: [UInt8] = []
    private var exchange: RAKPExchange?
    private var sequence: UInt32 = 0
    var requestSequence: UInt8 = 0
    private var messageTag: UInt8 = 0
    /// The managed system's sequence numbers on what it sends in the session (its requests and
    /// responses share them): each is accepted once, in a window like the BMC's own.
    private var inboundWindow = SequenceWindow(initial: nil, ahead: 32, behind: 16)

    public init(suite: CipherSuite, userName: String, password: String, privilege: PrivilegeLevel = .administrator,
                nameOnlyLookup: Bool = true, consoleSessionID: UInt32 = UInt32.random(in: 1...UInt32.max)) {
        self.init(suite: suite, userName: Array(userName.utf8), password: Array(password.utf8), privilege: privilege,
                  nameOnlyLookup: nameOnlyLookup, consoleSessionID: consoleSessionID)
    }

    /// A console whose password is bytes (a line card's, read from its password file).
    public init(suite: CipherSuite, userName: [UInt8], password: [UInt8], privilege: PrivilegeLevel = .administrator,
                nameOnlyLookup: Bool = true, consoleSessionID: UInt32 = UInt32.random(in: 1...UInt32.max)) {
        self.suite = suite
        self.userName = userName
        self.password = password + [UInt8](repeating: 0, count: max(0, 20 - password.count))
        self.role = privilege.rawValue | (nameOnlyLookup ? 0x10 : 0)
        self.consoleSessionID = consoleSessionID
    }

    public var isEstablished: Bool { protection != nil }

    // MARK: Handshake

    public mutating func openSessionRequest(requestedPrivilege: UInt8 = 0) -> ByteBuffer {
        messageTag &+= 1
        var payload = ByteBuffer()
        OpenSessionRequest(messageTag: messageTag, requestedPrivilege: requestedPrivilege, consoleSessionID: consoleSessionID,
                           authentication: suite.authentication.rawValue, integrity: suite.integrity.rawValue,
                           confidentiality: suite.confidentiality.rawValue).write(to: &payload)
        return Self.setupPacket(.openSessionRequest, payload)
    }

    /// Takes the Open Session response and returns RAKP 1.
    public mutating func rakp1(after datagram: ByteBuffer) throws(ConsoleError) -> ByteBuffer {
        let payload = try Self.setupPayload(datagram, .openSessionResponse)
        guard let response = OpenSessionResponse.parse(payload) else { throw .malformed }
        guard response.status == .ok else { throw .refused(response.status) }
        guard response.consoleSessionID == consoleSessionID else { throw .malformed }
        managedSessionID = response.managedSessionID
        consoleRandom = (0..<16).map { _ in UInt8.random(in: 0...255) }
        messageTag &+= 1
        var out = ByteBuffer()
        RAKPMessage1(messageTag: messageTag, managedSessionID: managedSessionID, consoleRandom: consoleRandom,
                     role: role, userName: userName).write(to: &out)
        return Self.setupPacket(.rakp1, out)
    }

    /// Takes RAKP 2, checks the BMC knows the password, and returns RAKP 3.
    public mutating func rakp3(after datagram: ByteBuffer) throws(ConsoleError) -> ByteBuffer {
        let payload = try Self.setupPayload(datagram, .rakp2)
        guard let message = RAKPMessage2.parse(payload) else { throw .malformed }
        guard message.status == .ok else { throw .refused(message.status) }
        let exchange = RAKPExchange(
            authentication: suite.authentication, consoleSessionID: consoleSessionID, managedSessionID: managedSessionID,
            consoleRandom: consoleRandom, managedRandom: message.managedRandom, managedGUID: message.managedGUID,
            role: role, userName: userName)
        guard constantTimeEquals(exchange.rakp2AuthCode(userKey: password), message.keyExchangeAuthCode) else {
            throw .badKeyExchangeCode
        }
        self.exchange = exchange
        var out = ByteBuffer()
        RAKPMessage3(messageTag: message.messageTag, status: .ok, managedSessionID: managedSessionID,
                     keyExchangeAuthCode: exchange.rakp3AuthCode(userKey: password)).write(to: &out)
        return Self.setupPacket(.rakp3, out)
    }

    /// Takes RAKP 4; on success the session is established.
    public mutating func establish(after datagram: ByteBuffer) throws(ConsoleError) {
        let payload = try Self.setupPayload(datagram, .rakp4)
        guard let message = RAKPMessage4.parse(payload), let exchange else { throw .malformed }
        guard message.status == .ok else { throw .refused(message.status) }
        let sik = exchange.sessionIntegrityKey(bmcKey: bmcKey ?? password)
        guard constantTimeEquals(exchange.rakp4IntegrityCheckValue(sessionIntegrityKey: sik), message.integrityCheckValue) else {
            throw .badIntegrityCheckValue
        }
        protection = PacketProtection(suite: suite, sessionIntegrityKey: sik, password: password)
    }

    // MARK: Requests

    /// Wraps a request for the established session.
    public mutating func request(_ netFn: NetFn, _ command: UInt8, _ data: [UInt8] = []) throws(ConsoleError) -> ByteBuffer {
        try request(netFn, command, data, requesterSequence: nextRequesterSequence())
    }

    /// The next requester sequence number (6 bits), for a caller that matches responses to
    /// requests itself and retransmits a request under the same number.
    public mutating func nextRequesterSequence() -> UInt8 {
        requestSequence = (requestSequence + 1) & 0x3F
        return requestSequence
    }

    /// Wraps a request under a given requester sequence number: a retransmission keeps it,
    /// and still goes out with the next session sequence number, as the window wants.
    public mutating func request(_ netFn: NetFn, _ command: UInt8, _ data: [UInt8],
                                 requesterSequence: UInt8) throws(ConsoleError) -> ByteBuffer {
        var message = ByteBuffer()
        IPMIRequest(netFn: netFn, requesterSequence: requesterSequence & 0x3F, command: command,
                    data: ByteBuffer(bytes: data)).write(to: &message)
        return try seal(message)
    }

    /// Wraps an IPMI message (request or response) with the next session sequence number,
    /// encrypted and signed as the session's cipher suite says.
    private mutating func seal(_ message: ByteBuffer) throws(ConsoleError) -> ByteBuffer {
        guard let protection else { throw .notEstablished }
        sequence &+= 1
        if sequence == 0 { sequence = 1 }
        return Self.packet(message, protection: protection, sessionID: managedSessionID, sequence: sequence)
    }

    /// An IPMI message in a session packet with the session's protection: the console's
    /// packets name the managed system's session ID, the managed system's name the console's
    /// (the keys are the same both ways).
    static func packet(_ message: ByteBuffer, protection: PacketProtection, sessionID: UInt32, sequence: UInt32) -> ByteBuffer {
        var out = ByteBuffer()
        var writer = RMCPPlusPacketWriter(buffer: &out, payloadType: .ipmi, encrypted: protection.isEncrypted,
                                          authenticated: protection.isAuthenticated, sessionID: sessionID,
                                          sequence: sequence)
        protection.appendEncrypted(message.readableBytesView, sequence: sequence, to: &out)
        let signed = writer.endPayload(buffer: &out)
        if protection.isAuthenticated {
            let code = out.withUnsafeReadableBytes { protection.authCode(over: UnsafeRawBufferPointer(rebasing: $0[signed])) }
            code.write(to: &out)
        }
        return out
    }

    /// Checks and opens a response of the established session.
    public func response(_ datagram: ByteBuffer) throws(ConsoleError) -> IPMIResponse {
        guard let protection else { throw .notEstablished }
        guard case .rmcpPlus(_, let packet) = try? RMCPFrame.parse(datagram), packet.payloadType == .ipmi,
              packet.sessionID == consoleSessionID
        else { throw .malformed }
        if protection.isAuthenticated && !protection.verify(packet) { throw .badAuthCode }
        guard let message = protection.decrypt(packet.payload), let response = try? IPMIResponse.parse(message) else {
            throw .malformed
        }
        return response
    }

    // MARK: Requests from the managed system

    /// What the managed system sent inside the session: a response to one of the console's
    /// requests, or a request of its own (a management module's bridged request to a line card).
    public enum Inbound {
        case request(IPMIRequest)
        case response(IPMIResponse)
    }

    /// Checks and opens any IPMI message of the established session, for a console that
    /// lives long and also answers requests: integrity first (a forged packet must not move
    /// the window), then the managed system's sequence number (replays refused), then the
    /// decryption. An odd netFn is a response, an even one a request.
    public mutating func receive(_ datagram: ByteBuffer) throws(ConsoleError) -> Inbound {
        guard let protection else { throw .notEstablished }
        guard case .rmcpPlus(_, let packet) = try? RMCPFrame.parse(datagram), packet.payloadType == .ipmi,
              packet.sessionID == consoleSessionID,
              packet.isAuthenticated == protection.isAuthenticated, packet.isEncrypted == protection.isEncrypted
        else { throw .malformed }
        if protection.isAuthenticated && !protection.verify(packet) { throw .badAuthCode }
        guard let message = protection.decrypt(packet.payload), message.readableBytes >= 2 else { throw .malformed }
        guard inboundWindow.accept(packet.sequence) else { throw .replayed }
        let netFn = message.getInteger(at: message.readerIndex + 1, as: UInt8.self)! >> 2
        if netFn & 1 == 1 {
            guard let response = try? IPMIResponse.parse(message) else { throw .malformed }
            return .response(response)
        }
        guard let request = try? IPMIRequest.parse(message) else { throw .malformed }
        return .request(request)
    }

    /// Wraps the response to a request the managed system sent in the session, with the
    /// console's own next session sequence number. A failed request carries no data.
    public mutating func respond(to request: IPMIRequest, completionCode: CompletionCode,
                                 data: [UInt8] = []) throws(ConsoleError) -> ByteBuffer {
        var message = ByteBuffer()
        IPMIResponseWriter.write(respondingTo: request, to: &message) { body in
            body.writeBytes(data)
            return completionCode
        }
        return try seal(message)
    }

    /// A request outside any session (session ID 0, no authentication), as ipmitool sends
    /// Get Channel Cipher Suites before it opens one.
    public static func sessionless(_ netFn: NetFn, _ command: UInt8, _ data: [UInt8] = [], sequence: UInt8 = 1) -> ByteBuffer {
        var message = ByteBuffer()
        IPMIRequest(netFn: netFn, requesterSequence: sequence, command: command, data: ByteBuffer(bytes: data))
            .write(to: &message)
        return setupPacket(.ipmi, message)
    }

    /// The response to a sessionless request.
    public static func sessionlessResponse(_ datagram: ByteBuffer) throws(ConsoleError) -> IPMIResponse {
        let payload = try setupPayload(datagram, .ipmi)
        guard let response = try? IPMIResponse.parse(payload) else { throw .malformed }
        return response
    }

    // MARK: Framing

    private static func setupPacket(_ type: PayloadType, _ payload: ByteBuffer) -> ByteBuffer {
        var out = ByteBuffer()
        var writer = RMCPPlusPacketWriter(buffer: &out, payloadType: type, encrypted: false, authenticated: false,
                                          sessionID: 0, sequence: 0)
        var payload = payload
        out.writeBuffer(&payload)
        _ = writer.endPayload(buffer: &out)
        return out
    }

    private static func setupPayload(_ datagram: ByteBuffer, _ type: PayloadType) throws(ConsoleError) -> ByteBuffer {
        guard case .rmcpPlus(_, let packet) = try? RMCPFrame.parse(datagram), packet.payloadType == type else {
            throw .malformed
        }
        return packet.payload
    }
}
