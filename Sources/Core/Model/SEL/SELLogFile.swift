#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The SEL's append-only log file. Each change is appended as one or two fixed-size records
/// and flushed with fdatasync before it is acknowledged; at start the file is read back and
/// whatever is torn or damaged is dropped; when it has grown well past what it holds, it is
/// replaced atomically (`AtomicFile`) by the records that rebuild the present state.
// Unchecked: the journal hands the file to its writer thread for one batch at a time and
// does not touch it until that batch is done.
final class SELLogFile: @unchecked Sendable {
    /// What reading the file found.
    struct Contents {
        /// The records that read back whole, in file order.
        var records: [SELLogRecord] = []
        /// Records with a wrong CRC or an unknown operation, skipped.
        var damagedRecords = 0
        /// Bytes at the end too few for a record: an append cut short by a crash.
        var tornBytes = 0
    }

    /// A log written by a newer format, which this code must not replay or overwrite.
    struct UnsupportedFormat: Error, CustomStringConvertible {
        var path: String
        var description: String { "\(path): written by a newer ipmigod (unknown SEL log format)" }
    }

    let path: String
    private var descriptor: Int32 = -1
    /// Records in the file now, to tell when it is worth compacting.
    private(set) var recordCount = 0
    /// The file may not hold exactly what was acknowledged (it was damaged, missing, or a write
    /// failed): it must be rewritten from memory before anything more is appended to it.
    private(set) var needsRewrite = true

    private init(path: String) { self.path = path }

    deinit {
        if descriptor >= 0 { close(descriptor) }
    }

    /// Reads the log at `path` (nothing if it is missing) and opens it for appending.
    static func load(path: String) throws -> (SELLogFile, Contents) {
        let file = SELLogFile(path: path)
        guard let bytes = try AtomicFile.read(path) else { return (file, Contents()) }
        let contents = try decode(bytes, path: path)
        try file.reopen()
        file.recordCount = bytes.count / SELLogRecord.size
        file.needsRewrite = contents.damagedRecords > 0 || contents.tornBytes > 0
        return (file, contents)
    }

    private static func decode(_ bytes: [UInt8], path: String) throws(UnsupportedFormat) -> Contents {
        var contents = Contents()
        let size = SELLogRecord.size
        contents.tornBytes = bytes.count % size
        contents.records.reserveCapacity(bytes.count / size)
        var unsupported = false
        bytes.withUnsafeBytes { buffer in
            for start in stride(from: 0, to: buffer.count - contents.tornBytes, by: size) {
                guard let record = SELLogRecord(decoding: UnsafeRawBufferPointer(rebasing: buffer[start..<start + size])) else {
                    contents.damagedRecords += 1
                    continue
                }
                if start == 0 && record.operation == .header && !record.isReadableHeader {
                    unsupported = true
                    return
                }
                contents.records.append(record)
            }
        }
        if unsupported { throw UnsupportedFormat(path: path) }
        return contents
    }

    /// The bytes of `records`, as the file holds them.
    static func encode(_ records: some Collection<SELLogRecord>) -> [UInt8] {
        let size = SELLogRecord.size
        var bytes = [UInt8](repeating: 0, count: records.count * size)
        bytes.withUnsafeMutableBytes { buffer in
            for (index, record) in records.enumerated() {
                record.encode(into: UnsafeMutableRawBufferPointer(rebasing: buffer[index * size..<(index + 1) * size]))
            }
        }
        return bytes
    }

    /// Carries out a batch of writes in order: consecutive appends go out in one write and
    /// one fdatasync (the group commit), a replacement atomically.
    func perform(_ batch: [SELJournal.Write]) throws(FileError) {
        var appending: [UInt8] = []
        for write in batch {
            switch write {
            case .append(let bytes):
                appending += bytes
            case .replace(let bytes):
                if !appending.isEmpty { try append(appending) }
                appending.removeAll()
                try replace(with: bytes)
            }
        }
        if !appending.isEmpty { try append(appending) }
    }

    /// Appends encoded records, durably.
    func append(_ bytes: [UInt8]) throws(FileError) {
        try bytes.withUnsafeBytes { writeDurably($0) }.get()
        recordCount += bytes.count / SELLogRecord.size
    }

    /// Replaces the file with encoded records: written aside, fsynced, renamed over, directory fsynced.
    func replace(with bytes: [UInt8]) throws(FileError) {
        needsRewrite = true
        try AtomicFile.write(bytes, to: path)
        try reopen()
        recordCount = bytes.count / SELLogRecord.size
        needsRewrite = false
    }

    private func reopen() throws(FileError) {
        if descriptor >= 0 { close(descriptor) }
        descriptor = open(path, O_WRONLY | O_APPEND | O_NOFOLLOW | O_CLOEXEC)
        guard descriptor >= 0 else { throw FileError(path: path, operation: "open", errno: errno) }
    }

    private func writeDurably(_ bytes: UnsafeRawBufferPointer) -> Result<Void, FileError> {
        guard !needsRewrite, descriptor >= 0 else { return .failure(FileError(path: path, operation: "write", errno: EBADF)) }
        var written = 0
        while written < bytes.count {
            let result = write(descriptor, bytes.baseAddress! + written, bytes.count - written)
            if result < 0 {
                if errno == EINTR { continue }
                return failure("write")
            }
            written += result
        }
        // fdatasync also flushes the file size the append changed; it skips only timestamps.
        guard fdatasync(descriptor) == 0 else { return failure("fdatasync") }
        return .success(())
    }

    /// A failed write may have left part of a record behind, and after a failed fdatasync the
    /// kernel may have dropped pages: either way the file is rewritten before the next append.
    private func failure(_ operation: String) -> Result<Void, FileError> {
        let error = FileError(path: path, operation: operation, errno: errno)
        needsRewrite = true
        return .failure(error)
    }
}
