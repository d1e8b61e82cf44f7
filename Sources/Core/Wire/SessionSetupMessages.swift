import NIOCore

// The RMCP+ session setup payloads (IPMI 2.0 sections 13.17 to 13.23). Multi-byte
// fields are little-endian; random numbers, GUIDs and auth codes are byte strings.

/// One algorithm proposal in an Open Session request: type 0 authentication,
/// 1 integrity, 2 confidentiality. A zero length means "any", which ipmigod refuses.
public struct AlgorithmProposal: Hashable, Sendable {
    public var payloadType: UInt8
    public var algorithm: UInt8
    public var isWildcard: Bool

    public init(payloadType: UInt8, algorithm: UInt8, isWildcard: Bool = false) {
        self.payloadType = payloadType
        self.algorithm = algorithm
        self.isWildcard = isWildcard
    }

    static func parse(_ buffer: inout ByteBuffer) -> AlgorithmProposal? {
        guard let type = buffer.readInteger(as: UInt8.self),
              buffer.readInteger(as: UInt16.self) != nil,
              let length = buffer.readInteger(as: UInt8.self)
        else { return nil }
        if length == 0 { return AlgorithmProposal(payloadType: type, algorithm: 0, isWildcard: true) }
        guard length == 8, let algorithm = buffer.readInteger(as: UInt8.self),
              buffer.readSlice(length: 3) != nil
        else { return nil }
        return AlgorithmProposal(payloadType: type, algorithm: algorithm & 0x3F)
    }

    func write(to buffer: inout ByteBuffer) {
        buffer.writeFields(capacity: Self.length) { write(to: &$0) }
    }

    static let length = 8

    func write(to fields: inout FieldWriter) {
        fields.write(payloadType)
        fields.write(UInt16(0), endianness: .little)
        fields.write(UInt8(8))
        fields.write(algorithm)
        for _ in 0..<3 { fields.write(UInt8(0)) }
    }
}

public struct OpenSessionRequest: Hashable, Sendable {
    public var messageTag: UInt8
    /// Bits 3..0; 0 asks for the highest level the proposed algorithms allow.
    public var requestedPrivilege: UInt8
    public var consoleSessionID: UInt32
    public var authentication: AlgorithmProposal
    public var integrity: AlgorithmProposal
    public var confidentiality: AlgorithmProposal

    public init(messageTag: UInt8, requestedPrivilege: UInt8, consoleSessionID: UInt32,
                authentication: UInt8, integrity: UInt8, confidentiality: UInt8) {
        self.messageTag = messageTag
        self.requestedPrivilege = requestedPrivilege
        self.consoleSessionID = consoleSessionID
        self.authentication = AlgorithmProposal(payloadType: 0, algorithm: authentication)
        self.integrity = AlgorithmProposal(payloadType: 1, algorithm: integrity)
        self.confidentiality = AlgorithmProposal(payloadType: 2, algorithm: confidentiality)
    }

    public static func parse(_ payload: ByteBuffer) -> OpenSessionRequest? {
        var buffer = payload
        guard let tag = buffer.readInteger(as: UInt8.self),
              let privilege = buffer.readInteger(as: UInt8.self),
              buffer.readInteger(as: UInt16.self) != nil,
              let consoleID = buffer.readInteger(endianness: .little, as: UInt32.self),
              let auth = AlgorithmProposal.parse(&buffer), auth.payloadType == 0,
              let integrity = AlgorithmProposal.parse(&buffer), integrity.payloadType == 1,
              let confidentiality = AlgorithmProposal.parse(&buffer), confidentiality.payloadType == 2
        else { return nil }
        var request = OpenSessionRequest(messageTag: tag, requestedPrivilege: privilege & 0x0F,
                                         consoleSessionID: consoleID, authentication: 0, integrity: 0,
                                         confidentiality: 0)
        request.authentication = auth
        request.integrity = integrity
        request.confidentiality = confidentiality
        return request
    }

    public func write(to buffer: inout ByteBuffer) {
        buffer.writeInteger(messageTag)
        buffer.writeInteger(requestedPrivilege)
        buffer.writeInteger(UInt16(0))
        buffer.writeInteger(consoleSessionID, endianness: .little)
        authentication.write(to: &buffer)
        integrity.write(to: &buffer)
        confidentiality.write(to: &buffer)
    }
}

public struct OpenSessionResponse: Hashable, Sendable {
    public var messageTag: UInt8
    public var status: RMCPPlusStatus
    public var maximumPrivilege: UInt8
    public var consoleSessionID: UInt32
    public var managedSessionID: UInt32
    public var authentication: UInt8
    public var integrity: UInt8
    public var confidentiality: UInt8

    public init(messageTag: UInt8, status: RMCPPlusStatus, maximumPrivilege: UInt8 = 0, consoleSessionID: UInt32,
                managedSessionID: UInt32 = 0, authentication: UInt8 = 0, integrity: UInt8 = 0,
                confidentiality: UInt8 = 0) {
        self.messageTag = messageTag
        self.status = status
        self.maximumPrivilege = maximumPrivilege
        self.consoleSessionID = consoleSessionID
        self.managedSessionID = managedSessionID
        self.authentication = authentication
        self.integrity = integrity
        self.confidentiality = confidentiality
    }

