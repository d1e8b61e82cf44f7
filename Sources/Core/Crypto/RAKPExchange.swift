/// The values both ends of an RMCP+ key exchange hash (IPMI 2.0 section 13.31), and the
/// codes and keys computed from them. Used by the BMC, and by tests and the benchmark on
/// the console side.
///
/// The spec's names: SIDm / Rm belong to the remote console, SIDc / Rc / GUIDc to the BMC.
public struct RAKPExchange: Sendable {
    public var authentication: AuthenticationAlgorithm
    public var consoleSessionID: UInt32
    public var managedSessionID: UInt32
    public var consoleRandom: [UInt8]
    public var managedRandom: [UInt8]
    public var managedGUID: [UInt8]
    /// The whole RAKP 1 role byte, lookup bit included: freeipmi and ipmitool hash it so.
    public var role: UInt8
    public var userName: [UInt8]

    public init(authentication: AuthenticationAlgorithm, consoleSessionID: UInt32, managedSessionID: UInt32,
                consoleRandom: [UInt8], managedRandom: [UInt8], managedGUID: [UInt8], role: UInt8,
                userName: [UInt8]) {
        self.authentication = authentication
        self.consoleSessionID = consoleSessionID
        self.managedSessionID = managedSessionID
        self.consoleRandom = consoleRandom
        self.managedRandom = managedRandom
        self.managedGUID = managedGUID
        self.role = role
        self.userName = userName
    }

    /// RAKP 2: HMAC_KUID(SIDm | SIDc | Rm | Rc | GUIDc | ROLEm | ULENGTHm | UNAMEm).
    public func rakp2AuthCode(userKey: [UInt8]) -> [UInt8] {
        authentication.hmac(key: userKey, rakp2Message)
    }

    /// RAKP 3: HMAC_KUID(Rc | SIDm | ROLEm | ULENGTHm | UNAMEm).
    public func rakp3AuthCode(userKey: [UInt8]) -> [UInt8] {
        authentication.hmac(key: userKey, rakp3Message)
    }

    /// SIK = HMAC_KG(Rm | Rc | ROLEm | ULENGTHm | UNAMEm); K_G is K_UID when no BMC key is set.
    public func sessionIntegrityKey(bmcKey: [UInt8]) -> [UInt8] {
        authentication.hmac(key: bmcKey, sessionIntegrityKeyMessage)
    }

    // The same three with the user's key already keyed (`PendingHandshake.keyedUserKey`): the BMC
    // keys it once at RAKP 1 for RAKP 2, RAKP 3 and, without a BMC key, the SIK.

    func rakp2AuthCode(userKey: KeyedAuthentication) -> [UInt8] { userKey.code(over: rakp2Message) }
    func rakp3AuthCode(userKey: KeyedAuthentication) -> [UInt8] { userKey.code(over: rakp3Message) }
    func sessionIntegrityKey(bmcKey: KeyedAuthentication) -> [UInt8] { bmcKey.code(over: sessionIntegrityKeyMessage) }

    /// RAKP 4: the first N bytes of HMAC_SIK(Rm | SIDc | GUIDc).
    public func rakp4IntegrityCheckValue(sessionIntegrityKey: [UInt8]) -> [UInt8] {
        rakp4IntegrityCheckValue(sessionIntegrityKey: authentication.keyed(sessionIntegrityKey))
    }

    /// The same with the SIK's HMAC already keyed (it keys K1 and K2 as well).
    func rakp4IntegrityCheckValue(sessionIntegrityKey: KeyedAuthentication) -> [UInt8] {
        var data: [UInt8] = []
        data.reserveCapacity(consoleRandom.count + 4 + managedGUID.count)
        data += consoleRandom
        data.appendLittleEndian(managedSessionID)
        data += managedGUID
        var code = sessionIntegrityKey.code(over: data)
        code.removeLast(code.count - authentication.integrityCheckValueLength)
        return code
    }

    // The messages the codes are taken over, each built in one allocation.

    private var rakp2Message: [UInt8] {
        var data: [UInt8] = []
        data.reserveCapacity(8 + consoleRandom.count + managedRandom.count + managedGUID.count + 2 + userName.count)
        data.appendLittleEndian(consoleSessionID)
        data.appendLittleEndian(managedSessionID)
        data += consoleRandom
        data += managedRandom
        data += managedGUID
        appendRoleAndName(to: &data)
        return data
    }

    private var rakp3Message: [UInt8] {
        var data: [UInt8] = []
        data.reserveCapacity(managedRandom.count + 4 + 2 + userName.count)
        data += managedRandom
        data.appendLittleEndian(consoleSessionID)
        appendRoleAndName(to: &data)
        return data
    }

    private var sessionIntegrityKeyMessage: [UInt8] {
        var data: [UInt8] = []
        data.reserveCapacity(consoleRandom.count + managedRandom.count + 2 + userName.count)
        data += consoleRandom
        data += managedRandom
        appendRoleAndName(to: &data)
        return data
    }

    private func appendRoleAndName(to data: inout [UInt8]) {
        data.append(role)
        data.append(UInt8(userName.count))
        data += userName
    }
}

extension Array where Element == UInt8 {
    mutating func appendLittleEndian(_ value: UInt32) {
        append(UInt8(truncatingIfNeeded: value))
        append(UInt8(truncatingIfNeeded: value >> 8))
        append(UInt8(truncatingIfNeeded: value >> 16))
        append(UInt8(truncatingIfNeeded: value >> 24))
    }
}

/// Compares two byte strings in time that depends only on their lengths.
@inlinable
public func constantTimeEquals(_ lhs: some Collection<UInt8>, _ rhs: some Collection<UInt8>) -> Bool {
    guard lhs.count == rhs.count else { return false }
    var difference: UInt8 = 0
    for (a, b) in zip(lhs, rhs) { difference |= a ^ b }
    return difference == 0
}

/// The same over raw memory, as every inbound packet's integrity check compares: indexing
/// both, without the generic slices and iterators of the version above.
@inlinable
public func constantTimeEquals(_ lhs: UnsafeRawBufferPointer, _ rhs: UnsafeRawBufferPointer) -> Bool {
    guard lhs.count == rhs.count else { return false }
    var difference: UInt8 = 0
    for index in 0..<lhs.count { difference |= lhs[index] ^ rhs[index] }
    return difference == 0
}
