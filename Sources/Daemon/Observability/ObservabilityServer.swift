import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix

/// The read-only HTTP side of the daemon on a thread of its own: the status page, `/metrics`
/// and the JSON API on `http.listen` (if set). It only reads snapshots the BMC publishes to
/// the status board (which the control socket's `status` verb reads too) and keeps the
/// reading history; nothing here runs on the BMC's loop. Without `http.listen` it is the
/// board alone: no thread, and no history that nothing could show (up to its memory limit).
final class ObservabilityServer: Sendable {
    /// Connections open at once; more are closed at once.
    static let maximumConnections = 32
    static let idleTimeout = TimeAmount.seconds(30)

    let board: StatusBoard
    private let group: MultiThreadedEventLoopGroup?
    private let history: NIOLoopBound<HistoryStore>?
    /// The HTTP listener, if `http.listen` is set.
    private let channel: (any Channel)?
    let boundAddress: SocketAddress?

    private init(board: StatusBoard, group: MultiThreadedEventLoopGroup?, history: NIOLoopBound<HistoryStore>?,
                 channel: (any Channel)?, boundAddress: SocketAddress?) {
        self.board = board
        self.group = group
        self.history = history
        self.channel = channel
        self.boundAddress = boundAddress
    }

    static func start(board: StatusBoard, listen: ListenAddress?, history configuration: HistoryConfiguration,
                      sensorCount: Int, stateDirectory: String, logger: Logger) async throws -> ObservabilityServer {
        guard let listen else {
            return ObservabilityServer(board: board, group: nil, history: nil, channel: nil, boundAddress: nil)
        }
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let loop = group.next()
        do {
            let (history, connections) = try await loop.submit {
                let store = HistoryStore(configuration: configuration, sensorCount: sensorCount, stateDirectory: stateDirectory,
                                         logger: logger)
                store.load()
                return (NIOLoopBound(store, eventLoop: loop), NIOLoopBound(ConnectionCount(), eventLoop: loop))
            }.get()
            let routes = HTTPRoutes(board: board, history: history)
            let listener = try await ServerBootstrap(group: group)
                .serverChannelOption(.backlog, value: 16)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        guard connections.value.open < maximumConnections else {
                            channel.close(promise: nil)
                            return
                        }
                        connections.value.open += 1
                        channel.closeFuture.whenComplete { _ in connections.value.open -= 1 }
                        let pipeline = channel.pipeline.syncOperations
                        try pipeline.addHandler(IdleStateHandler(allTimeout: idleTimeout))
                        try pipeline.configureHTTPServerPipeline(withErrorHandling: true)
                        try pipeline.addHandler(HTTPHandler(routes: routes))
                    }
                }
                .bind(host: listen.host, port: listen.port).get()
            logger.notice("HTTP status and metrics on \(listener.localAddress.map(\.hostAndPort) ?? listen.description)")
            let interval = TimeAmount.seconds(Int64(max(1, configuration.saveInterval)))
            loop.scheduleRepeatedTask(initialDelay: interval, delay: interval) { _ in history.value.save() }
            return ObservabilityServer(board: board, group: group, history: history, channel: listener,
                                       boundAddress: listener.localAddress)
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
    }

    /// Called on the publishing BMC's loop: the board takes the snapshot at once, the history
    /// on its own loop (unless `recordsHistory` is false: a fleet keeps member 0's only).
    func publish(_ snapshot: MemberSnapshot, recordsHistory: Bool = true) {
        board.publish(snapshot)
        guard recordsHistory, let history else { return }
        history.eventLoop.execute { history.value.record(snapshot) }
    }

    /// Closes the listener and saves the history.
    func stop() async {
        try? await channel?.close()
        if let history { try? await history.eventLoop.submit { history.value.save() }.get() }
        try? await group?.shutdownGracefully()
    }

    private final class ConnectionCount {
        var open = 0
    }
}
