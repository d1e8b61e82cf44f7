import FoundationEssentials
import NIOCore

/// The control socket's `status` verb, which `ipmigod status` sends: the published snapshots
/// from the status board, as text (what `/api/status.txt` serves) or, with the argument
/// `json`, as `/api/status`'s document. It only reads the board, so it answers at once.
enum StatusVerb {
    static let name = "status"
    static let notYet = "no status published yet"

    static func make(board: StatusBoard, loop: any EventLoop) -> ControlVerb {
        ControlVerb(name: name, summary: "[json]: sessions, SEL, events and alert counters (the status page's text)") { request in
            loop.makeSucceededFuture(respond(to: request.arguments, members: board.members))
        }
    }

    static func respond(to arguments: [String], members: [MemberSnapshot]) -> ControlResponse {
        switch arguments {
        case []:
            return DaemonStatus.text(of: members).map { .success($0) } ?? .failure(notYet)
        case ["json"]:
            guard !members.isEmpty else { return .failure(notYet) }
            guard let data = try? JSONEncoder().encode(StatusDocument(members)) else { return .failure("cannot encode the status") }
            return .success(String(decoding: data, as: UTF8.self))
        default:
            return .failure("usage: status [json]")
        }
    }
}
