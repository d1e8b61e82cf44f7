import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

#if canImport(Glibc)
import Glibc
#endif

/// The daemon's local control socket, STATE/control.sock (mode 0600): line-based JSON
/// requests dispatched to a verb table. Made fresh at start, removed at stop. Bounded: a few
/// connections, small requests, idle ones closed.
final class ControlServer: Sendable {
    static let fileName = "control.sock"
    static let maximumConnections = 8
    static let maximumRequestBytes = 16 * 1024
    static let idleTimeout = TimeAmount.seconds(30)

    let path: String
    private let channel: any Channel

    private init(path: String, channel: any Channel) {
        self.path = path
        self.channel = channel
    }

    static func start(directory: String, verbs: ControlVerbTable, loop: any EventLoop, logger: Logger) async throws -> ControlServer {
        let path = directory + "/" + fileName
        try ControlSocketFile.removeStale(path)
        let connections = NIOLockedValueBox(0)
        let channel = try await ServerBootstrap(group: loop)
            .serverChannelOption(.backlog, value: Int32(maximumConnections))
            .childChannelInitializer { child in
                let admitted = connections.withLockedValue { count in
                    guard count < maximumConnections else { return false }
                    count += 1
                    return true
                }
                guard admitted else {
                    logger.warning("control socket: more than \(maximumConnections) connections; one refused")
                    return child.eventLoop.makeFailedFuture(ControlSocketFile.Refused("too many connections"))
                }
                child.closeFuture.whenComplete { _ in connections.withLockedValue { $0 -= 1 } }
                return child.eventLoop.makeCompletedFuture {
                    try child.pipeline.syncOperations.addHandlers([
                        IdleStateHandler(allTimeout: idleTimeout),
                        ByteToMessageHandler(ControlLineDecoder(maximumLength: maximumRequestBytes)),
                        ControlConnectionHandler(verbs: verbs, logger: logger),
                    ])
                }
            }
            .bind(unixDomainSocketPath: path).get()
        guard chmod(path, 0o600) == 0 else {
            let reason = String(cString: strerror(errno))
            try? await channel.close().get()
            throw ControlSocketFile.Refused("\(path): chmod: \(reason)")
        }
        logger.info("control socket at \(path)")
        return ControlServer(path: path, channel: channel)
    }

    func stop() async {
        try? await channel.close().get()
        unlink(path)
    }
}

/// The socket's path: a socket left by a daemon that died is removed; a live one (another
/// daemon on the same state directory) or anything else there (a symlink, a file) is
/// refused, never followed or replaced.
enum ControlSocketFile {
    struct Refused: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    static func removeStale(_ path: String) throws(Refused) {
        var status = stat()
        guard lstat(path, &status) == 0 else {
            guard errno == ENOENT else { throw Refused("\(path): \(String(cString: strerror(errno)))") }
            return
        }
        guard status.st_mode & S_IFMT == S_IFSOCK else {
            throw Refused("\(path) exists and is not a socket: refusing to replace it")
        }
        // A socket nothing answers on was left behind by a daemon that died.
        if (try? ControlClient.send(ControlRequest(verb: "help"), to: path, timeout: 2)) != nil {
            throw Refused("\(path): another daemon is running with this state directory")
        }
        guard unlink(path) == 0 else { throw Refused("\(path): \(String(cString: strerror(errno)))") }
    }
}

/// Splits requests at newlines; a request longer than the limit ends the connection.
struct ControlLineDecoder: ByteToMessageDecoder {
    typealias InboundOut = ByteBuffer
    let maximumLength: Int

    struct TooLong: Error {}

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let newline = buffer.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) else {
            if buffer.readableBytes > maximumLength { throw TooLong() }
            return .needMoreData
        }
        let length = newline - buffer.readerIndex
        guard length <= maximumLength else { throw TooLong() }
        let line = buffer.readSlice(length: length)!
        buffer.moveReaderIndex(forwardBy: 1)
        context.fireChannelRead(wrapInboundOut(line))
        return .continue
    }
}

/// One connection: each request line answered in order with one response line.
final class ControlConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let verbs: ControlVerbTable
    private let logger: Logger
    /// The last response still to be written: the next one waits for it.
    private var previous: EventLoopFuture<Void>?

    init(verbs: ControlVerbTable, logger: Logger) {
        self.verbs = verbs
        self.logger = logger
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let line = unwrapInboundIn(data)
        let response: EventLoopFuture<ControlResponse>
        if let request = ControlLine.decode(ControlRequest.self, from: line.readableBytesView) {
            response = verbs.handle(request)
        } else {
            response = context.eventLoop.makeSucceededFuture(.failure("not a request: expected {\"verb\":...,\"arguments\":[...]}"))
        }
        let loop = context.eventLoop
        let bound = NIOLoopBound(context, eventLoop: loop)
        let after = previous ?? loop.makeSucceededVoidFuture()
        previous = after.flatMap { response }.flatMapError { error in
            loop.makeSucceededFuture(.failure("\(error)"))
        }.flatMap { response in
            let context = bound.value
            return context.writeAndFlush(NIOAny(context.channel.allocator.buffer(bytes: ControlLine.encode(response))))
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if error is ControlLineDecoder.TooLong {
            let message = ControlLine.encode(ControlResponse.failure("request longer than \(ControlServer.maximumRequestBytes) bytes"))
            context.writeAndFlush(NIOAny(context.channel.allocator.buffer(bytes: message)), promise: nil)
        }
        context.close(promise: nil)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent {
            context.close(promise: nil)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }
}
