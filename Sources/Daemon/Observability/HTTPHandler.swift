import NIOCore
import NIOHTTP1

/// One HTTP connection to the observability endpoint: GET and HEAD only, no request body,
/// a bounded request line; idle connections are closed (IdleStateHandler in front of it).
final class HTTPHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    static let maximumURILength = 2048
    /// A request must arrive whole within this of the connection opening or the last answer.
    static let requestDeadline = TimeAmount.seconds(10)

    private let routes: HTTPRoutes
    private var head: HTTPRequestHead?
    private var refused: HTTPResponseStatus?
    private var deadline: Scheduled<Void>?

    init(routes: HTTPRoutes) {
        self.routes = routes
    }

    func handlerAdded(context: ChannelHandlerContext) {
        armDeadline(context)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        deadline?.cancel()
    }

    /// Closes a connection that sends nothing, or a request too slowly (a slow client must
    /// not hold one of the few connections).
    private func armDeadline(_ context: ChannelHandlerContext) {
        deadline?.cancel()
        let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
        deadline = context.eventLoop.scheduleTask(in: Self.requestDeadline) { loopBound.value.close(promise: nil) }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let request):
            head = request
            refused = nil
            if request.uri.utf8.count > Self.maximumURILength {
                refused = .uriTooLong
            } else if request.method != .GET && request.method != .HEAD {
                refused = .methodNotAllowed
            }
        case .body:
            // Nothing here takes a body: refuse at once rather than buffer it.
            if refused == nil { refused = .payloadTooLarge }
        case .end:
            guard let request = head else { return }
            head = nil
            deadline?.cancel()
            if let refused {
                send(context, request, status: refused, contentType: "text/plain", body: ByteBuffer(string: "\(refused.reasonPhrase)\n"),
                     keepAlive: false)
                return
            }
            let (path, query) = Self.split(request.uri)
            let response = routes.respond(path: path, query: query)
            send(context, request, status: HTTPResponseStatus(statusCode: response.status), contentType: response.contentType,
                 body: response.body, keepAlive: request.isKeepAlive)
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent {
            context.close(promise: nil)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    private func send(_ context: ChannelHandlerContext, _ request: HTTPRequestHead, status: HTTPResponseStatus,
                      contentType: String, body: ByteBuffer, keepAlive: Bool) {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: contentType)
        headers.add(name: "Content-Length", value: String(body.readableBytes))
        headers.add(name: "Cache-Control", value: "no-store")
        headers.add(name: "Connection", value: keepAlive ? "keep-alive" : "close")
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: request.version, status: status, headers: headers))),
                      promise: nil)
        if request.method != .HEAD { context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil) }
        let done = context.writeAndFlush(wrapOutboundOut(.end(nil)))
        if keepAlive {
            armDeadline(context)
        } else {
            let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
            done.whenComplete { _ in loopBound.value.close(promise: nil) }
        }
    }

    /// The path and the decoded query parameters of a request URI.
    static func split(_ uri: String) -> (String, [String: String]) {
        let parts = uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        var query: [String: String] = [:]
        if parts.count == 2 {
            for pair in parts[1].split(separator: "&") {
                let keyValue = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                let key = percentDecoded(keyValue[0])
                query[key] = keyValue.count == 2 ? percentDecoded(keyValue[1]) : ""
            }
        }
        return (String(parts[0]), query)
    }

    static func percentDecoded(_ text: Substring) -> String {
        var bytes: [UInt8] = []
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            switch byte {
            case UInt8(ascii: "+"): bytes.append(UInt8(ascii: " "))
            case UInt8(ascii: "%"):
                guard let high = iterator.next(), let low = iterator.next(),
                      let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16)
                else { return String(decoding: bytes, as: UTF8.self) }
                bytes.append(value)
            default: bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
