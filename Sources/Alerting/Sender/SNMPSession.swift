import CNetSNMP
import IPMICore
#if canImport(Glibc)
import Glibc
#endif

/// One net-snmp single-session-API session to one destination. Confined to the sender
/// thread: net-snmp sessions are not safe to share between threads.
final class SNMPSession {
    /// Called (on the sender thread, from `read()` or `expire()`) with the request ID of
    /// an INFORM and whether the receiver answered it without error.
    typealias ResponseHandler = (_ requestID: Int32, _ acknowledged: Bool) -> Void

    struct OpenFailed: Error, CustomStringConvertible {
        var description: String
    }

    let version: AlertDestination.SNMPVersion
    private var handle: UnsafeMutableRawPointer?
    private let onResponse: ResponseHandler
    /// SNMPv3: this destination's keys, put into net-snmp's USM table before each use.
    private var keys: USMKeys?
    private var keyFailure: String?
    /// SNMPv3 INFORM before the receiver's engine ID is known: the INFORM waits here while
    /// the discovery request is out, and goes when its Report has named the engine.
    private var heldInform: UnsafeMutablePointer<netsnmp_pdu>?
    private var discoveryRequestID: Int32 = 0

    private static let sysUpTime: [oid] = [1, 3, 6, 1, 2, 1, 1, 3, 0]
    private static let snmpTrapOID: [oid] = [1, 3, 6, 1, 6, 3, 1, 1, 4, 1, 0]
    private static let snmpTrapEnterprise: [oid] = [1, 3, 6, 1, 6, 3, 1, 1, 4, 3, 0]

    /// - Parameters:
    ///   - informTimeout: how long net-snmp keeps an INFORM outstanding (the ack timeout).
    ///   - engineID: this BMC's SNMPv3 engine ID, for traps (the sender is authoritative).
    ///   - clientAddress: the local address to send from (a fleet member's own); nil for any.
    init(destination: AlertDestination, community: String, informTimeout: Double, engineID: [UInt8],
         clientAddress: String? = nil, onResponse: @escaping ResponseHandler) throws {
        version = destination.version
        // net-snmp binds a client session's socket to its process-wide client address; set
        // it for this open alone (sessions are opened on the sender thread only).
        ipmigod_set_client_address(clientAddress)
        defer { ipmigod_set_client_address(nil) }
        self.onResponse = onResponse
        let peer = "udp:" + destination.address.map(String.init).joined(separator: ".") + ":\(destination.port)"
        let timeout = max(1, Int(informTimeout * 1_000_000))
        let magic = Unmanaged.passUnretained(self).toOpaque()
        let callback: netsnmp_callback = { operation, _, requestID, pdu, magic in
            guard let magic else { return 1 }
            let session = Unmanaged<SNMPSession>.fromOpaque(magic).takeUnretainedValue()
            // The discovery request's Report (or timeout) is the session's own business.
            guard requestID != session.discoveryRequestID else { return 1 }
            let acknowledged = operation == ipmigod_CALLBACK_OP_RECEIVED_MESSAGE && ipmigod_pdu_is_success_response(pdu) != 0
            session.onResponse(requestID, acknowledged)
            return 1
        }
        switch destination.version {
        case .v1, .v2c:
            let snmpVersion = destination.version == .v1 ? ipmigod_SNMP_VERSION_1 : ipmigod_SNMP_VERSION_2c
            handle = ipmigod_session_open_community(peer, Int(snmpVersion), community, timeout, callback, magic)
        case .v3:
            guard let credentials = destination.v3 else { throw OpenFailed(description: "SNMPv3 destination without credentials") }
            let keys = try USMKeys(credentials)
            // An INFORM discovers the receiver's engine; a trap is sent from ours.
            let ownEngine = destination.isAcknowledged ? [] : engineID
            handle = ownEngine.withUnsafeBufferPointer { engine in
                ipmigod_session_open_v3(peer, credentials.user, keys.authMasterKey, keys.authMasterKey.count,
                                        keys.privMasterKey, keys.privMasterKey.count,
                                        engine.baseAddress, engine.count, timeout, callback, magic)
            }
            self.keys = keys
        }
        guard let handle else { throw OpenFailed(description: "cannot open an SNMP session to \(peer)") }
        if version == .v3 && destination.isAcknowledged { ipmigod_session_defer_discovery(handle) }
    }

    deinit { close() }

    func close() {
        if let heldInform { ipmigod_pdu_free(heldInform) }
        heldInform = nil
        if let handle { ipmigod_session_close(handle) }
        handle = nil
    }

    var fileDescriptor: Int32 { handle.map { ipmigod_session_fd($0) } ?? -1 }

