import CBoringSSLPrimitives

/// Cryptographically secure random numbers for session IDs, the BMC's RAKP random number,
/// challenges and IV salts: BoringSSL's DRBG, drawn 256 bytes at a time.
///
/// `SystemRandomNumberGenerator` is as secure but makes a getrandom(2) system call for every
/// eight bytes, four per session setup (0.5 µs each on the benchmark machine). A DRBG call
/// costs about as much again whatever it returns, so a generator keeps a pool and refills it
/// every nine setups or so. Each byte is zeroed as it is handed out. A BMC's generator belongs
/// to its event loop, and the daemon never forks without exec.
public struct SecureRandom: RandomNumberGenerator {
    private static let poolSize = 256
    private var pool = [UInt8](repeating: 0, count: SecureRandom.poolSize)
    private var taken = SecureRandom.poolSize

    public init() {}

    public mutating func next() -> UInt64 {
        var value: UInt64 = 0
        withUnsafeMutableBytes(of: &value) { fill($0) }
        return value
    }

    /// `count` random bytes.
    public mutating func bytes(_ count: Int) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: count) { bytes, initialized in
            fill(UnsafeMutableRawBufferPointer(bytes))
            initialized = count
        }
    }

    /// Fills `bytes` with random bytes.
    public mutating func fill(_ bytes: UnsafeMutableRawBufferPointer) {
        var filled = 0
        while filled < bytes.count {
            if taken == Self.poolSize { refill() }
            let count = min(bytes.count - filled, Self.poolSize - taken)
            pool.withUnsafeMutableBytes { pool in
                let source = UnsafeMutableRawBufferPointer(rebasing: pool[taken..<taken + count])
                UnsafeMutableRawBufferPointer(rebasing: bytes[filled..<filled + count]).copyMemory(from: UnsafeRawBufferPointer(source))
                source.initializeMemory(as: UInt8.self, repeating: 0)
            }
            taken += count
            filled += count
        }
    }

    private mutating func refill() {
        pool.withUnsafeMutableBufferPointer { pool in
            // Always returns 1: BoringSSL aborts rather than hand out weak bytes.
            _ = CCryptoBoringSSL_RAND_bytes(pool.baseAddress, pool.count)
        }
        taken = 0
    }
}
