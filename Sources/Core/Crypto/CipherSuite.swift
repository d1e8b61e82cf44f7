/// A standard cipher suite (IPMI 2.0 table 22-20): one authentication, integrity and
/// confidentiality algorithm under one ID.
public struct CipherSuite: Hashable, Sendable {
    public let id: UInt8
    public let authentication: AuthenticationAlgorithm
    public let integrity: IntegrityAlgorithm
    public let confidentiality: ConfidentialityAlgorithm

    /// Every suite ipmigod implements. Which of them a channel offers is configuration.
    public static let supported: [CipherSuite] = [
        CipherSuite(id: 0, authentication: .none, integrity: .none, confidentiality: .none),
        CipherSuite(id: 1, authentication: .hmacSHA1, integrity: .none, confidentiality: .none),
        CipherSuite(id: 2, authentication: .hmacSHA1, integrity: .hmacSHA1_96, confidentiality: .none),
        CipherSuite(id: 3, authentication: .hmacSHA1, integrity: .hmacSHA1_96, confidentiality: .aesCBC128),
        CipherSuite(id: 6, authentication: .hmacMD5, integrity: .none, confidentiality: .none),
        CipherSuite(id: 7, authentication: .hmacMD5, integrity: .hmacMD5_128, confidentiality: .none),
        CipherSuite(id: 8, authentication: .hmacMD5, integrity: .hmacMD5_128, confidentiality: .aesCBC128),
        CipherSuite(id: 11, authentication: .hmacMD5, integrity: .md5_128, confidentiality: .none),
        CipherSuite(id: 12, authentication: .hmacMD5, integrity: .md5_128, confidentiality: .aesCBC128),
        CipherSuite(id: 15, authentication: .hmacSHA256, integrity: .none, confidentiality: .none),
        CipherSuite(id: 16, authentication: .hmacSHA256, integrity: .hmacSHA256_128, confidentiality: .none),
        CipherSuite(id: 17, authentication: .hmacSHA256, integrity: .hmacSHA256_128, confidentiality: .aesCBC128),
    ]

    public static func supported(id: UInt8) -> CipherSuite? {
        supported.first { $0.id == id }
    }

    /// The suite made of exactly these algorithms, if ipmigod implements one.
    public static func matching(_ authentication: UInt8, _ integrity: UInt8, _ confidentiality: UInt8) -> CipherSuite? {
        supported.first {
            $0.authentication.rawValue == authentication && $0.integrity.rawValue == integrity
                && $0.confidentiality.rawValue == confidentiality
        }
    }
}
