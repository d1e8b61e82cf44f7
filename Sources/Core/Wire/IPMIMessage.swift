import NIOCore

/// The IPMI checksum (two's complement of the byte sum) of `length` bytes of `buffer` from
/// `index`, which must be readable. Over the raw bytes, without a `ByteBufferView`: its
/// optional costs the runtime's generic value witnesses, and its subscript is a generic call
/// per byte in debug builds.
func ipmiChecksum(_ buffer: ByteBuffer, at index: Int, length: Int) -> UInt8 {
    buffer.withUnsafeReadableBytes { raw in
        let start = index - buffer.readerIndex
        return ipmiChecksum(UnsafeRawBufferPointer(rebasing: raw[start..<start + length]))
    }
}

/// The IPMI checksum of `bytes`.
func ipmiChecksum(_ bytes: UnsafeRawBufferPointer) -> UInt8 {
    var sum: UInt8 = 0
    for byte in bytes { sum &+= byte }
    return 0 &- sum
}

/// An IPMI request as carried over LAN (IPMI 2.0 section 13.8, table 13-4):
/// rsAddr, netFn/rsLUN, checksum, rqAddr, rqSeq/rqLUN, cmd, data, checksum.
public struct IPMIRequest: Sendable {
    public var responderAddress: UInt8
    public var netFn: NetFn
    public var responderLUN: UInt8
    public var requesterAddress: UInt8
    public var requesterSequence: UInt8
    public var requesterLUN: UInt8
    public var command: UInt8
    public var data: ByteBuffer

    public var key: CommandKey { CommandKey(netFn, command) }

    public init(responderAddress: UInt8 = 0x20, netFn: NetFn, responderLUN: UInt8 = 0,
                requesterAddress: UInt8 = 0x81, requesterSequence: UInt8, requesterLUN: UInt8 = 0,
                command: UInt8, data: ByteBuffer) {
        self.responderAddress = responderAddress
        self.netFn = netFn
        self.responderLUN = responderLUN
        self.requesterAddress = requesterAddress
        self.requesterSequence = requesterSequence
        self.requesterLUN = requesterLUN
        self.command = command
        self.data = data
    }

    /// Parses a LAN request. Both checksums must be right; a request with a bad one is dropped.
    public static func parse(_ message: ByteBuffer) throws(FrameError) -> IPMIRequest {
        let count = message.readableBytes
        guard count >= 7 else { throw .truncated }
        let base = message.readerIndex
        guard ipmiChecksum(message, at: base, length: 3) == 0, ipmiChecksum(message, at: base + 3, length: count - 3) == 0
        else { throw .badChecksum }
        let netFnLUN = message.getInteger(at: base + 1, as: UInt8.self)!
        let seqLUN = message.getInteger(at: base + 4, as: UInt8.self)!
        return IPMIRequest(
            responderAddress: message.getInteger(at: base, as: UInt8.self)!,
            netFn: NetFn(netFnLUN >> 2),
            responderLUN: netFnLUN & 0x03,
            requesterAddress: message.getInteger(at: base + 3, as: UInt8.self)!,
            requesterSequence: seqLUN >> 2,
            requesterLUN: seqLUN & 0x03,
            command: message.getInteger(at: base + 5, as: UInt8.self)!,
            data: message.getSlice(at: base + 6, length: count - 7)!
        )
    }

    /// Writes the request as a LAN message (the console side; used by tests and the benchmark).
    public func write(to buffer: inout ByteBuffer) {
        let start = buffer.writerIndex
        buffer.writeInteger(responderAddress)
        buffer.writeInteger(netFn.rawValue << 2 | responderLUN)
        buffer.writeInteger(ipmiChecksum(buffer, at: start, length: 2))
        let second = buffer.writerIndex
        buffer.writeInteger(requesterAddress)
        buffer.writeInteger(requesterSequence << 2 | requesterLUN)
        buffer.writeInteger(command)
        var data = data
        buffer.writeBuffer(&data)
        buffer.writeInteger(ipmiChecksum(buffer, at: second, length: buffer.writerIndex - second))
    }
}

/// Writes the LAN response to `request`: the caller supplies the completion code and writes
/// the response data in `body`.
public enum IPMIResponseWriter {
    public static func write(
        respondingTo request: IPMIRequest, to buffer: inout ByteBuffer,
        body: (inout ByteBuffer) -> CompletionCode
    ) {
        let second = buffer.writerIndex + 3
        let codeIndex = buffer.writerIndex + 6
        buffer.writeFields(capacity: 7) { header in
            header.write(request.requesterAddress)
            header.write(request.netFn.responseCode << 2 | request.requesterLUN)
            header.write(header.checksum(from: 0))
            header.write(request.responderAddress)
            header.write(request.requesterSequence << 2 | request.responderLUN)
            header.write(request.command)
            header.write(UInt8(0)) // the completion code, set below
        }
        let code = body(&buffer)
        if code != .ok {
            // A failed request carries nothing after the completion code.
            buffer.moveWriterIndex(to: codeIndex + 1)
        }
        // The code and the checksum through one pointer: ByteBuffer's setInteger and
        // writeInteger cost a hundred instructions or more a byte.
        let base = buffer.readerIndex
        let checksum = buffer.withUnsafeMutableReadableBytes { bytes in
            bytes[codeIndex - base] = code.rawValue
            return ipmiChecksum(UnsafeRawBufferPointer(rebasing: bytes[(second - base)...]))
        }
        buffer.writeFields(capacity: 1) { $0.write(checksum) }
    }
}

/// A parsed LAN response (the console side; used by tests and the benchmark).
public struct IPMIResponse: Sendable {
    public var netFn: UInt8
    public var command: UInt8
    public var requesterSequence: UInt8
    public var completionCode: CompletionCode
    public var data: ByteBuffer

    public static func parse(_ message: ByteBuffer) throws(FrameError) -> IPMIResponse {
        let count = message.readableBytes
        guard count >= 8 else { throw .truncated }
        let base = message.readerIndex
        guard ipmiChecksum(message, at: base, length: 3) == 0, ipmiChecksum(message, at: base + 3, length: count - 3) == 0
        else { throw .badChecksum }
        return IPMIResponse(
            netFn: message.getInteger(at: base + 1, as: UInt8.self)! >> 2,
            command: message.getInteger(at: base + 5, as: UInt8.self)!,
            requesterSequence: message.getInteger(at: base + 4, as: UInt8.self)! >> 2,
            completionCode: CompletionCode(message.getInteger(at: base + 6, as: UInt8.self)!),
            data: message.getSlice(at: base + 7, length: count - 8)!
        )
    }
}
