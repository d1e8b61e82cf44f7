import IPMICore
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A user's `password_file`: a file only its owner may read, whose first line is the
/// password (what follows is free for comments). A file others may read is refused: the
/// password it holds is the key to the BMC.
enum PasswordFile {
    static func firstLine(of path: String, node: ConfigNode) throws(ConfigError) -> [UInt8] {
        var status = stat()
        guard stat(path, &status) == 0 else { throw node.error("cannot read \(path): \(String(cString: strerror(errno)))") }
        guard status.st_mode & (S_IRWXG | S_IRWXO) == 0 else {
            let mode = String(status.st_mode & 0o777, radix: 8)
            throw node.error("\(path) is readable or writable by group or others (mode \(mode)); chmod 600 it")
        }
        let contents: [UInt8]?
        do {
            contents = try AtomicFile.read(path, followingLinks: true)
        } catch {
            throw node.error("cannot read \(error)")
        }
        guard let contents else { throw node.error("cannot read \(path): no such file") }
        var line = contents.prefix { $0 != UInt8(ascii: "\n") }
        if line.last == UInt8(ascii: "\r") { line.removeLast() }
        return Array(line)
    }
}
