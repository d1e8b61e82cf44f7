#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

public struct FileError: Error, CustomStringConvertible, Sendable {
    public var path: String
    public var operation: String
    public var errno: Int32
    public var description: String {
        "\(operation) \(path): \(String(cString: strerror(errno)))"
    }
}

/// Replaces a file so that after a crash or power loss it holds either the old contents or
/// the new, never a mix: write a temporary file, fsync it, rename it over the old one,
/// fsync the directory.
///
/// No symlink is ever followed: the temporary file is created exclusively (a file or link
/// planted at its path is removed, not written through), the rename replaces a link at the
/// destination rather than its target, and reads refuse a link.
public enum AtomicFile {
    public static func write(_ bytes: [UInt8], to path: String, mode: mode_t = 0o600) throws(FileError) {
        let temporary = path + ".tmp"
        let fd = try createExclusively(temporary, mode: mode)
        var written = 0
        while written < bytes.count {
            let result = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + written, $0.count - written) }
            if result < 0 {
                if errno == EINTR { continue }
                let error = FileError(path: temporary, operation: "write", errno: errno)
                close(fd)
                throw error
            }
            written += result
        }
        guard fsync(fd) == 0 else {
            let error = FileError(path: temporary, operation: "fsync", errno: errno)
            close(fd)
            throw error
        }
        close(fd)
        guard rename(temporary, path) == 0 else { throw FileError(path: path, operation: "rename", errno: errno) }
        try syncDirectory(containing: path)
    }

    /// Creates `path` as a new file, never through a link: what is left there (a temporary
    /// file of a crash, or a link someone planted) is unlinked, once, and the creation retried.
    static func createExclusively(_ path: String, mode: mode_t) throws(FileError) -> Int32 {
        let flags = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC
        var fd = open(path, flags, mode)
        if fd < 0 && errno == EEXIST {
            guard unlink(path) == 0 || errno == ENOENT else { throw FileError(path: path, operation: "unlink", errno: errno) }
            fd = open(path, flags, mode)
        }
        guard fd >= 0 else { throw FileError(path: path, operation: "create", errno: errno) }
        return fd
    }

    /// The file's bytes, nil when it does not exist. A symlink is refused (ELOOP) unless
    /// `followingLinks` (files of the operator's, like a password file, not state files).
    public static func read(_ path: String, followingLinks: Bool = false) throws(FileError) -> [UInt8]? {
        let fd = open(path, O_RDONLY | (followingLinks ? 0 : O_NOFOLLOW) | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT { return nil }
            throw FileError(path: path, operation: "open", errno: errno)
        }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress!, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw FileError(path: path, operation: "read", errno: errno)
            }
            if count == 0 { return bytes }
            bytes += chunk[0..<count]
        }
    }

    static func syncDirectory(containing path: String) throws(FileError) {
        let directory = path.lastIndex(of: "/").map { String(path[..<$0]) } ?? "."
        let fd = open(directory.isEmpty ? "/" : directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw FileError(path: directory, operation: "open", errno: errno) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw FileError(path: directory, operation: "fsync", errno: errno) }
    }

    /// Creates `path` and its parents (mode 0700) if missing.
    public static func makeDirectory(_ path: String) throws(FileError) {
        var current = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") {
            current += "/" + component
            if mkdir(current, 0o700) != 0 && errno != EEXIST {
                throw FileError(path: current, operation: "mkdir", errno: errno)
            }
        }
    }
}
