import NIOCore

/// The remote-console side of an RMCP+ session, without I/O: it builds the datagrams to
/// send and checks the ones that come back. The tests and the benchmark drive the BMC with
/// it; a line-card BMC will use it to reach its management module.
public struct RMCPPlusConsole {
    public enum ConsoleError: Error, Equatable {
        case malformed
        case refused(RMCPPlusStatus)
        case badKeyExchangeCode
        case badIntegrityCheckValue
        case badAuthCode
        case notEstablished
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

    public init(suite: CipherSuite, userName: String, password: String, privilege: PrivilegeLevel = .administrator,
                nameOnlyLookup: Bool = true, consoleSessionID: UInt32 = UInt32.random(in: 1...UInt32.max)) {
        self.suite = suite
        self.userName = Array(userName.utf8)
        let bytes = Array(password.utf8)
        self.password = bytes + [UInt8](repeating: 0, count: max(0, 20 - bytes.count))
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
        guard let protection else { throw .notEstablished }
        requestSequence = (requestSequence + 1) & 0x3F
        sequence &+= 1
        var message = ByteBuffer()
        IPMIRequest(netFn: netFn, requesterSequence: requestSequence, command: command, data: ByteBuffer(bytes: data))
            .write(to: &message)
        var out = ByteBuffer()
        var writer = RMCPPlusPacketWriter(buffer: &out, payloadType: .ipmi, encrypted: protection.isEncrypted,
                                          authenticated: protection.isAuthenticated, sessionID: managedSessionID,
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
