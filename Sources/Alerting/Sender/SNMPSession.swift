import CNetSNMP
import IPMICore

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

    private static let sysUpTime: [oid] = [1, 3, 6, 1, 2, 1, 1, 3, 0]
    private static let snmpTrapOID: [oid] = [1, 3, 6, 1, 6, 3, 1, 1, 4, 1, 0]
    private static let snmpTrapEnterprise: [oid] = [1, 3, 6, 1, 6, 3, 1, 1, 4, 3, 0]

    /// - Parameters:
    ///   - informTimeout: how long net-snmp keeps an INFORM outstanding (the ack timeout).
    ///   - engineID: this BMC's SNMPv3 engine ID, for traps (the sender is authoritative).
    init(destination: AlertDestination, community: String, informTimeout: Double, engineID: [UInt8],
         onResponse: @escaping ResponseHandler) throws {
        version = destination.version
        self.onResponse = onResponse
        let peer = "udp:" + destination.address.map(String.init).joined(separator: ".") + ":\(destination.port)"
        let timeout = max(1, Int(informTimeout * 1_000_000))
        let magic = Unmanaged.passUnretained(self).toOpaque()
        let callback: netsnmp_callback = { operation, _, requestID, pdu, magic in
            guard let magic else { return 1 }
            let session = Unmanaged<SNMPSession>.fromOpaque(magic).takeUnretainedValue()
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
            // An INFORM discovers the receiver's engine; a trap is sent from ours.
            let ownEngine = destination.isAcknowledged ? [] : engineID
            handle = ownEngine.withUnsafeBufferPointer { engine in
                ipmigod_session_open_v3(peer, credentials.user, credentials.authPassphrase, credentials.privPassphrase,
                                        engine.baseAddress, engine.count, timeout, callback, magic)
            }
        }
        guard handle != nil else { throw OpenFailed(description: "cannot open an SNMP session to \(peer)") }
    }

    deinit { close() }

    func close() {
        if let handle { ipmigod_session_close(handle) }
        handle = nil
    }

    var fileDescriptor: Int32 { handle.map { ipmigod_session_fd($0) } ?? -1 }

    func read() { if let handle { ipmigod_session_read(handle) } }
    func expire() { if let handle { ipmigod_session_timeout(handle) } }

    var lastError: String {
        guard let handle else { return "session closed" }
        return String(cString: ipmigod_session_error(handle))
    }

    /// Sends the trap: an SNMPv1 Trap-PDU, or the RFC 3584 SNMPv2 form as a trap or, when
    /// `inform` is set, an INFORM. Returns the request ID (to match the response), or nil.
    func send(_ trap: PlatformEventTrap, inform: Bool, agentAddress: [UInt8], uptime: UInt32) -> Int32? {
        guard let handle else { return nil }
        let pdu: UnsafeMutablePointer<netsnmp_pdu>
        if version == .v1 {
            pdu = snmp_pdu_create(ipmigod_SNMP_MSG_TRAP)
            let enterprise = PET.enterpriseOID.map(oid.init)
            let address = agentAddress.count == 4 ? agentAddress : [0, 0, 0, 0]
            ipmigod_pdu_set_v1_trap(pdu, enterprise, enterprise.count, address, Int(trap.specificTrap), UInt(uptime))
        } else {
            pdu = snmp_pdu_create(inform ? ipmigod_SNMP_MSG_INFORM : ipmigod_SNMP_MSG_TRAP2)
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
        let requestID = ipmigod_session_send(handle, pdu)
        return requestID == 0 ? nil : requestID
    }
}