    /// Written field by field into the buffer's memory (`FieldWriter`), as the BMC answers
    /// every Open Session with one.
    public func write(to buffer: inout ByteBuffer) {
        buffer.writeFields(capacity: 12 + 3 * AlgorithmProposal.length) { fields in
            fields.write(messageTag)
            fields.write(status.rawValue)
            fields.write(maximumPrivilege)
            fields.write(UInt8(0))
            fields.write(consoleSessionID, endianness: .little)
            // On an error the spec ends the response after the console session ID.
            guard status == .ok else { return }
            fields.write(managedSessionID, endianness: .little)
            AlgorithmProposal(payloadType: 0, algorithm: authentication).write(to: &fields)
            AlgorithmProposal(payloadType: 1, algorithm: integrity).write(to: &fields)
            AlgorithmProposal(payloadType: 2, algorithm: confidentiality).write(to: &fields)
        }
    }

    public static func parse(_ payload: ByteBuffer) -> OpenSessionResponse? {
        var buffer = payload
        guard let tag = buffer.readInteger(as: UInt8.self),
              let statusByte = buffer.readInteger(as: UInt8.self),
              let status = RMCPPlusStatus(rawValue: statusByte),
              let privilege = buffer.readInteger(as: UInt8.self),
              buffer.readInteger(as: UInt8.self) != nil,
              let consoleID = buffer.readInteger(endianness: .little, as: UInt32.self)
        else { return nil }
        var response = OpenSessionResponse(messageTag: tag, status: status, maximumPrivilege: privilege,
                                           consoleSessionID: consoleID)
        guard status == .ok else { return response }
        guard let managedID = buffer.readInteger(endianness: .little, as: UInt32.self),
              let auth = AlgorithmProposal.parse(&buffer),
              let integrity = AlgorithmProposal.parse(&buffer),
              let confidentiality = AlgorithmProposal.parse(&buffer)
        else { return nil }
        response.managedSessionID = managedID
        response.authentication = auth.algorithm
        response.integrity = integrity.algorithm
        response.confidentiality = confidentiality.algorithm
        return response
    }
}

public struct RAKPMessage1: Hashable, Sendable {
    public var messageTag: UInt8
    public var managedSessionID: UInt32
    public var consoleRandom: [UInt8]
    /// The whole role byte: bits 3..0 the privilege, bit 4 set for name-only lookup.
    public var role: UInt8
    public var userName: [UInt8]

    public var requestedPrivilege: UInt8 { role & 0x0F }
    public var isNameOnlyLookup: Bool { role & 0x10 != 0 }

    public init(messageTag: UInt8, managedSessionID: UInt32, consoleRandom: [UInt8], role: UInt8, userName: [UInt8]) {
        self.messageTag = messageTag
        self.managedSessionID = managedSessionID
        self.consoleRandom = consoleRandom
        self.role = role
        self.userName = userName
    }

    /// Returns nil for a malformed message, or throws the status to answer with.
    public static func parse(_ payload: ByteBuffer) throws(RMCPPlusStatus) -> RAKPMessage1? {
        var buffer = payload
        guard let tag = buffer.readInteger(as: UInt8.self),
              buffer.readSlice(length: 3) != nil,
              let managedID = buffer.readInteger(endianness: .little, as: UInt32.self),
              let random = buffer.readBytes(length: 16),
              let role = buffer.readInteger(as: UInt8.self),
              buffer.readInteger(as: UInt16.self) != nil,
              let nameLength = buffer.readInteger(as: UInt8.self)
        else { return nil }
        guard nameLength <= 16 else { throw .invalidNameLength }
        guard let name = buffer.readBytes(length: Int(nameLength)) else { throw .invalidNameLength }
        return RAKPMessage1(messageTag: tag, managedSessionID: managedID, consoleRandom: random, role: role,
                            userName: name)
    }

    public func write(to buffer: inout ByteBuffer) {
        buffer.writeInteger(messageTag)
        buffer.writeBytes([0, 0, 0])
        buffer.writeInteger(managedSessionID, endianness: .little)
        buffer.writeBytes(consoleRandom)
        buffer.writeInteger(role)
        buffer.writeInteger(UInt16(0))
        buffer.writeInteger(UInt8(userName.count))
        buffer.writeBytes(userName)
    }
}

public struct RAKPMessage2: Hashable, Sendable {
    public var messageTag: UInt8
    public var status: RMCPPlusStatus
    public var consoleSessionID: UInt32
    public var managedRandom: [UInt8]
    public var managedGUID: [UInt8]
    public var keyExchangeAuthCode: [UInt8]

