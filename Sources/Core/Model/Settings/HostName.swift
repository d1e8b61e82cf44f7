#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The switch's host name: the default System Name (System Info parameter 2) and DCMI
/// Management Controller Identifier String.
enum HostName {
    static var current: String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
