import Crypto
import _CryptoExtras

/// AES-128-CBC over whole blocks, in place, on swift-crypto's AES block function.
///
/// `AES._CBC` would do the same, but through `Data` and generic collections: a few heap
/// allocations and runtime generic lookups per packet. The packets here are a few blocks
/// long and already in a buffer, so the chaining is written out over that buffer.
struct AESCBC {
    static let blockSize = 16
    let key: SymmetricKey

    /// Encrypts `blocks` (a whole number of them) chained from `iv`.
    func encrypt(_ blocks: UnsafeMutableRawBufferPointer, iv: UnsafeRawBufferPointer) {
        var previous = Self.load(iv)
        for offset in stride(from: 0, to: blocks.count, by: Self.blockSize) {
            var block = UnsafeMutableRawBufferPointer(rebasing: blocks[offset..<offset + Self.blockSize])
            Self.store(Self.load(UnsafeRawBufferPointer(block)) ^ previous, to: block)
            // Cannot fail: the block is 16 bytes and the key 128 bits.
            try! AES.permute(&block, key: key)
            previous = Self.load(UnsafeRawBufferPointer(block))
        }
    }

    /// Decrypts `blocks` (a whole number of them) chained from `iv`.
    func decrypt(_ blocks: UnsafeMutableRawBufferPointer, iv: UnsafeRawBufferPointer) {
        var previous = Self.load(iv)
        for offset in stride(from: 0, to: blocks.count, by: Self.blockSize) {
            var block = UnsafeMutableRawBufferPointer(rebasing: blocks[offset..<offset + Self.blockSize])
            let cipherText = Self.load(UnsafeRawBufferPointer(block))
            try! AES.inversePermute(&block, key: key)
            Self.store(Self.load(UnsafeRawBufferPointer(block)) ^ previous, to: block)
            previous = cipherText
        }
    }

    /// Encrypts one block in place (ECB), as the IV of a packet is derived.
    func permute(_ block: UnsafeMutableRawBufferPointer) {
        var block = block
        try! AES.permute(&block, key: key)
    }

    private struct Block {
        var low: UInt64
        var high: UInt64
        static func ^ (lhs: Block, rhs: Block) -> Block { Block(low: lhs.low ^ rhs.low, high: lhs.high ^ rhs.high) }
    }

    private static func load(_ bytes: UnsafeRawBufferPointer) -> Block {
        Block(low: bytes.loadUnaligned(fromByteOffset: 0, as: UInt64.self),
              high: bytes.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
    }

    private static func store(_ block: Block, to bytes: UnsafeMutableRawBufferPointer) {
        bytes.storeBytes(of: block.low, toByteOffset: 0, as: UInt64.self)
        bytes.storeBytes(of: block.high, toByteOffset: 8, as: UInt64.self)
    }
}
