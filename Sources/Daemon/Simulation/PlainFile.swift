#if canImport(Glibc)
import Glibc
#endif

/// Whole small files and directory listings, without Foundation.
enum PlainFile {
    struct Failure: Error, CustomStringConvertible {
        var description: String
        init(_ path: String, errno code: Int32) { description = "\(path): \(String(cString: strerror(code)))" }
        init(_ description: String) { self.description = description }
    }

    /// A file's text, up to `limit` bytes.
    static func contents(of path: String, limit: Int = 1 << 20) throws(Failure) -> String {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw Failure(path, errno: errno) }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16384)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw Failure(path, errno: errno)
            }
            if count == 0 { break }
            bytes += chunk[0..<count]
            guard bytes.count <= limit else { throw Failure("\(path): larger than \(limit) bytes") }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The names in a directory, sorted.
    static func names(in directory: String) throws(Failure) -> [String] {
        guard let handle = opendir(directory) else { throw Failure(directory, errno: errno) }
        defer { closedir(handle) }
        var names: [String] = []
        while let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }
}
