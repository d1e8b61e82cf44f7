import Crypto

/// RAKP authentication algorithms (IPMI 2.0 table 13-17).
public enum AuthenticationAlgorithm: UInt8, Sendable, CaseIterable {
    case none = 0x00
    case hmacSHA1 = 0x01
    case hmacMD5 = 0x02
    case hmacSHA256 = 0x03

    /// Length of the RAKP 4 integrity check value.
    public var integrityCheckValueLength: Int {
        switch self {
        case .none: 0
        case .hmacSHA1: 12
        case .hmacMD5: 16
        case .hmacSHA256: 16
        }
    }

    /// The hash of this algorithm's HMAC; nil for `.none`.
    var hash: HMACKey.Hash? {
        switch self {
        case .none: nil
        case .hmacSHA1: .sha1
        case .hmacMD5: .md5
        case .hmacSHA256: .sha256
        }
    }

    /// HMAC of `data` keyed with `key`; empty for `.none`.
    public func hmac(key: [UInt8], _ data: [UInt8]) -> [UInt8] {
        hash.map { HMACKey.code($0, key: key, over: data) } ?? []
    }

    /// This algorithm's HMAC keyed once with `key`, for several codes under one key.
    func keyed(_ key: [UInt8]) -> KeyedAuthentication {
        KeyedAuthentication(key: hash.map { HMACKey($0, key: key) })
    }
}

/// An authentication algorithm's HMAC keyed once: the session integrity key keys K1, K2
/// and the RAKP 4 code, so the BMC hashes its pads once instead of three times.
struct KeyedAuthentication {
    /// Nil for the algorithm `.none`.
    let key: HMACKey?

    /// The HMAC of `data`; empty for `.none`.
    func code(over data: [UInt8]) -> [UInt8] {
        key?.code(over: data) ?? []
    }
}

/// Per-packet integrity algorithms (IPMI 2.0 table 13-18).
public enum IntegrityAlgorithm: UInt8, Sendable, CaseIterable {
    case none = 0x00
    case hmacSHA1_96 = 0x01
    case hmacMD5_128 = 0x02
    case md5_128 = 0x03
    case hmacSHA256_128 = 0x04

    public var authCodeLength: Int {
        switch self {
        case .none: 0
        case .hmacSHA1_96: 12
        case .hmacMD5_128, .md5_128, .hmacSHA256_128: 16
        }
    }

    /// The hash of this algorithm's HMAC keyed with K1; nil for none and MD5-128 (a plain
    /// MD5 over the password and the packet).
    var hash: HMACKey.Hash? {
        switch self {
        case .none, .md5_128: nil
        case .hmacSHA1_96: .sha1
        case .hmacMD5_128: .md5
        case .hmacSHA256_128: .sha256
        }
    }
}

/// Payload encryption algorithms (IPMI 2.0 table 13-19).
public enum ConfidentialityAlgorithm: UInt8, Sendable, CaseIterable {
    case none = 0x00
    case aesCBC128 = 0x01
}
