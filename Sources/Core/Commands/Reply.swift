import NIOCore

/// How a deferring command answers (`CommandSpec(_:_:_:deferring:)`): exactly once, either
/// before its handler returns or later on the BMC's loop, when what it waits for (a
/// platform hook) is done. The session path wraps a later answer just as it would have
/// wrapped an immediate one.
public struct Reply<Response: CommandResponse> {
    let deferral: Deferral

    public func callAsFunction(_ result: Result<Response, CompletionCode>) {
        deferral.resolve { body in
            switch result {
            case .success(let response):
                response.write(to: &body)
                return .ok
            case .failure(let code):
                return code
            }
        }
    }
}

extension Reply where Response == EmptyResponse {
    /// Answers with a platform action's outcome.
    public func callAsFunction(_ outcome: PlatformActionOutcome) {
        switch outcome {
        case .done: self(.success(EmptyResponse()))
        case .failed(let code): self(.failure(code))
        }
    }
}

/// One request a handler may answer later. Confined to the BMC's loop.
final class Deferral {
    /// Writes the response data and returns the completion code.
    typealias Body = (inout ByteBuffer) -> CompletionCode

    enum State {
        /// The handler is still running.
        case running
        /// Answered before the handler returned: the answer goes out at once.
        case answered(Body)
        /// The handler returned without answering; the session path waits in `onAnswer`.
        case waiting
        case finished
    }

    var state = State.running
    var onAnswer: ((Body) -> Void)?

    func resolve(_ body: @escaping Body) {
        switch state {
        case .running:
            state = .answered(body)
        case .waiting:
            state = .finished
            let deliver = onAnswer
            onAnswer = nil
            deliver?(body)
        case .answered, .finished:
            assertionFailure("a deferred command answered twice")
        }
    }
}
