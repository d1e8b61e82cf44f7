import FoundationEssentials

/// The control socket's protocol: one JSON object per line each way, a request and then its
/// response, any number of times per connection.
///
///     {"verb":"sim.set","member":"0","arguments":["ASIC Temp","107"]}
///     {"ok":true,"output":"ASIC Temp set to 107"}
struct ControlRequest: Codable, Sendable, Equatable {
    var verb: String
    /// Which simulated switch: a member number, "all", or nil (all of them). Verbs that are
    /// not per switch ignore it.
    var member: String?
    var arguments: [String]

    init(verb: String, member: String? = nil, arguments: [String] = []) {
        self.verb = verb
        self.member = member
        self.arguments = arguments
    }
}

struct ControlResponse: Codable, Sendable, Equatable {
    var ok: Bool
    /// What the client prints on success (may be empty).
    var output: String
    /// Why the request was refused.
    var error: String?

    static func success(_ output: String = "") -> ControlResponse { ControlResponse(ok: true, output: output, error: nil) }
    static func failure(_ error: String) -> ControlResponse { ControlResponse(ok: false, output: "", error: error) }
}

/// One message as one line of JSON.
enum ControlLine {
    static func encode(_ message: some Encodable) -> [UInt8] {
        // Encoding these plain structs cannot fail; the newline ends the message.
        let data = (try? JSONEncoder().encode(message)) ?? Data(#"{"ok":false,"output":"","error":"unencodable"}"#.utf8)
        return Array(data) + [UInt8(ascii: "\n")]
    }

    static func decode<Message: Decodable>(_ type: Message.Type, from bytes: some Sequence<UInt8>) -> Message? {
        try? JSONDecoder().decode(type, from: Data(bytes))
    }
}