    /// Reads a response (an INFORM's, checked and decrypted with this destination's keys).
    func read() {
        guard let handle else { return }
        // Read even without the keys in place: the message is then refused, not left waiting.
        _ = useOwnKeys()
        ipmigod_session_read(handle)
        sendHeldInformOnceDiscovered()
    }

    /// After the discovery Report has named the receiver's engine: the USM entry for it,
    /// keyed with this destination's keys, and the INFORM that waited.
    private func sendHeldInformOnceDiscovered() {
        guard let handle, let inform = heldInform, !securityEngineID.isEmpty else { return }
        heldInform = nil
        discoveryRequestID = 0
        _ = ipmigod_session_create_user(handle)
        guard useOwnKeys() else {
            ipmigod_pdu_free(inform)
            return
        }
        // A failure here is retried with the next attempt the sender schedules.
        _ = ipmigod_session_send(handle, inform)
    }
    /// Builds nothing: net-snmp makes no retries of its own here (the sender schedules them).
    func expire() { if let handle { ipmigod_session_timeout(handle) } }

    var lastError: String {
        if let keyFailure { return keyFailure }
        guard let handle else { return "session closed" }
        return String(cString: ipmigod_session_error(handle))
    }

    /// The engine this session's SNMPv3 messages are keyed for: ours for a trap, the
    /// receiver's for an INFORM once discovery has found it (empty until then).
    private var securityEngineID: [UInt8] {
        guard let handle, let session = ipmigod_session_state(handle), let engine = session.pointee.securityEngineID else { return [] }
        return Array(UnsafeBufferPointer(start: engine, count: session.pointee.securityEngineIDLen))
    }

    /// net-snmp keys every SNMPv3 message it builds or checks from its one process-wide USM
    /// table, by (security engine ID, user name), never from the session; and it fills an
    /// entry only when it creates it. Destinations with one user name but different
    /// passphrases share an entry whenever they share the engine: every trap destination
    /// (our engine), and INFORM destinations whose receivers have one engine ID. So before
    /// each call that may build or check one of this session's messages, the entry gets
    /// this destination's keys. Sessions live on the sender thread alone, so no other
    /// session's message comes between. False (and `lastError` says why) when it cannot.
    /// Before an INFORM session has discovered the receiver's engine there is nothing to key.
    private func useOwnKeys() -> Bool {
        let engineID = securityEngineID
        guard keys != nil, !engineID.isEmpty else { return true }
        keyFailure = keys?.install(engineID: engineID)
        return keyFailure == nil
    }

    /// Sends the trap: an SNMPv1 Trap-PDU, or the RFC 3584 SNMPv2 form as a trap or, when
    /// `inform` is set, an INFORM. Returns the request ID (to match the response), or nil.
    func send(_ trap: PlatformEventTrap, inform: Bool, agentAddress: [UInt8], uptime: UInt32) -> Int32? {
        guard let handle, useOwnKeys() else { return nil }
        let pdu: UnsafeMutablePointer<netsnmp_pdu>
        if version == .v1 {
            pdu = ipmigod_pdu_create(ipmigod_SNMP_MSG_TRAP)
            let enterprise = PET.enterpriseOID.map(oid.init)
            let address = agentAddress.count == 4 ? agentAddress : [0, 0, 0, 0]
            ipmigod_pdu_set_v1_trap(pdu, enterprise, enterprise.count, address, Int(trap.specificTrap), UInt(uptime))
        } else {
            pdu = ipmigod_pdu_create(inform ? ipmigod_SNMP_MSG_INFORM : ipmigod_SNMP_MSG_TRAP2)
            let notification = PET.notificationOID(specificTrap: trap.specificTrap).map(oid.init)
            ipmigod_pdu_add_timeticks(pdu, Self.sysUpTime, Self.sysUpTime.count, UInt(uptime))
            ipmigod_pdu_add_oid(pdu, Self.snmpTrapOID, Self.snmpTrapOID.count, notification, notification.count)
        }
        let varbind = PET.varbindOID.map(oid.init)
        ipmigod_pdu_add_octets(pdu, varbind, varbind.count, trap.payload, trap.payload.count)
        if version != .v1 {
            let enterprise = PET.enterpriseOID.map(oid.init)
            ipmigod_pdu_add_oid(pdu, Self.snmpTrapEnterprise, Self.snmpTrapEnterprise.count, enterprise, enterprise.count)
        }
        if inform && version == .v3 && securityEngineID.isEmpty {
            return holdWhileDiscovering(pdu)
        }
        let requestID = ipmigod_session_send(handle, pdu)
        return requestID == 0 ? nil : requestID
    }

