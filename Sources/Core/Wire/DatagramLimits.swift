/// How large a datagram the BMC takes whole.
public enum DatagramLimits {
    /// The largest valid request is about 330 bytes: Write FRU Data with its 255 data bytes
    /// (265-byte IPMI message) in an RMCP+ session with AES-CBC-128 (16-byte IV, padding to
    /// 16: 288 bytes) and HMAC-SHA256-128 (integrity pad, pad length, next header, 16-byte
    /// code), behind the 12-byte session header and the 4-byte RMCP header. An IPMI 1.5
    /// message is at most 255 bytes plus 30 of headers. 1024 leaves room for requests that
    /// run over their command's limit, so they get the command's completion code (C7h, C8h)
    /// rather than silence; nothing longer can be valid, so it is dropped with a logged reason.
    public static let maximumSize = 1024

    /// What the daemon reads a datagram into: more than `maximumSize`, so anything longer is
    /// seen as longer (whether or not the kernel truncated it to the slot) and dropped. A
    /// power of two, because NIO rounds its receive buffer up to one.
    public static let receiveSlotSize = 2048
}
