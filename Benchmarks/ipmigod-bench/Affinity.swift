#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// sched_getaffinity and sched_setaffinity. Glibc declares them only under _GNU_SOURCE, which
/// the Swift Glibc module does not define, so they are looked up at run time.
enum Affinity {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    private typealias Call = @convention(c) (pid_t, Int, UnsafeMutableRawPointer) -> Int32
    private static let maskBytes = 128 // cpu_set_t: 1024 CPUs

    /// The CPUs the calling thread may run on.
    static func allowedCPUs() throws(Failure) -> [Int] {
        var mask = [UInt8](repeating: 0, count: maskBytes)
        guard try call("sched_getaffinity")(0, mask.count, &mask) == 0 else {
            throw Failure(description: "sched_getaffinity: \(String(cString: strerror(errno)))")
        }
        return (0..<maskBytes * 8).filter { mask[$0 / 8] & (1 << ($0 % 8)) != 0 }
    }

    /// Pins one thread (a thread ID; 0 for the calling thread) to `cpu`. Threads it creates
    /// afterwards inherit the pinning.
    static func pin(thread: pid_t, to cpu: Int) throws(Failure) {
        var mask = [UInt8](repeating: 0, count: maskBytes)
        mask[cpu / 8] = 1 << (cpu % 8)
        guard try call("sched_setaffinity")(thread, mask.count, &mask) == 0 else {
            throw Failure(description: "sched_setaffinity(\(thread), CPU \(cpu)): \(String(cString: strerror(errno)))")
        }
    }

    /// Pins every thread of another process to `cpu`.
    static func pin(process: pid_t, to cpu: Int) throws {
        for task in try FileManager.default.contentsOfDirectory(atPath: "/proc/\(process)/task") {
            guard let thread = pid_t(task) else { continue }
            try pin(thread: thread, to: cpu)
        }
    }

    private static func call(_ name: String) throws(Failure) -> Call {
        guard let symbol = dlsym(nil, name) else { throw Failure(description: "\(name) not found in the C library") }
        return unsafeBitCast(symbol, to: Call.self)
    }
}
