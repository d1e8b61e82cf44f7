import Crypto

/// HMAC (RFC 2104) over one of swift-crypto's hash functions, keyed once: the hash states
/// that absorbed the inner and outer key pads are kept, and each message starts from copies
/// of them instead of hashing the pads again.
///
/// Written out rather than using Crypto's `HMAC<H>`, whose generic methods are compiled in
/// that module unspecialized: every packet paid for runtime generic-metadata lookups there.
/// Here `H` is always concrete at the call site, so the compiler specializes it.
struct KeyedHash<H: HashFunction> {
    private let inner: H
    private let outer: H

    init(key: UnsafeRawBufferPointer) {
        var block = [UInt8](repeating: 0, count: H.blockByteCount)
        if key.count > H.blockByteCount {
            var hash = H()
            hash.update(bufferPointer: key)
            hash.finalize().withUnsafeBytes { digest in block.withUnsafeMutableBytes { $0.copyMemory(from: digest) } }
        } else {
            block.withUnsafeMutableBytes { $0.copyMemory(from: key) }
        }
        var inner = H()
        var outer = H()
        for index in block.indices { block[index] ^= 0x36 }
        block.withUnsafeBytes { inner.update(bufferPointer: $0) }
        for index in block.indices { block[index] ^= 0x36 ^ 0x5C }
        block.withUnsafeBytes { outer.update(bufferPointer: $0) }
        self.inner = inner
        self.outer = outer
    }

    init(key: [UInt8]) {
        self = key.withUnsafeBytes { KeyedHash(key: $0) }
    }

    /// The authentication code of `message`.
    func code(over message: UnsafeRawBufferPointer) -> H.Digest {
        var inner = self.inner
        inner.update(bufferPointer: message)
        var outer = self.outer
        inner.finalize().withUnsafeBytes { outer.update(bufferPointer: $0) }
        return outer.finalize()
    }

    /// The authentication code of `message`, as bytes.
    func code(over message: [UInt8]) -> [UInt8] {
        message.withUnsafeBytes { Array(code(over: $0)) }
    }
}
