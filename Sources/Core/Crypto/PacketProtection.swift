import Crypto
import NIOCore

/// The keys of an active RMCP+ session and the per-packet integrity and confidentiality
/// they provide (IPMI 2.0 sections 13.28 and 13.29). Symmetric: the console side of
/// tests and the benchmark uses it too. A class, though immutable: the session and every
/// response it wraps hold it, and a copy is one reference rather than four.
public final class PacketProtection {
    public let suite: CipherSuite
    /// The integrity HMAC, keyed with K1 once per session; nil for none and MD5-128.
    private let mac: HMACKey?
    /// MD5-128 is keyed with the user's password rather than K1.
    private let md5Password: [UInt8]
    private let cipher: AESCBC?
    /// Random per session, so IVs differ between sessions that share a key (they never
    /// should, but a console could reuse its random numbers).
    private let ivNonceSalt: UInt64

    public convenience init(suite: CipherSuite, sessionIntegrityKey sik: [UInt8], password: [UInt8]) {
        var random = SecureRandom()
        self.init(suite: suite, sessionIntegrityKey: suite.authentication.keyed(sik), password: password,
                  ivSalt: random.next())
    }

    /// The keys derived from the session integrity key, keyed once by the caller (who computes
    /// the RAKP 4 code with it too); `ivSalt` is random, from the caller's generator.
    init(suite: CipherSuite, sessionIntegrityKey sik: KeyedAuthentication, password: [UInt8], ivSalt: UInt64) {
        self.suite = suite
        ivNonceSalt = ivSalt << 32
        // Const1 and Const2 are 20 bytes whatever the hash (IPMI 2.0 section 13.32); ipmitool and freeipmi agree.
        let k1 = sik.code(over: Self.const1)
        let k2 = sik.code(over: Self.const2)
        mac = suite.integrity.hash.map { HMACKey($0, key: k1) }
        md5Password = password
        cipher = suite.confidentiality == .aesCBC128 && k2.count >= 16 ? AESCBC(key: k2.prefix(16)) : nil
    }

    private static let const1 = [UInt8](repeating: 0x01, count: 20)
    private static let const2 = [UInt8](repeating: 0x02, count: 20)

    public var isAuthenticated: Bool { suite.integrity != .none }
    public var isEncrypted: Bool { suite.confidentiality != .none }

    /// The integrity code over `region` (auth type byte through next header).
    public func authCode(over region: UnsafeRawBufferPointer) -> AuthCode {
        if let mac {
            return withUnsafeTemporaryAllocation(byteCount: HMACKey.maximumLength, alignment: 8) { code in
                _ = mac.code(over: region, into: code)
                return AuthCode(UnsafeRawBufferPointer(code), length: suite.integrity.authCodeLength)
            }
        }
        switch suite.integrity {
        case .md5_128:
            return md5Password.withUnsafeBytes { password in
                var md5 = Insecure.MD5()
                md5.update(bufferPointer: password)
                md5.update(bufferPointer: region)
                md5.update(bufferPointer: password)
                return AuthCode(md5.finalize(), length: 16)
            }
        default: return AuthCode()
        }
    }

    /// Checks the integrity code of an inbound packet.
    public func verify(_ packet: RMCPPlusPacket) -> Bool {
        guard let signedLength = packet.signedLength(authCodeLength: suite.integrity.authCodeLength) else {
            return false
        }
        return packet.sessionBytes.withUnsafeReadableBytes { bytes in
            authCode(over: UnsafeRawBufferPointer(rebasing: bytes[..<signedLength]))
                .matches(UnsafeRawBufferPointer(rebasing: bytes[signedLength...]))
        }
    }

    /// Decrypts an AES-CBC-128 payload: IV(16) | ciphertext of (message | 1 2 .. N | N).
    public func decrypt(_ payload: ByteBuffer) -> ByteBuffer? {
        var plain = ByteBuffer()
        return decrypt(payload, reusing: &plain)
    }

