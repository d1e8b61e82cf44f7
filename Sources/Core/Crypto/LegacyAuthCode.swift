import Crypto
import NIOCore

/// IPMI 1.5 per-message authentication codes (IPMI 2.0 section 22.17.1).
public enum LegacyAuthCode {
    /// The 16-byte code for one message. `password` is the user's password padded to 16 bytes.
    public static func compute(
        _ type: AuthenticationType, password: [UInt8], sessionID: UInt32, sequence: UInt32, message: ByteBufferView
    ) -> [UInt8]? {
        switch type {
        case .straightPassword:
            return password
        case .md5:
            // MD5(password | session ID | message | session sequence | password)
            var md5 = Insecure.MD5()
            md5.update(data: password)
            withUnsafeBytes(of: sessionID.littleEndian) { md5.update(bufferPointer: $0) }
            message.withContiguousStorageIfAvailable { md5.update(bufferPointer: UnsafeRawBufferPointer($0)) }
                ?? md5.update(data: Array(message))
            withUnsafeBytes(of: sequence.littleEndian) { md5.update(bufferPointer: $0) }
            md5.update(data: password)
            return Array(md5.finalize())
        case .none, .md2, .oem, .rmcpPlus:
            return nil
        }
    }
}
