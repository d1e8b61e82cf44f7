import CBoringSSLPrimitives

/// Cryptographically secure random numbers from BoringSSL's DRBG, for session IDs, the BMC's
/// RAKP random number, challenges and IV salts.
///
/// `SystemRandomNumberGenerator` is as secure but makes a getrandom(2) system call for every
/// eight bytes: four per session setup. BoringSSL's generator is seeded from the kernel and
/// reseeds itself after a fork; between reseeds it needs no system call.
public struct SecureRandom: RandomNumberGenerator {
    public init() {}

    public mutating func next() -> UInt64 {
        var value: UInt64 = 0
        withUnsafeMutableBytes(of: &value) { Self.fill($0) }
        return value
    }

    /// Fills `bytes` with random bytes.
    public static func fill(_ bytes: UnsafeMutableRawBufferPointer) {
        guard let start = bytes.baseAddress else { return }
        _ = CCryptoBoringSSL_RAND_bytes(start.assumingMemoryBound(to: UInt8.self), bytes.count)
    }

    /// `count` random bytes.
    public static func bytes(_ count: Int) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: count) { bytes, initialized in
            fill(UnsafeMutableRawBufferPointer(bytes))
            initialized = count
        }
    }
}
