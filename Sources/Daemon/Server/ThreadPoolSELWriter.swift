import IPMICore
import NIOCore
import NIOPosix

/// Runs the SEL's fdatasyncs on a thread of their own and reports back on the BMC's event
/// loop, so that requests and readings never wait for the disk.
struct ThreadPoolSELWriter: SELWriteExecutor {
    let pool: NIOThreadPool
    let loop: any EventLoop

    func run(_ write: @escaping @Sendable () throws -> Void, then completion: @escaping (Result<Void, any Error>) -> Void) {
        pool.runIfActive(eventLoop: loop, write).assumeIsolated().whenComplete(completion)
    }
}