    /// RFC 3414's discovery, without blocking the sender thread: the INFORM is held (its
    /// request ID is already its own, for the acknowledgement) and a discovery request goes
    /// out; `read()` sends the INFORM when the Report comes. A receiver that does not answer
    /// gets a fresh discovery with the sender's next attempt.
    private func holdWhileDiscovering(_ inform: UnsafeMutablePointer<netsnmp_pdu>) -> Int32? {
        guard let handle else {
            ipmigod_pdu_free(inform)
            return nil
        }
        if let heldInform { ipmigod_pdu_free(heldInform) }
        heldInform = inform
        discoveryRequestID = ipmigod_session_send_discovery(handle)
        guard discoveryRequestID != 0 else {
            heldInform = nil
            ipmigod_pdu_free(inform)
            return nil
        }
        return Int32(truncatingIfNeeded: inform.pointee.reqid)
    }
}

/// An SNMPv3 user's keys for HMAC-SHA1-96 authentication and AES-128 privacy.
struct USMKeys {
    let user: String
    /// Ku: each passphrase through RFC 3414's password-to-key with SHA-1; engine-independent.
    let authMasterKey: [UInt8]
    let privMasterKey: [UInt8]
    /// Kul: the master keys localized to `localizedEngineID` (RFC 3414 A.2.2; RFC 3826 takes
    /// the AES key from the privacy Kul, localized with the authentication hash).
    private var localizedEngineID: [UInt8] = []
    private var authKey: [UInt8] = []
    private var privKey: [UInt8] = []

    init(_ credentials: AlertDestination.V3Credentials) throws {
        user = credentials.user
        authMasterKey = try Self.masterKey(credentials.authPassphrase)
        privMasterKey = try Self.masterKey(credentials.privPassphrase)
    }

    /// Puts these keys, localized to `engineID`, into net-snmp's USM entry for (`engineID`,
    /// user), which the session created when it opened (with SHA-1 and AES-128, like every
    /// entry of this process). Returns why not when it cannot.
    mutating func install(engineID: [UInt8]) -> String? {
        guard !engineID.isEmpty else { return "no SNMPv3 engine ID to key \(user) for" }
        if engineID != localizedEngineID {
            guard let auth = Self.localize(authMasterKey, to: engineID),
                  let priv = Self.localize(privMasterKey, to: engineID) else {
                return "cannot localize the SNMPv3 keys of \(user)"
            }
            (localizedEngineID, authKey, privKey) = (engineID, auth, priv)
        }
        guard let entry = ipmigod_usm_get_user(engineID, engineID.count, user) else {
            return "no SNMPv3 user \(user) for the session's engine"
        }
        guard let auth = Self.store(authKey, in: entry.pointee.authKey, length: entry.pointee.authKeyLen) else {
            return "out of memory"
        }
        entry.pointee.authKey = auth
        entry.pointee.authKeyLen = authKey.count
        guard let priv = Self.store(privKey, in: entry.pointee.privKey, length: entry.pointee.privKeyLen) else {
            return "out of memory"
        }
        entry.pointee.privKey = priv
        entry.pointee.privKeyLen = privKey.count
        return nil
    }

    private static func masterKey(_ passphrase: String) throws -> [UInt8] {
        var key = [UInt8](repeating: 0, count: Int(USM_AUTH_KU_LEN))
        var length = key.count
        let bytes = Array(passphrase.utf8)
        guard ipmigod_generate_ku(bytes, bytes.count, &key, &length) == SNMPERR_SUCCESS else {
            throw SNMPSession.OpenFailed(description: "cannot derive an SNMPv3 key (passphrases need 8 characters or more)")
        }
        return Array(key.prefix(length))
    }

    private static func localize(_ masterKey: [UInt8], to engineID: [UInt8]) -> [UInt8]? {
        var key = [UInt8](repeating: 0, count: Int(USM_LENGTH_KU_HASHBLOCK))
        var length = key.count
        let status = ipmigod_generate_kul(engineID, engineID.count, masterKey, masterKey.count, &key, &length)
        guard status == SNMPERR_SUCCESS else { return nil }
        return Array(key.prefix(length))
    }

    /// `key` in `buffer` (net-snmp's, malloc'd) when it is the right size, else in a new
    /// one (the old one wiped and freed); nil when out of memory.
    private static func store(_ key: [UInt8], in buffer: UnsafeMutablePointer<u_char>?,
                              length: Int) -> UnsafeMutablePointer<u_char>? {
        var target = buffer
        if buffer == nil || length != key.count {
            guard let fresh = malloc(key.count) else { return nil }
            if let buffer {
                memset(buffer, 0, length)
                free(buffer)
            }
            target = fresh.assumingMemoryBound(to: u_char.self)
        }
        target?.update(from: key, count: key.count)
        return target
    }
}
