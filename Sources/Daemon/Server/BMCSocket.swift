#if canImport(Glibc)
import Glibc
#endif
import IPMICore
import NIOCore
import NIOPosix

/// A BMC's UDP socket: SwiftNIO's datagram channel on the BMC's event loop, over a descriptor
/// bound here rather than by `DatagramBootstrap.bind`, so that `DatagramHandler` knows it and
/// can send a read batch's only reply on it directly.
enum BMCSocket {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// Binds `host`:`port` and serves `bmc` on it, on the BMC's event loop.
    static func open(host: String, port: Int, bmc: NIOLoopBound<BMC>) -> EventLoopFuture<any Channel> {
        let loop = bmc.eventLoop
        let descriptor: CInt
        do {
            descriptor = try bound(to: SocketAddress.makeAddressResolvingHost(host, port: port))
        } catch {
            return loop.makeFailedFuture(error)
        }
        return DatagramBootstrap(group: loop)
            .channelOption(.datagramVectorReadMessageCount, value: 8)
            // One recvmmsg per wake-up (up to 8 datagrams): reading on until EAGAIN
            // costs a second system call for every request of a ping-pong client.
            .channelOption(.maxMessagesPerRead, value: 1)
            // recvmmsg splits one buffer evenly between the 8 datagrams: each gets a
            // whole slot of DatagramLimits.receiveSlotSize (the default is 2048 / 8).
            .channelOption(.recvAllocator, value: FixedSizeRecvByteBufferAllocator(
                capacity: 8 * DatagramLimits.receiveSlotSize))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        DatagramHandler(bmc: bmc.value, socket: descriptor, logger: bmc.value.logger))
                }
            }
            // The channel owns the descriptor from here and closes it with itself.
            .withBoundSocket(descriptor)
    }

    /// A new UDP socket bound to `address`.
    private static func bound(to address: SocketAddress) throws -> CInt {
        let family = address.protocol == .inet6 ? AF_INET6 : AF_INET
        let descriptor = socket(family, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw Failure(description: "socket for \(address): \(lastError())") }
        // No SO_REUSEADDR: UDP has no TIME_WAIT to wait out, and on UDP it would let a second
        // daemon bind the same port and take the requests meant for this one.
        var result: CInt = 0
        if family == AF_INET6 {
            // So that [::]:623 and 0.0.0.0:623 can both be bound.
            var on: CInt = 1
            result = setsockopt(descriptor, CInt(IPPROTO_IPV6), IPV6_V6ONLY, &on, socklen_t(MemoryLayout<CInt>.size))
        }
        if result == 0 {
            result = address.withSockAddr { Glibc.bind(descriptor, $0, socklen_t($1)) }
        }
        guard result == 0 else {
            let failure = Failure(description: "bind \(address.hostAndPort): \(lastError())")
            close(descriptor)
            throw failure
        }
        return descriptor
    }

    private static func lastError() -> String {
        String(cString: strerror(errno)) + " (errno \(errno))"
    }
}
