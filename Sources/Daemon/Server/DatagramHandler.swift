import IPMICore
import Logging
import NIOCore

/// Feeds each datagram to the BMC and sends back what it answers. Runs on the BMC's event loop.
final class DatagramHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    typealias OutboundOut = AddressedEnvelope<ByteBuffer>

    private let bmc: BMC
    private let logger: Logger
    private var pendingWrites = false
    /// Each answer is written here; once the socket has sent the last one this buffer is
    /// unshared again, and clearing it reuses its storage instead of allocating.
    private var output: ByteBuffer?

    init(bmc: BMC, logger: Logger) {
        self.bmc = bmc
        self.logger = logger
    }

    /// Gives the BMC this socket for packets it sends on its own (`BMC.sendDatagram`). With
    /// several sockets (IPv4 and IPv6), each takes the consoles of its address family and
    /// passes the others on to the socket added before it.
    func handlerAdded(context: ChannelHandlerContext) {
        let channel = context.channel
        let previous = bmc.sendDatagram
        bmc.sendDatagram = { packet, remote in
            // The family is known once the socket is bound, after this handler was added.
            guard let address = remote.socketAddress,
                  address.protocol == channel.localAddress?.protocol || previous == nil
            else {
                previous?(packet, remote)
                return
            }
            channel.writeAndFlush(AddressedEnvelope(remoteAddress: address, data: packet), promise: nil)
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        var output = self.output.take() ?? context.channel.allocator.buffer(capacity: 128)
        output.clear()
        defer { self.output = output }
        let remote = RemoteConsole(envelope.remoteAddress)
        if envelope.data.readableBytes <= DatagramLimits.maximumSize, let ack = RMCPHeader.acknowledgement(for: envelope.data) {
            context.write(wrapOutboundOut(AddressedEnvelope(remoteAddress: envelope.remoteAddress, data: ack)), promise: nil)
            pendingWrites = true
        }
        let disposition = bmc.handleDatagram(envelope.data, from: remote, now: .now(), into: &output)
        let answer = AddressedEnvelope(remoteAddress: envelope.remoteAddress, data: output)
        switch disposition {
        case .none:
            break
        case .sendNow:
            context.write(wrapOutboundOut(answer), promise: nil)
            pendingWrites = true
        case .later(let pending):
            // Once its SEL change is on disk or its hook is done; if that fails the client hears nothing and retries.
            let channel = context.channel
            let address = envelope.remoteAddress
            pending.whenReady { packet in
                channel.writeAndFlush(AddressedEnvelope(remoteAddress: address, data: packet), promise: nil)
            }
        }
    }

    /// One flush per batch of reads, not per datagram.
    func channelReadComplete(context: ChannelHandlerContext) {
        if pendingWrites {
            pendingWrites = false
            context.flush()
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // A UDP socket error (e.g. ICMP port unreachable from a vanished console) is no reason to stop serving.
        logger.debug("socket error: \(error)")
    }
}

extension RemoteConsole {
    /// The socket address to send to; nil for a console of unknown family.
    var socketAddress: SocketAddress? {
        let bytes = ipv4 ?? ipv6
        return bytes.flatMap { try? SocketAddress(packedIPAddress: ByteBuffer(bytes: $0), port: Int(port)) }
    }

    init(_ address: SocketAddress) {
        switch address {
        case .v4(let v4):
            self.init(ipv4NetworkOrder: v4.address.sin_addr.s_addr, port: UInt16(address.port ?? 0))
        case .v6(let v6):
            self = withUnsafeBytes(of: v6.address.sin6_addr) { RemoteConsole(ipv6: $0, port: UInt16(address.port ?? 0)) }
        default:
            self.init(ipv4: nil, port: UInt16(address.port ?? 0))
        }
    }
}