    public init(messageTag: UInt8, status: RMCPPlusStatus, consoleSessionID: UInt32, managedRandom: [UInt8] = [],
                managedGUID: [UInt8] = [], keyExchangeAuthCode: [UInt8] = []) {
        self.messageTag = messageTag
        self.status = status
        self.consoleSessionID = consoleSessionID
        self.managedRandom = managedRandom
        self.managedGUID = managedGUID
        self.keyExchangeAuthCode = keyExchangeAuthCode
    }

    public func write(to buffer: inout ByteBuffer) {
        writeHeader(messageTag, status, consoleSessionID, to: &buffer)
        guard status == .ok else { return }
        buffer.writeBytes(managedRandom)
        buffer.writeBytes(managedGUID)
        buffer.writeBytes(keyExchangeAuthCode)
    }

    public static func parse(_ payload: ByteBuffer) -> RAKPMessage2? {
        var buffer = payload
        guard let tag = buffer.readInteger(as: UInt8.self),
              let statusByte = buffer.readInteger(as: UInt8.self),
              let status = RMCPPlusStatus(rawValue: statusByte),
              buffer.readInteger(as: UInt16.self) != nil,
              let consoleID = buffer.readInteger(endianness: .little, as: UInt32.self)
        else { return nil }
        guard status == .ok else { return RAKPMessage2(messageTag: tag, status: status, consoleSessionID: consoleID) }
        guard let random = buffer.readBytes(length: 16), let guid = buffer.readBytes(length: 16) else { return nil }
        return RAKPMessage2(messageTag: tag, status: status, consoleSessionID: consoleID, managedRandom: random,
                            managedGUID: guid, keyExchangeAuthCode: buffer.readBytes(length: buffer.readableBytes) ?? [])
    }
}

public struct RAKPMessage3: Hashable, Sendable {
    public var messageTag: UInt8
    public var status: RMCPPlusStatus
    public var managedSessionID: UInt32
    public var keyExchangeAuthCode: [UInt8]

    public init(messageTag: UInt8, status: RMCPPlusStatus, managedSessionID: UInt32, keyExchangeAuthCode: [UInt8]) {
        self.messageTag = messageTag
        self.status = status
        self.managedSessionID = managedSessionID
        self.keyExchangeAuthCode = keyExchangeAuthCode
    }

    public static func parse(_ payload: ByteBuffer) -> RAKPMessage3? {
        var buffer = payload
        guard let tag = buffer.readInteger(as: UInt8.self),
              let statusByte = buffer.readInteger(as: UInt8.self),
              buffer.readInteger(as: UInt16.self) != nil,
              let managedID = buffer.readInteger(endianness: .little, as: UInt32.self)
        else { return nil }
        return RAKPMessage3(messageTag: tag, status: RMCPPlusStatus(rawValue: statusByte) ?? .illegalParameter,
                            managedSessionID: managedID,
                            keyExchangeAuthCode: buffer.readBytes(length: buffer.readableBytes) ?? [])
    }

    public func write(to buffer: inout ByteBuffer) {
        buffer.writeInteger(messageTag)
        buffer.writeInteger(status.rawValue)
        buffer.writeInteger(UInt16(0))
        buffer.writeInteger(managedSessionID, endianness: .little)
        buffer.writeBytes(keyExchangeAuthCode)
    }
}

public struct RAKPMessage4: Hashable, Sendable {
    public var messageTag: UInt8
    public var status: RMCPPlusStatus
    public var consoleSessionID: UInt32
    public var integrityCheckValue: [UInt8]

    public init(messageTag: UInt8, status: RMCPPlusStatus, consoleSessionID: UInt32, integrityCheckValue: [UInt8] = []) {
        self.messageTag = messageTag
        self.status = status
        self.consoleSessionID = consoleSessionID
        self.integrityCheckValue = integrityCheckValue
    }

    public func write(to buffer: inout ByteBuffer) {
        writeHeader(messageTag, status, consoleSessionID, to: &buffer)
        if status == .ok { buffer.writeBytes(integrityCheckValue) }
    }

    public static func parse(_ payload: ByteBuffer) -> RAKPMessage4? {
        var buffer = payload
        guard let tag = buffer.readInteger(as: UInt8.self),
              let statusByte = buffer.readInteger(as: UInt8.self),
              let status = RMCPPlusStatus(rawValue: statusByte),
              buffer.readInteger(as: UInt16.self) != nil,
              let consoleID = buffer.readInteger(endianness: .little, as: UInt32.self)
        else { return nil }
        return RAKPMessage4(messageTag: tag, status: status, consoleSessionID: consoleID,
                            integrityCheckValue: buffer.readBytes(length: buffer.readableBytes) ?? [])
    }
}

/// The first eight bytes of RAKP 2 and RAKP 4, the BMC's answers: tag, status, reserved,
/// console session ID, in one step (`FieldWriter`).
private func writeHeader(_ tag: UInt8, _ status: RMCPPlusStatus, _ consoleSessionID: UInt32, to buffer: inout ByteBuffer) {
    buffer.writeFields(capacity: 8) { fields in
        fields.write(tag)
        fields.write(status.rawValue)
        fields.write(UInt16(0), endianness: .little)
        fields.write(consoleSessionID, endianness: .little)
    }
}
