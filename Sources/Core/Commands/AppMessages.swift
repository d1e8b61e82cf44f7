import NIOCore

// Typed requests and responses of the App network function (netfn 0x06), in the order
// of IPMI 2.0 chapters 20 and 22.

/// A response that is a plain run of bytes (GUIDs, fixed-layout records).
public struct RawResponse: CommandResponse {
    public var bytes: [UInt8]
    public init(_ bytes: [UInt8]) { self.bytes = bytes }
    public func write(to buffer: inout ByteBuffer) { buffer.writeBytes(bytes) }
}

/// The channel byte of many requests: bits 3..0, where 0x0E means "the channel this came in on".
public enum ChannelSelector {
    public static let current: UInt8 = 0x0E
}

public struct GetDeviceIDResponse: CommandResponse {
    public var identity: DeviceIdentity
    public var additionalDeviceSupport: UInt8

    public func write(to buffer: inout ByteBuffer) {
        // The benchmark's request: written in one step rather than a ByteBuffer call per field.
        buffer.writeFields(capacity: 11) { fields in
            fields.write(identity.deviceID)
            fields.write(0x80 | identity.deviceRevision & 0x0F) // bit 7: provides device SDRs
            fields.write(identity.firmwareMajor & 0x7F) // bit 7 clear: device available
            let minor = identity.firmwareMinor
            fields.write((minor / 10) << 4 | (minor % 10)) // BCD
            fields.write(UInt8(0x02)) // IPMI 2.0
            fields.write(additionalDeviceSupport)
            fields.write(UInt8(truncatingIfNeeded: identity.manufacturerID))
            fields.write(UInt8(truncatingIfNeeded: identity.manufacturerID >> 8))
            fields.write(UInt8(truncatingIfNeeded: identity.manufacturerID >> 16) & 0x0F)
            fields.write(identity.productID, endianness: .little)
        }
        buffer.writeBytes(identity.auxiliaryFirmware)
    }
}

public struct GetChannelAuthCapabilitiesRequest: CommandRequest {
    public var wantsIPMI20Data: Bool
    public var channel: UInt8
    public var privilege: PrivilegeLevel

    public init(from reader: inout RequestReader) throws(CompletionCode) {
        let channelByte = try reader.byte()
        let privilegeByte = try reader.byte()
        try reader.end()
        wantsIPMI20Data = channelByte & 0x80 != 0
        channel = channelByte & 0x0F
        guard let level = PrivilegeLevel(rawValue: privilegeByte & 0x0F), level != .none else { throw .invalidDataField }
        privilege = level
    }
}

public struct GetChannelAuthCapabilitiesResponse: CommandResponse {
    public var channel: UInt8
    public var includesIPMI20Data: Bool
    public var authTypes: UInt8
    public var perMessageAuthenticationDisabled: Bool
    public var userLevelAuthenticationDisabled: Bool
    public var nonNullUserNames: Bool
    public var nullUserNames: Bool
    public var anonymousLogin: Bool
    public var supportsIPMI15: Bool
    public var supportsIPMI20: Bool
    /// K_G set to a non-zero value: the console needs it to log in (bit 5 of byte 3).
    public var kgIsSet = false

    public func write(to buffer: inout ByteBuffer) {
        buffer.writeInteger(channel)
        buffer.writeInteger(authTypes | (includesIPMI20Data ? 0x80 : 0))
        var flags: UInt8 = 0
        if perMessageAuthenticationDisabled { flags |= 0x10 }
        if userLevelAuthenticationDisabled { flags |= 0x08 }
        if nonNullUserNames { flags |= 0x04 }
        if nullUserNames { flags |= 0x02 }
        if anonymousLogin { flags |= 0x01 }
        if kgIsSet { flags |= 0x20 }
        buffer.writeInteger(flags)
        var extended: UInt8 = 0
        if includesIPMI20Data {
            if supportsIPMI20 { extended |= 0x02 }
            if supportsIPMI15 { extended |= 0x01 }
        }
        buffer.writeInteger(extended)
        buffer.writeBytes([0, 0, 0, 0]) // OEM ID, OEM auxiliary data
    }
}

public struct GetSessionChallengeRequest: CommandRequest {
    public var authType: UInt8
    public var userName: [UInt8]

    public init(from reader: inout RequestReader) throws(CompletionCode) {
        authType = try reader.byte() & 0x0F
        userName = try reader.bytes(16)
        try reader.end()
    }
}

public struct GetSessionChallengeResponse: CommandResponse {
    public var temporarySessionID: UInt32
    public var challenge: [UInt8]
    public func write(to buffer: inout ByteBuffer) {
        buffer.writeInteger(temporarySessionID, endianness: .little)
        buffer.writeBytes(challenge)
    }
}

public struct ActivateSessionRequest: CommandRequest {
    public var authType: UInt8
    public var maximumPrivilege: UInt8
    public var challenge: [UInt8]
    public var initialOutboundSequence: UInt32

