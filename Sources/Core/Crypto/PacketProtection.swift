import Crypto
import _CryptoExtras
import NIOCore

/// The keys of an active RMCP+ session and the per-packet integrity and confidentiality
/// they provide (IPMI 2.0 sections 13.28 and 13.29). Symmetric: the console side of
/// tests and the benchmark uses it too.
public struct PacketProtection {
    /// The integrity HMAC, keyed with K1 once per session: each packet copies it instead of
    /// re-keying (which hashes both key pads again).
    private enum KeyedMAC {
        case none
        case sha1(HMAC<Insecure.SHA1>)
        case md5(HMAC<Insecure.MD5>)
        case sha256(HMAC<SHA256>)
    }

    public let suite: CipherSuite
    private let mac: KeyedMAC
    /// MD5-128 is keyed with the user's password rather than K1.
    private let md5Password: [UInt8]
    private let aesKey: SymmetricKey?
    /// Random per session, so IVs differ between sessions that share a key (they never
    /// should, but a console could reuse its random numbers).
    private let ivNonceSalt = UInt64.random(in: 0...UInt64.max) << 32

    public init(suite: CipherSuite, sessionIntegrityKey sik: [UInt8], password: [UInt8]) {
        self.suite = suite
        // Const1 and Const2 are 20 bytes whatever the hash (IPMI 2.0 section 13.32); ipmitool and freeipmi agree.
        let k1 = SymmetricKey(data: suite.authentication.hmac(key: sik, [UInt8](repeating: 0x01, count: 20)))
        let k2 = suite.authentication.hmac(key: sik, [UInt8](repeating: 0x02, count: 20))
        switch suite.integrity {
        case .none, .md5_128: mac = .none
        case .hmacSHA1_96: mac = .sha1(HMAC(key: k1))
        case .hmacMD5_128: mac = .md5(HMAC(key: k1))
        case .hmacSHA256_128: mac = .sha256(HMAC(key: k1))
        }
        md5Password = password
        aesKey = suite.confidentiality == .aesCBC128 && k2.count >= 16 ? SymmetricKey(data: k2.prefix(16)) : nil
    }

    public var isAuthenticated: Bool { suite.integrity != .none }
    public var isEncrypted: Bool { suite.confidentiality != .none }

    /// The integrity code over `region` (auth type byte through next header).
    public func authCode(over region: UnsafeRawBufferPointer) -> AuthCode {
        switch mac {
        case .sha1(var keyed):
            keyed.update(data: region)
            return AuthCode(keyed.finalize(), length: 12)
        case .md5(var keyed):
            keyed.update(data: region)
            return AuthCode(keyed.finalize(), length: 16)
        case .sha256(var keyed):
            keyed.update(data: region)
            return AuthCode(keyed.finalize(), length: 16)
        case .none where suite.integrity == .md5_128:
            var md5 = Insecure.MD5()
            md5.update(data: md5Password)
            md5.update(bufferPointer: region)
            md5.update(data: md5Password)
            return AuthCode(md5.finalize(), length: 16)
        case .none:
            return AuthCode()
        }
    }

    /// Checks the integrity code of an inbound packet.
    public func verify(_ packet: RMCPPlusPacket) -> Bool {
        guard let (signed, code) = packet.signedRegion(authCodeLength: suite.integrity.authCodeLength) else {
            return false
        }
        let expected = signed.withUnsafeReadableBytes { authCode(over: $0) }
        return code.withUnsafeReadableBytes { expected.matches($0) }
    }

    /// Decrypts an AES-CBC-128 payload: IV(16) | ciphertext of (message | 1 2 .. N | N).
    public func decrypt(_ payload: ByteBuffer) -> ByteBuffer? {
        guard let aesKey else { return payload }
        let count = payload.readableBytes
        guard count >= 32, count % 16 == 0,
              let ivBytes = payload.getBytes(at: payload.readerIndex, length: 16),
              let iv = try? AES._CBC.IV(ivBytes: ivBytes),
              let cipherText = payload.getBytes(at: payload.readerIndex + 16, length: count - 16),
              let plain = try? AES._CBC.decrypt(cipherText, using: aesKey, iv: iv, noPadding: true),
              let padLength = plain.last, Int(padLength) < plain.count
        else { return nil }
        // The pad bytes are 1, 2, 3 ... N; a console that sends anything else is broken or hostile.
        let messageLength = plain.count - 1 - Int(padLength)
        for index in 0..<Int(padLength) where plain[plain.startIndex + messageLength + index] != UInt8(index + 1) {
            return nil
        }
        return ByteBuffer(bytes: plain.prefix(messageLength))
    }

    /// Appends `message` encrypted. The IV is the packet's sequence number encrypted under
    /// the session key (NIST SP 800-38A appendix C): unpredictable without the key, unique
    /// per packet, and free of a system call for random bytes on every reply.
    public func appendEncrypted(_ message: ByteBufferView, sequence: UInt32, to buffer: inout ByteBuffer) {
        guard let aesKey else {
            buffer.writeBytes(message)
            return
        }
        var plain = [UInt8]()
        let padLength = (16 - (message.count + 1) % 16) % 16
        plain.reserveCapacity(message.count + padLength + 1)
        plain.append(contentsOf: message)
        for index in 0..<padLength { plain.append(UInt8(index + 1)) }
        plain.append(UInt8(padLength))
        var ivBlock = (UInt64(sequence) | ivNonceSalt, UInt64(0x6970_6D69_676F_6400)) // "ipmigod", domain separation
        // Cannot fail: the IV is 16 bytes, the key 128 bits and the input whole blocks.
        let cipherText = withUnsafeMutableBytes(of: &ivBlock) { ivRaw in
            var block = ivRaw
            try! AES.permute(&block, key: aesKey)
            buffer.writeBytes(ivRaw)
            return try! AES._CBC.encrypt(plain, using: aesKey, iv: AES._CBC.IV(ivBytes: ivRaw), noPadding: true)
        }
        buffer.writeBytes(cipherText)
    }
}

/// An integrity code of up to 16 bytes, held without allocating.
public struct AuthCode: Sendable {
    private var bytes: (UInt64, UInt64) = (0, 0)
    public private(set) var length = 0

    public init() {}

    init(_ digest: some MessageAuthenticationCode, length: Int) {
        self.length = length
        digest.withUnsafeBytes { copy($0) }
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
        withUnsafeBytes(of: bytes) { constantTimeEquals($0.prefix(length), other) }
    }
}
