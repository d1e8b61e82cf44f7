#if canImport(Glibc)
import Glibc
#endif

/// glibc gives each thread that allocates an arena of its own, and memory freed in one is
/// kept there for that thread. The daemon's few threads allocate little after start-up, so
/// one shared arena costs no measurable contention and keeps about 1 MiB less resident with
/// 1,000 sensors (docs/benchmarks.md). Call first, before the daemon starts its threads.
enum MallocArenas {
    /// malloc.h's M_ARENA_MAX, which the Glibc module does not import (nor mallopt).
    private static let arenaMaximum: Int32 = -8

    static func share() {
        #if canImport(Glibc)
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        guard let symbol = dlsym(nil, "mallopt") else { return }
        _ = unsafeBitCast(symbol, to: Mallopt.self)(arenaMaximum, 1)
        #endif
    }
}
