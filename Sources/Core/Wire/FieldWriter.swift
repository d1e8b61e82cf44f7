import NIOCore

/// Lays out the small fixed fields of a header straight into a buffer's memory.
///
/// Each `ByteBuffer.writeInteger` goes through NIO's out-of-line copy (capacity, uniqueness
/// and exclusivity checks): a couple of hundred instructions for one byte. The headers on
/// every packet are a dozen single-byte fields, so they are written through this instead,
/// with one capacity check for the lot (`ByteBuffer.writeFields`).
struct FieldWriter {
    private let memory: UnsafeMutableRawBufferPointer
    /// Bytes written so far.
    private(set) var count = 0

    fileprivate init(_ memory: UnsafeMutableRawBufferPointer) { self.memory = memory }

    @inline(__always)
    mutating func write(_ value: UInt8) {
        precondition(count < memory.count)
        memory[count] = value
        count += 1
    }

    mutating func write<Integer: FixedWidthInteger>(_ value: Integer, endianness: Endianness) {
        let stored = endianness == .little ? value.littleEndian : value.bigEndian
        precondition(count + MemoryLayout<Integer>.size <= memory.count)
        memory.storeBytes(of: stored, toByteOffset: count, as: Integer.self)
        count += MemoryLayout<Integer>.size
    }

    /// The two's-complement checksum (`ipmiChecksum`) of the bytes written from `start` on.
    func checksum(from start: Int) -> UInt8 {
        ipmiChecksum(UnsafeRawBufferPointer(rebasing: memory[start..<count]))
    }
}

extension ByteBuffer {
    /// Appends the fields `body` writes, at most `capacity` bytes of them.
    @inline(__always)
    mutating func writeFields(capacity: Int, _ body: (inout FieldWriter) -> Void) {
        writeWithUnsafeMutableBytes(minimumWritableBytes: capacity) { memory in
            var writer = FieldWriter(UnsafeMutableRawBufferPointer(rebasing: memory[..<capacity]))
            body(&writer)
            return writer.count
        }
    }
}
