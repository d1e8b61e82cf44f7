import NIOCore

/// A request the control socket answers, by name ("sim.set"). Its handler runs on the
/// control server's loop and answers with a future, so that a verb can ask another loop
/// (the BMC's) without blocking.
struct ControlVerb: Sendable {
    var name: String
    /// One line for `help`.
    var summary: String
    var handle: @Sendable (ControlRequest) -> EventLoopFuture<ControlResponse>
}

/// The verbs one control server offers; `help` lists them.
struct ControlVerbTable: Sendable {
    private let verbs: [String: ControlVerb]
    private let loop: any EventLoop

    init(_ verbs: [ControlVerb], loop: any EventLoop) {
        self.verbs = Dictionary(verbs.map { ($0.name, $0) }, uniquingKeysWith: { $1 })
        self.loop = loop
    }

    func handle(_ request: ControlRequest) -> EventLoopFuture<ControlResponse> {
        if request.verb == "help" {
            let lines = verbs.keys.sorted().map { "\($0): \(verbs[$0]!.summary)" }
            return loop.makeSucceededFuture(.success(lines.joined(separator: "\n")))
        }
        guard let verb = verbs[request.verb] else {
            return loop.makeSucceededFuture(.failure("unknown verb \"\(request.verb)\" (try help)"))
        }
        return verb.handle(request)
    }
}