    /// Decrypts as `decrypt(_:)` does, into `storage` (cleared first), so that a caller that
    /// keeps one buffer for it does not allocate per packet. Without encryption, `payload`.
    public func decrypt(_ payload: ByteBuffer, reusing storage: inout ByteBuffer) -> ByteBuffer? {
        guard let cipher else { return payload }
        let count = payload.readableBytes
        guard count >= 32, count % AESCBC.blockSize == 0 else { return nil }
        storage.clear()
        payload.withUnsafeReadableBytes { payload in
            let iv = UnsafeRawBufferPointer(rebasing: payload[..<AESCBC.blockSize])
            storage.writeBytes(UnsafeRawBufferPointer(rebasing: payload[AESCBC.blockSize...]))
            storage.withUnsafeMutableReadableBytes { cipher.decrypt($0, iv: iv) }
        }
        // The pad bytes are 1, 2, 3 ... N; a console that sends anything else is broken or hostile.
        let messageLength = storage.withUnsafeReadableBytes { plain -> Int? in
            let padLength = Int(plain[plain.count - 1])
            let messageLength = plain.count - 1 - padLength
            guard messageLength >= 0 else { return nil }
            for index in 0..<padLength where plain[messageLength + index] != UInt8(index + 1) { return nil }
            return messageLength
        }
        guard let messageLength else { return nil }
        storage.moveWriterIndex(to: storage.readerIndex + messageLength)
        return storage
    }

    /// Appends `message` encrypted. The IV is the packet's sequence number encrypted under
    /// the session key (NIST SP 800-38A appendix C): unpredictable without the key, unique
    /// per packet, and free of a system call for random bytes on every reply.
    public func appendEncrypted(_ message: ByteBufferView, sequence: UInt32, to buffer: inout ByteBuffer) {
        guard let cipher else {
            buffer.writeBytes(message)
            return
        }
        let padLength = (AESCBC.blockSize - (message.count + 1) % AESCBC.blockSize) % AESCBC.blockSize
        let start = buffer.writerIndex
        buffer.writeInteger(UInt64(sequence) | ivNonceSalt, endianness: .host)
        buffer.writeInteger(UInt64(0x6970_6D69_676F_6400), endianness: .host) // "ipmigod", domain separation
        buffer.writeBytes(message)
        buffer.writeFields(capacity: AESCBC.blockSize) { pad in
            for index in 0..<padLength { pad.write(UInt8(index + 1)) }
            pad.write(UInt8(padLength))
        }
        let offset = start - buffer.readerIndex
        buffer.withUnsafeMutableReadableBytes { bytes in
            let packet = UnsafeMutableRawBufferPointer(rebasing: bytes[offset...])
            let iv = UnsafeMutableRawBufferPointer(rebasing: packet[..<AESCBC.blockSize])
            cipher.permute(iv)
            cipher.encrypt(UnsafeMutableRawBufferPointer(rebasing: packet[AESCBC.blockSize...]), iv: UnsafeRawBufferPointer(iv))
        }
    }
}

/// An integrity code of up to 16 bytes, held without allocating.
public struct AuthCode: Sendable {
    private var bytes: (UInt64, UInt64) = (0, 0)
    public private(set) var length = 0

    public init() {}

    init(_ code: UnsafeRawBufferPointer, length: Int) {
        self.length = length
        copy(code)
    }

    init(_ digest: some Digest, length: Int) {
        self.length = length
        digest.withUnsafeBytes { copy($0) }
    }

    private mutating func copy(_ source: UnsafeRawBufferPointer) {
        let count = length
        withUnsafeMutableBytes(of: &bytes) { $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: source.prefix(count))) }
    }

    public func write(to buffer: inout ByteBuffer) {
        _ = withUnsafeBytes(of: bytes) { buffer.writeBytes($0.prefix(length)) }
    }

    public func matches(_ other: UnsafeRawBufferPointer) -> Bool {
        withUnsafeBytes(of: bytes) { constantTimeEquals(UnsafeRawBufferPointer(rebasing: $0.prefix(length)), other) }
    }
}
