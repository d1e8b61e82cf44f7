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
        (inner, outer) = Self.padStates(key: key)
    }

    init(key: [UInt8]) {
        self = key.withUnsafeBytes { KeyedHash(key: $0) }
    }

    /// The authentication code of `message`.
    func code(over message: UnsafeRawBufferPointer) -> H.Digest {
        // Each copy is a new hash context (swift-crypto's states are copy-on-write objects).
        var inner = self.inner
        inner.update(bufferPointer: message)
        var outer = self.outer
        inner.finalize().withUnsafeBytes { outer.update(bufferPointer: $0) }
        return outer.finalize()
    }

    /// The authentication code of `message`, as bytes.
    func code(over message: [UInt8]) -> [UInt8] {
        message.withUnsafeBytes { Self.bytes(of: code(over: $0)) }
    }

    /// The code of one message under `key`, for a key used once (the handshake's): the
    /// two keyed states are used up in place, where `KeyedHash(key:).code(over:)` would
    /// copy them, two more hash contexts.
    static func code(key: [UInt8], over message: [UInt8]) -> [UInt8] {
        var (inner, outer) = key.withUnsafeBytes { padStates(key: $0) }
        message.withUnsafeBytes { inner.update(bufferPointer: $0) }
        inner.finalize().withUnsafeBytes { outer.update(bufferPointer: $0) }
        return bytes(of: outer.finalize())
    }

    /// A digest's bytes, copied in one step: `Array(digest)` goes through the digest's
    /// iterator a byte at a time (about 1,000 instructions for 20 bytes).
    static func bytes(of digest: H.Digest) -> [UInt8] {
        digest.withUnsafeBytes { source in
            [UInt8](unsafeUninitializedCapacity: source.count) { bytes, count in
                UnsafeMutableRawBufferPointer(bytes).copyMemory(from: source)
                count = source.count
            }
        }
    }

    /// The hash states after the inner and outer key pads. The pad is built on the stack.
    private static func padStates(key: UnsafeRawBufferPointer) -> (inner: H, outer: H) {
        withUnsafeTemporaryAllocation(byteCount: H.blockByteCount, alignment: 8) { block in
            block.initializeMemory(as: UInt8.self, repeating: 0)
            if key.count > H.blockByteCount {
                var hash = H()
                hash.update(bufferPointer: key)
                hash.finalize().withUnsafeBytes { block.copyMemory(from: $0) }
            } else {
                block.copyMemory(from: key)
            }
            var inner = H()
            var outer = H()
            for index in block.indices { block[index] ^= 0x36 }
            inner.update(bufferPointer: UnsafeRawBufferPointer(block))
            for index in block.indices { block[index] ^= 0x36 ^ 0x5C }
            outer.update(bufferPointer: UnsafeRawBufferPointer(block))
            return (inner, outer)
        }
    }
}
