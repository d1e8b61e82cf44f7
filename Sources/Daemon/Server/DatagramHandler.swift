#if canImport(Glibc)
import Glibc
#endif
import IPMICore
import Logging
import NIOCore

/// Feeds each datagram to the BMC and sends back what it answers. Runs on the BMC's event loop.
///
/// A read batch's only reply (what a ping-pong client gets every time) is sent straight on the
/// socket's descriptor when the batch ends: SwiftNIO's pending-write queue and its flush cost
/// about 4,000 instructions a reply, 15 % of a Get Device ID. Several replies in one batch go
/// through that queue, which sends them in one sendmmsg, and so does a reply the socket will
/// not take at once, which the queue keeps until it can.
final class DatagramHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    typealias OutboundOut = AddressedEnvelope<ByteBuffer>

    private let bmc: BMC
    /// The channel's own descriptor; the channel closes it, and only this loop sends on it.
    private let socket: CInt
    private let logger: Logger
    /// Replies written to the channel and not yet flushed.
    private var pendingWrites = false
    /// The batch's reply so far, while it is the only one.
    private var heldReply: HeldReply?
    /// Each answer is written here; once the last one has been sent this buffer is unshared
    /// again, and clearing it reuses its storage instead of allocating.
    private var output: ByteBuffer?

    init(bmc: BMC, socket: CInt, logger: Logger) {
        self.bmc = bmc
        self.socket = socket
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
            write(AddressedEnvelope(remoteAddress: envelope.remoteAddress, data: ack), context: context)
        }
        let disposition = bmc.handleDatagram(envelope.data, from: remote, now: .now(), into: &output)
        switch disposition {
        case .none:
            break
        case .sendNow:
            if pendingWrites || heldReply != nil {
                write(AddressedEnvelope(remoteAddress: envelope.remoteAddress, data: output), context: context)
            } else {
                heldReply = HeldReply(address: envelope.remoteAddress, bytes: output)
            }
        case .later(let pending):
            // Once its SEL change is on disk or its hook is done; if that fails the client hears nothing and retries.
            let channel = context.channel
            let address = envelope.remoteAddress
            pending.whenReady { packet in
                channel.writeAndFlush(AddressedEnvelope(remoteAddress: address, data: packet), promise: nil)
            }
        }
    }

    /// One flush per batch of reads, not per datagram; or the batch's only reply, sent directly.
    func channelReadComplete(context: ChannelHandlerContext) {
        if let reply = heldReply.take(), !reply.send(on: socket) {
            write(reply.envelope, context: context)
        }
        if pendingWrites {
            pendingWrites = false
            context.flush()
        }
    }

    /// Queues `envelope` on the channel, behind the batch's held reply if there is one.
    private func write(_ envelope: AddressedEnvelope<ByteBuffer>, context: ChannelHandlerContext) {
        if let reply = heldReply.take() {
            context.write(wrapOutboundOut(reply.envelope), promise: nil)
        }
        context.write(wrapOutboundOut(envelope), promise: nil)
        pendingWrites = true
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // A UDP socket error (e.g. ICMP port unreachable from a vanished console) is no reason to stop serving.
        logger.debug("socket error: \(error)")
    }
}

/// A reply waiting for the end of its read batch. Not an `AddressedEnvelope`: copying and
/// destroying that generic type went through its value witnesses, 700 instructions a reply.
private struct HeldReply {
    var address: SocketAddress
    var bytes: ByteBuffer

    var envelope: AddressedEnvelope<ByteBuffer> { AddressedEnvelope(remoteAddress: address, data: bytes) }

    /// Sends the reply now on `socket`; false if it was not sent whole (the send buffer is
    /// full, or an error the channel's write path will report).
    func send(on socket: CInt) -> Bool {
        switch address {
        case .v4(let v4): send(on: socket, to: v4.address)
        case .v6(let v6): send(on: socket, to: v6.address)
        case .unixDomainSocket: false
        }
    }

    /// `sendto` with `address`, a `sockaddr_in` or a `sockaddr_in6`.
    private func send<Address>(on socket: CInt, to address: Address) -> Bool {
        withUnsafeBytes(of: address) { address in
            bytes.withUnsafeReadableBytes { bytes in
                sendto(socket, bytes.baseAddress, bytes.count, CInt(MSG_DONTWAIT),
                       address.baseAddress!.assumingMemoryBound(to: sockaddr.self), socklen_t(address.count)) == bytes.count
            }
        }
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
            let socketAddress = v4.address
            self.init(ipv4NetworkOrder: socketAddress.sin_addr.s_addr, port: UInt16(bigEndian: socketAddress.sin_port))
        case .v6(let v6):
            let socketAddress = v6.address
            self = withUnsafeBytes(of: socketAddress.sin6_addr) {
                RemoteConsole(ipv6: $0, port: UInt16(bigEndian: socketAddress.sin6_port))
            }
        default:
            self.init(ipv4: nil, port: 0)
        }
    }
}
