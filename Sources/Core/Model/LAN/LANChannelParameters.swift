/// The read-only LAN parameters that describe what the channel accepts, derived from the
/// channel's configuration so they can never disagree with what sessions actually allow.
extension LANChannelConfiguration {
    /// Parameter 1: every IPMI 1.5 authentication type enabled at any privilege.
    var authTypeSupport: UInt8 {
        legacyAuthTypes.values.reduce(0) { bits, types in types.reduce(bits) { $0 | $1.supportBit } }
    }

    /// Parameter 2's value until a client sets one: callback, user, operator, administrator, OEM.
    var authTypeEnables: [UInt8] {
        [PrivilegeLevel.callback, .user, .operator, .administrator, .oem].map { level in
            (legacyAuthTypes[level] ?? []).reduce(0) { $0 | $1.supportBit }
        }
    }

    /// Parameter 23: a reserved byte, then the IDs of the suites the channel offers.
    var cipherSuiteEntries: [UInt8] { [0] + cipherSuites.prefix(16).map(\.id) }

    /// Parameter 24: a reserved byte, then the maximum privilege for cipher suite IDs 0..15,
    /// two to a byte, low nibble first, 0 for suites not offered. Indexed by suite ID, not by
    /// entry of parameter 23: ipmitool and freeipmi both read it so. IDs past 15 have no slot.
    var cipherSuitePrivileges: [UInt8] {
        var nibbles = [UInt8](repeating: 0, count: 16)
        for suite in cipherSuites where suite.id < 16 {
            nibbles[Int(suite.id)] = suite.maximumPrivilege.rawValue
        }
        return [0] + stride(from: 0, to: 16, by: 2).map { nibbles[$0] | nibbles[$0 + 1] << 4 }
    }

    /// Checks a Set of parameter 24 against the suites offered: each offered suite (IDs 0..15)
    /// needs a privilege from callback (1) to OEM (5); the nibbles of suites not offered are
    /// stored as 0 ("unused"), whatever was sent, so a read shows only what is enforced.
    func validatedCipherSuitePrivileges(_ data: [UInt8]) throws(CompletionCode) -> [UInt8] {
        guard data.count == 9 else { throw .requestDataLengthInvalid }
        var nibbles = [UInt8](repeating: 0, count: 16)
        for suite in cipherSuites where suite.id < 16 {
            let byte = data[1 + Int(suite.id) / 2]
            let level = suite.id % 2 == 0 ? byte & 0x0F : byte >> 4
            guard (PrivilegeLevel.callback.rawValue...PrivilegeLevel.oem.rawValue).contains(level) else { throw .invalidDataField }
            nibbles[Int(suite.id)] = level
        }
        return [0] + stride(from: 0, to: 16, by: 2).map { nibbles[$0] | nibbles[$0 + 1] << 4 }
    }
}
