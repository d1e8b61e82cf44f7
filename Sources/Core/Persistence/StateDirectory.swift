#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The state directory as the daemon uses it: an absolute path (net-snmp and every file
/// path are built from it, whatever the working directory), to a directory only the
/// daemon's user can change. Users, passwords and the SEL live there, so a directory that
/// someone else owns or may write to would let them replace any of it.
public enum StateDirectory {
    /// Why the directory cannot be used; the daemon stops with exit code 78 and this reason.
    public struct Refused: Error, CustomStringConvertible {
        public var path: String
        public var reason: String
        public var description: String { "state directory \(path): \(reason)" }
    }

    /// Makes `path` absolute, creates it (mode 0700) if it is missing, and checks its owner
    /// and mode. Returns the absolute path with symlinks resolved.
    public static func prepare(_ path: String) throws -> String {
        let absolutePath = try absolute(path)
        try AtomicFile.makeDirectory(absolutePath)
        guard let resolved = realpath(absolutePath, nil) else {
            throw FileError(path: absolutePath, operation: "realpath", errno: errno)
        }
        defer { free(resolved) }
        let directory = String(cString: resolved)
        var status = stat()
        guard stat(directory, &status) == 0 else { throw FileError(path: directory, operation: "stat", errno: errno) }
        guard status.st_mode & S_IFMT == S_IFDIR else { throw Refused(path: directory, reason: "is not a directory") }
        guard status.st_uid == geteuid() else {
            throw Refused(path: directory, reason: "is owned by uid \(status.st_uid), not by the daemon's user (uid \(geteuid()))")
        }
        guard status.st_mode & (S_IWGRP | S_IWOTH) == 0 else {
            let mode = String(status.st_mode & 0o7777, radix: 8)
            throw Refused(path: directory, reason: "is writable by group or others (mode \(mode)); chmod go-w it")
        }
        return directory
    }

    /// `path` against the working directory when it is relative.
    public static func absolute(_ path: String) throws(FileError) -> String {
        if path.hasPrefix("/") { return path }
        guard let cwd = getcwd(nil, 0) else { throw FileError(path: path, operation: "getcwd", errno: errno) }
        defer { free(cwd) }
        let base = String(cString: cwd)
        return (base.hasSuffix("/") ? base : base + "/") + path
    }

    /// A user's own state directory for `name` (XDG Base Directory): $XDG_STATE_HOME/ipmigod/name,
    /// else ~/.local/state/ipmigod/name. Nil when neither variable gives an absolute path.
    public static func userDefault(_ name: String) -> String? {
        if let state = environment("XDG_STATE_HOME"), state.hasPrefix("/") { return state + "/ipmigod/" + name }
        if let home = environment("HOME"), home.hasPrefix("/") { return home + "/.local/state/ipmigod/" + name }
        return nil
    }

    private static func environment(_ name: String) -> String? {
        getenv(name).map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 }
    }
}
