import IPMICore
import NIOCore
import NIOPosix

/// Runs the SEL's fdatasyncs on a thread of their own and reports back on the BMC's event
/// loop, so that requests and readings never wait for the disk.
struct ThreadPoolSELWriter: SELWriteExecutor {
    let pool: NIOThreadPool
    let loop: any EventLoop
    /// Where each write's duration goes (the SEL write latency metric).
    var timings: DaemonTimings?

    func run(_ write: @escaping @Sendable () throws -> Void, then completion: @escaping (Result<Void, any Error>) -> Void) {
        let timings = self.timings
        pool.runIfActive(eventLoop: loop) {
            let started = NIODeadline.now()
            defer { timings?.noteSELWrite(.now() - started) }
            try write()
        }.assumeIsolated().whenComplete(completion)
    }
}