    public init(from reader: inout RequestReader) throws(CompletionCode) {
        authType = try reader.byte() & 0x0F
        maximumPrivilege = try reader.byte() & 0x0F
        challenge = try reader.bytes(16)
        initialOutboundSequence = try reader.uint32()
        try reader.end()
    }
}

public struct ActivateSessionResponse: CommandResponse {
    public var authType: AuthenticationType
    public var sessionID: UInt32
    public var initialInboundSequence: UInt32
    public var maximumPrivilege: PrivilegeLevel
    public func write(to buffer: inout ByteBuffer) {
        buffer.writeInteger(authType.rawValue)
        buffer.writeInteger(sessionID, endianness: .little)
        buffer.writeInteger(initialInboundSequence, endianness: .little)
        buffer.writeInteger(maximumPrivilege.rawValue)
    }
}

public struct SetSessionPrivilegeRequest: CommandRequest {
    /// Zero asks for the present level without changing it.
    public var privilege: UInt8
    public init(from reader: inout RequestReader) throws(CompletionCode) {
        privilege = try reader.byte() & 0x0F
        try reader.end()
    }
}

public struct CloseSessionRequest: CommandRequest {
    public var sessionID: UInt32
    public var handle: UInt8?
    public init(from reader: inout RequestReader) throws(CompletionCode) {
        sessionID = try reader.uint32()
        handle = sessionID == 0 ? try reader.byte() : nil
        try reader.end()
    }
}

public struct GetSessionInfoRequest: CommandRequest {
    public enum Selector: Sendable {
        case current
        case index(UInt8)
        case handle(UInt8)
        case sessionID(UInt32)
    }
    public var selector: Selector

    public init(from reader: inout RequestReader) throws(CompletionCode) {
        switch try reader.byte() {
        case 0x00: selector = .current
        case 0xFE: selector = .handle(try reader.byte())
        case 0xFF: selector = .sessionID(try reader.uint32())
        case let index: selector = .index(index)
        }
        try reader.end()
    }
}

public struct GetSessionInfoResponse: CommandResponse {
    public var handle: UInt8
    public var possibleSessions: UInt8
    public var activeSessions: UInt8
    public var session: Session?
    public var channel: UInt8

    public func write(to buffer: inout ByteBuffer) {
        buffer.writeInteger(handle)
        buffer.writeInteger(possibleSessions & 0x3F)
        buffer.writeInteger(activeSessions & 0x3F)
        guard let session else { return }
        buffer.writeInteger(session.userID & 0x3F)
        buffer.writeInteger(session.privilege.rawValue & 0x0F)
        buffer.writeInteger((session.isRMCPPlus ? 0x10 : 0x00) | channel & 0x0F)
        buffer.writeBytes(session.remote.ipv4 ?? [0, 0, 0, 0])
        buffer.writeBytes([0, 0, 0, 0, 0, 0]) // the console's MAC is not known above UDP
        buffer.writeInteger(session.remote.port, endianness: .little)
    }
}

public struct ChannelRequest: CommandRequest {
    public var channel: UInt8
    public init(from reader: inout RequestReader) throws(CompletionCode) {
        channel = try reader.byte() & 0x0F
        try reader.end()
    }
}

public struct GetChannelAccessRequest: CommandRequest {
    public var channel: UInt8
    public var nonVolatile: Bool
    public init(from reader: inout RequestReader) throws(CompletionCode) {
        channel = try reader.byte() & 0x0F
        let which = try reader.byte() >> 6
        try reader.end()
        guard which == 1 || which == 2 else { throw .invalidDataField }
        nonVolatile = which == 1
    }
}

public struct ChannelAccessResponse: CommandResponse {
    public var access: ChannelAccess
    public func write(to buffer: inout ByteBuffer) {
        var byte = access.accessMode & 0x07
        if access.alertingDisabled { byte |= 0x20 }
        if access.perMessageAuthenticationDisabled { byte |= 0x10 }
        if access.userLevelAuthenticationDisabled { byte |= 0x08 }
        buffer.writeInteger(byte)
        buffer.writeInteger(access.privilegeLimit.rawValue)
    }
}

public struct SetChannelAccessRequest: CommandRequest {
    public var channel: UInt8
    /// 0 leave, 1 non-volatile, 2 volatile (bits 7..6 of each byte).
    public var accessTarget: UInt8
    public var alertingDisabled: Bool
    public var perMessageAuthenticationDisabled: Bool
    public var userLevelAuthenticationDisabled: Bool
    public var accessMode: UInt8
    public var privilegeTarget: UInt8
    public var privilegeLimit: UInt8

