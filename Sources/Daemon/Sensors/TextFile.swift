#if canImport(Glibc)
import Glibc
#endif

/// Small sysfs-style text files: read whole, without Foundation, into a stack buffer.
enum TextFile {
    /// The file's contents up to 255 bytes, or the errno that stopped it.
    static func read(_ path: String) -> Result<String, SensorReadError> {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return .failure(SensorReadError(description: "\(path): \(String(cString: strerror(errno)))")) }
        defer { close(fd) }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 256) { buffer in
            let count = Glibc.read(fd, buffer.baseAddress, 255)
            guard count >= 0 else { return .failure(SensorReadError(description: "\(path): \(String(cString: strerror(errno)))")) }
            return .success(String(decoding: buffer[0..<count], as: UTF8.self))
        }
    }

    static func number(_ path: String) -> Result<Double, SensorReadError> {
        read(path).flatMap { text in
            let trimmed = text.trimmingWhitespace
            guard let value = Double(trimmed), value.isFinite else {
                return .failure(SensorReadError(description: "\(path): not a number: \"\(trimmed.prefix(32))\""))
            }
            return .success(value)
        }
    }
}

