#if canImport(Glibc)
import Glibc
#endif
import NIOCore
import NIOPosix

/// A UDP echo on SwiftNIO, with the socket options the daemon's sockets have (BMCHost): one
/// event loop, recvmmsg of up to 8 datagrams per wake-up, one flush per batch. Its CPU per
/// request above the blocking echo's is what any server on SwiftNIO pays for epoll, the
/// channel pipeline and the system calls, before any IPMI work: a second floor, under which
/// the daemon's figure cannot go without leaving SwiftNIO.
final class NIOEchoFloor: @unchecked Sendable {
    let port: UInt16
    private let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    private let channel: any Channel
    private let clock: clockid_t
    private let statPath: String

    /// Starts the echo on its own event loop, pinned to `cpu` if there is one.
    init(cpu: Int?) throws {
        let loop = group.next()
        (clock, statPath) = try loop.submit {
            if let cpu { try Affinity.pin(thread: 0, to: cpu) }
            var clock = clockid_t()
            pthread_getcpuclockid(pthread_self(), &clock)
            return (clock, "/proc/" + EchoFloor.threadSelf() + "/stat")
        }.wait()
        channel = try DatagramBootstrap(group: loop)
            .channelOption(.socketOption(.so_reuseaddr), value: 1)
            .channelOption(.datagramVectorReadMessageCount, value: 8)
            .channelOption(.maxMessagesPerRead, value: 1)
            .channelOption(.recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: 8 * 2048))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(EchoHandler()) }
            }
            .bind(host: "127.0.0.1", port: 0).wait()
        port = UInt16(channel.localAddress?.port ?? 0)
    }

    /// The event loop thread's CPU time.
    func cpuTime() throws -> ProcessStats.CPUTime {
        try ProcessStats.cpuTime(clock: clock, stat: statPath)
    }

    func stop() {
        try? channel.close().wait()
        try? group.syncShutdownGracefully()
    }

    private final class EchoHandler: ChannelInboundHandler {
        typealias InboundIn = AddressedEnvelope<ByteBuffer>
        typealias OutboundOut = AddressedEnvelope<ByteBuffer>
        private var pendingWrites = false

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            context.write(data, promise: nil)
            pendingWrites = true
        }

        func channelReadComplete(context: ChannelHandlerContext) {
            if pendingWrites {
                pendingWrites = false
                context.flush()
            }
        }
    }
}