    public init(from reader: inout RequestReader) throws(CompletionCode) {
        channel = try reader.byte() & 0x0F
        let access = try reader.byte()
        let privilege = try reader.byte()
        try reader.end()
        accessTarget = access >> 6
        alertingDisabled = access & 0x20 != 0
        perMessageAuthenticationDisabled = access & 0x10 != 0
        userLevelAuthenticationDisabled = access & 0x08 != 0
        accessMode = access & 0x07
        privilegeTarget = privilege >> 6
        privilegeLimit = privilege & 0x0F
    }
}

public struct UserAccessRequest: CommandRequest {
    public var channel: UInt8
    public var userID: UInt8
    public init(from reader: inout RequestReader) throws(CompletionCode) {
        channel = try reader.byte() & 0x0F
        userID = try reader.byte() & 0x3F
        try reader.end()
    }
}

public struct GetUserAccessResponse: CommandResponse {
    public var maximumUsers: UInt8
    public var enabledUsers: UInt8
    public var fixedNameUsers: UInt8
    public var user: UserRecord

    public func write(to buffer: inout ByteBuffer) {
        buffer.writeInteger(maximumUsers & 0x3F)
        buffer.writeInteger((user.enabled ? 0x40 : 0x80) | enabledUsers & 0x3F)
        buffer.writeInteger(fixedNameUsers & 0x3F)
        var access = user.privilegeLimit?.rawValue ?? PrivilegeLevel.noAccessRawValue
        if user.callbackOnly { access |= 0x40 }
        if user.linkAuthentication { access |= 0x20 }
        if user.ipmiMessaging { access |= 0x10 }
        buffer.writeInteger(access)
    }
}

public struct SetUserAccessRequest: CommandRequest {
    public var changesFlags: Bool
    public var callbackOnly: Bool
    public var linkAuthentication: Bool
    public var ipmiMessaging: Bool
    public var channel: UInt8
    public var userID: UInt8
    /// Raw privilege limit: 1..5, or 0x0F for no access.
    public var privilegeLimit: UInt8
    /// The optional byte 4: sessions the user may hold at once, 0 for no limit of its own;
    /// nil when the request leaves it out (the limit stays as it was).
    public var sessionLimit: UInt8?

    public init(from reader: inout RequestReader) throws(CompletionCode) {
        let first = try reader.byte()
        userID = try reader.byte() & 0x3F
        privilegeLimit = try reader.byte() & 0x0F
        sessionLimit = reader.remaining > 0 ? try reader.byte() & 0x0F : nil
        try reader.end()
        changesFlags = first & 0x80 != 0
        callbackOnly = first & 0x40 != 0
        linkAuthentication = first & 0x20 != 0
        ipmiMessaging = first & 0x10 != 0
        channel = first & 0x0F
    }
}

public struct UserIDRequest: CommandRequest {
    public var userID: UInt8
    public init(from reader: inout RequestReader) throws(CompletionCode) {
        userID = try reader.byte() & 0x3F
        try reader.end()
    }
}

public struct SetUserNameRequest: CommandRequest {
    public var userID: UInt8
    public var name: [UInt8]
    public init(from reader: inout RequestReader) throws(CompletionCode) {
        userID = try reader.byte() & 0x3F
        name = try reader.bytes(16)
        try reader.end()
    }
}

public struct SetUserPasswordRequest: CommandRequest {
    public enum Operation: UInt8, Sendable {
        case disable = 0, enable = 1, setPassword = 2, testPassword = 3
    }
    public var userID: UInt8
    public var operation: Operation
    /// Present for set and test: 16 or 20 bytes, as the request's size bit says.
    public var password: [UInt8]?
    public var isTwentyByteForm: Bool

    public init(from reader: inout RequestReader) throws(CompletionCode) {
        let first = try reader.byte()
        userID = first & 0x3F
        isTwentyByteForm = first & 0x80 != 0
        operation = Operation(rawValue: try reader.byte() & 0x03)!
        let size = isTwentyByteForm ? 20 : 16
        switch (operation, reader.remaining) {
        case (.disable, 0), (.enable, 0):
            password = nil
        case (_, size):
            password = try reader.bytes(size)
        default:
            throw .requestDataLengthInvalid
        }
    }
}

public struct GetChannelCipherSuitesRequest: CommandRequest {
    public var channel: UInt8
    public var payloadType: UInt8
    public var listsSuites: Bool
    public var index: UInt8

    public init(from reader: inout RequestReader) throws(CompletionCode) {
        channel = try reader.byte() & 0x0F
        payloadType = try reader.byte() & 0x3F
        let list = try reader.byte()
        try reader.end()
        listsSuites = list & 0x80 != 0
        index = list & 0x3F
    }
}

public struct GetChannelCipherSuitesResponse: CommandResponse {
    public var channel: UInt8
    public var records: ArraySlice<UInt8>
    public func write(to buffer: inout ByteBuffer) {
        buffer.writeInteger(channel)
        buffer.writeBytes(records)
    }
}
