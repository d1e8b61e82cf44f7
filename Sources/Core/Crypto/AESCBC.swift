import CBoringSSLPrimitives

/// AES-128-CBC over whole blocks, in place, on BoringSSL's AES with the key schedules made
/// once per session.
///
/// swift-crypto offers CBC (`AES._CBC`) only through `Data` and generic collections, and its
/// block function (`AES.permute`) expands the key again for every block: a few heap
/// allocations and four key expansions per packet. The packets here are a few blocks long and
/// already in a buffer. The schedules are zeroed when the session goes.
final class AESCBC {
    static let blockSize = 16

    /// The encryption schedule, then the decryption one.
    private let schedules: UnsafeMutablePointer<AES_KEY>

    /// `key` is 16 bytes: the first 128 bits of K2.
    init(key: ArraySlice<UInt8>) {
        precondition(key.count == 16)
        schedules = .allocate(capacity: 2)
        key.withUnsafeBufferPointer { key in
            // Cannot fail: the key is 128 bits and the schedules are there.
            _ = CCryptoBoringSSL_AES_set_encrypt_key(key.baseAddress, 128, schedules)
            _ = CCryptoBoringSSL_AES_set_decrypt_key(key.baseAddress, 128, schedules + 1)
        }
    }

    deinit {
        UnsafeMutableRawPointer(schedules).initializeMemory(as: UInt8.self, repeating: 0,
                                                             count: 2 * MemoryLayout<AES_KEY>.stride)
        schedules.deallocate()
    }

    /// Encrypts `blocks` (a whole number of them) chained from `iv`.
    func encrypt(_ blocks: UnsafeMutableRawBufferPointer, iv: UnsafeRawBufferPointer) {
        chain(blocks, iv: iv, schedule: schedules, encrypting: true)
    }

    /// Decrypts `blocks` (a whole number of them) chained from `iv`.
    func decrypt(_ blocks: UnsafeMutableRawBufferPointer, iv: UnsafeRawBufferPointer) {
        chain(blocks, iv: iv, schedule: schedules + 1, encrypting: false)
    }

    /// Encrypts one block in place (ECB), as the IV of a packet is derived.
    func permute(_ block: UnsafeMutableRawBufferPointer) {
        precondition(block.count == Self.blockSize)
        let bytes = block.baseAddress!.assumingMemoryBound(to: UInt8.self)
        CCryptoBoringSSL_AES_encrypt(bytes, bytes, schedules)
    }

    private func chain(_ blocks: UnsafeMutableRawBufferPointer, iv: UnsafeRawBufferPointer,
                       schedule: UnsafePointer<AES_KEY>, encrypting: Bool) {
        precondition(blocks.count % Self.blockSize == 0 && iv.count == Self.blockSize)
        guard let bytes = blocks.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return }
        // AES_cbc_encrypt leaves the last block in the IV it is given: a copy on the stack.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: Self.blockSize) { chainingIV in
            UnsafeMutableRawBufferPointer(chainingIV).copyMemory(from: iv)
            CCryptoBoringSSL_AES_cbc_encrypt(bytes, bytes, blocks.count, schedule, chainingIV.baseAddress,
                                             encrypting ? 1 : 0)
        }
    }
}
