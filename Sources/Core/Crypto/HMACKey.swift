import CBoringSSLPrimitives

/// An HMAC key set up once in BoringSSL: the hash states after the inner and outer key pads
/// are kept, so each code hashes only the message and the outer block, and allocates nothing.
///
/// swift-crypto's `HMAC` (and its hash functions, on which this was built before) allocate a
/// hash context per code and copy it again to finalize; on the packet path that was a third of
/// the instructions outside the hashing itself. The context is mutated by every code: a key
/// belongs to one session, on one event loop.
final class HMACKey {
    /// The hash functions of the IPMI 2.0 HMACs.
    enum Hash {
        case md5, sha1, sha256

        fileprivate var evp: OpaquePointer {
            switch self {
            case .md5: CCryptoBoringSSL_EVP_md5()
            case .sha1: CCryptoBoringSSL_EVP_sha1()
            case .sha256: CCryptoBoringSSL_EVP_sha256()
            }
        }
    }

    /// The longest code: SHA-256's 32 bytes.
    static let maximumLength = Int(IPMIGOD_HMAC_MAX_LENGTH)

    private let context: OpaquePointer

    init(_ hash: Hash, key: [UInt8]) {
        // BoringSSL fails only when it cannot allocate, and nothing here can go on without memory.
        guard let context = CCryptoBoringSSL_HMAC_CTX_new(),
              key.withUnsafeBufferPointer({ ipmigod_hmac_set_key(context, hash.evp, $0.baseAddress, $0.count) }) == 1
        else { fatalError("BoringSSL could not allocate an HMAC context") }
        self.context = context
    }

    deinit { CCryptoBoringSSL_HMAC_CTX_free(context) }

    /// Writes the code of `message` to the start of `code` (at least `maximumLength` bytes)
    /// and returns its length.
    func code(over message: UnsafeRawBufferPointer, into code: UnsafeMutableRawBufferPointer) -> Int {
        precondition(code.count >= Self.maximumLength)
        let length = ipmigod_hmac_code(context, message.baseAddress?.assumingMemoryBound(to: UInt8.self), message.count,
                                       code.baseAddress!.assumingMemoryBound(to: UInt8.self))
        guard length > 0 else { fatalError("BoringSSL could not allocate for an HMAC") }
        return Int(length)
    }

    /// The code of `message`, as bytes.
    func code(over message: [UInt8]) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: Self.maximumLength) { bytes, count in
            count = message.withUnsafeBytes { code(over: $0, into: UnsafeMutableRawBufferPointer(bytes)) }
        }
    }

    /// The code of one message under a key used once (the handshake's RAKP codes).
    static func code(_ hash: Hash, key: [UInt8], over message: [UInt8]) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: maximumLength) { bytes, count in
            var length: UInt32 = 0
            key.withUnsafeBytes { key in
                message.withUnsafeBytes { message in
                    // A NULL key or message with a zero length is what BoringSSL expects of empty ones.
                    _ = CCryptoBoringSSL_HMAC(hash.evp, key.baseAddress, key.count,
                                              message.baseAddress?.assumingMemoryBound(to: UInt8.self), message.count,
                                              bytes.baseAddress, &length)
                }
            }
            count = Int(length)
        }
    }
}
