import NIOCore

/// Reads the data bytes of a request. Running short is a bad length (0xC7).
public struct RequestReader {
    public var buffer: ByteBuffer
    public init(_ buffer: ByteBuffer) { self.buffer = buffer }

    public var remaining: Int { buffer.readableBytes }

    public mutating func byte() throws(CompletionCode) -> UInt8 {
        guard let value = buffer.readInteger(as: UInt8.self) else { throw .requestDataLengthInvalid }
        return value
    }

    public mutating func uint16() throws(CompletionCode) -> UInt16 {
        guard let value = buffer.readInteger(endianness: .little, as: UInt16.self) else {
            throw .requestDataLengthInvalid
        }
        return value
    }

    public mutating func uint32() throws(CompletionCode) -> UInt32 {
        guard let value = buffer.readInteger(endianness: .little, as: UInt32.self) else {
            throw .requestDataLengthInvalid
        }
        return value
    }

    public mutating func bytes(_ count: Int) throws(CompletionCode) -> [UInt8] {
        guard let value = buffer.readBytes(length: count) else { throw .requestDataLengthInvalid }
        return value
    }

    /// A request with bytes left over is as malformed as one that runs short.
    public func end() throws(CompletionCode) {
        guard buffer.readableBytes == 0 else { throw .requestDataLengthInvalid }
    }
}

/// A typed request: parsed from the data bytes, or refused with a completion code.
public protocol CommandRequest: SendableMetatype {
    init(from reader: inout RequestReader) throws(CompletionCode)
}

/// A typed response: serialized after the completion code.
public protocol CommandResponse: SendableMetatype {
    func write(to buffer: inout ByteBuffer)
}

/// A command with no request data.
public struct EmptyRequest: CommandRequest {
    public init(from reader: inout RequestReader) throws(CompletionCode) { try reader.end() }
}

/// A response with no data past the completion code.
public struct EmptyResponse: CommandResponse {
    public init() {}
    public func write(to buffer: inout ByteBuffer) {}
}

/// What a handler knows about the request besides its data.
public struct RequestContext {
    /// The session's current privilege; `.none` outside a session.
    public var privilege: PrivilegeLevel
    public var session: Session?
    public var remote: RemoteConsole
    /// The LUN the request was sent to: 0, or 1 to 3 for sensors on other LUNs.
    public var lun: UInt8 = 0
    /// Who sent it: the requester's slave address or software ID (rqSA) and LUN, as a
    /// Platform Event Message's generator ID names them.
    public var requesterAddress: UInt8 = 0x81
    public var requesterLUN: UInt8 = 0
    /// Set only while Activate Session is being handled: the challenge it answers.
    public var challenge: PendingChallenge?
    public var now: NIODeadline
}

/// One row of a netfn's command table: the command, who may send it, and its handler.
public struct CommandSpec: Sendable {
    public typealias Handler = @Sendable (BMC, inout RequestReader, RequestContext, inout ByteBuffer) throws(CompletionCode) -> Void

    public let command: UInt8
    public let name: String
    /// The least privilege that may send it; `.none` also allows it outside a session.
    public let privilege: PrivilegeLevel
    public let handler: Handler

    public init<Request: CommandRequest, Response: CommandResponse>(
        _ command: UInt8, _ name: String, _ privilege: PrivilegeLevel,
        _ handle: @escaping @Sendable (BMC, Request, RequestContext) throws(CompletionCode) -> Response
    ) {
        self.command = command
        self.name = name
        self.privilege = privilege
        self.handler = { bmc, reader, context, output throws(CompletionCode) in
            let request = try Request(from: &reader)
            try handle(bmc, request, context).write(to: &output)
        }
    }

    /// A command that may answer later (after a platform hook ran): its handler answers
    /// through `reply`, before returning or later on the BMC's loop. Only these allocate.
    public init<Request: CommandRequest, Response: CommandResponse>(
        _ command: UInt8, _ name: String, _ privilege: PrivilegeLevel,
        deferring handle: @escaping @Sendable (BMC, Request, RequestContext, Reply<Response>) throws(CompletionCode) -> Void
    ) {
        self.command = command
        self.name = name
        self.privilege = privilege
        self.handler = { bmc, reader, context, output throws(CompletionCode) in
            let request = try Request(from: &reader)
            try bmc.checkDeferralCapacity(session: context.session)
            let deferral = Deferral()
            try handle(bmc, request, context, Reply(deferral: deferral))
            if case .answered(let body) = deferral.state {
                deferral.state = .finished
                let code = body(&output)
                if code != .ok { throw code }
                return
            }
            deferral.state = .waiting
            bmc.deferral = deferral
        }
    }
}

/// Every command the BMC answers, indexed by netfn and command.
public struct CommandDispatcher: Sendable {
    private var specs: [CommandSpec] = []
    /// For each request netfn (0x00 to 0x3E, even) and command, 1 + the index of its spec in
    /// `specs`, or 0 for none: a lookup is one array read, not a dictionary's hashing.
    private var slots = [UInt16](repeating: 0, count: 32 * 256)

    public init(tables: [(NetFn, [CommandSpec])]) {
        for (netFn, specs) in tables {
            for spec in specs {
                precondition(netFn.rawValue < 0x40, "netfn \(netFn) is not six bits")
                let slot = Self.slot(CommandKey(netFn, spec.command))
                precondition(slots[slot] == 0, "duplicate command \(spec.name)")
                self.specs.append(spec)
                slots[slot] = UInt16(self.specs.count)
            }
        }
    }

    private static func slot(_ key: CommandKey) -> Int { Int(key.netFn.rawValue >> 1) << 8 | Int(key.command) }

    public func spec(for key: CommandKey) -> CommandSpec? {
        specIndex(for: key).map { specs[$0] }
    }

    /// Where `key`'s spec is in `specs`: dispatch reads the row in place, without copying its
    /// name and handler out (a retain and release each, per request).
    private func specIndex(for key: CommandKey) -> Int? {
        guard key.netFn.rawValue < 0x40 else { return nil } // netfn is six bits on the wire
        let index = Int(slots[Self.slot(key)])
        return index == 0 ? nil : index - 1
    }

    /// Every command the dispatcher answers, for tests that walk them all.
    public var commands: [CommandKey: CommandSpec] {
        var commands: [CommandKey: CommandSpec] = [:]
        for (slot, index) in slots.enumerated() where index != 0 {
            commands[CommandKey(NetFn(UInt8(slot >> 8) << 1), UInt8(slot & 0xFF))] = specs[Int(index) - 1]
        }
        return commands
    }

    /// Runs a request and writes its completion code and data after the LAN response header.
    public func dispatch(_ request: IPMIRequest, context: RequestContext, bmc: BMC, to output: inout ByteBuffer) {
        IPMIResponseWriter.write(respondingTo: request, to: &output) { body in
            // LUNs 1 to 3 hold sensors only; everything else lives on LUN 0.
            guard request.responderLUN == 0 || request.netFn == .sensorEvent else { return .invalidCommandForLUN }
            guard let index = specIndex(for: request.key) else { return .invalidCommand }
            guard context.privilege >= specs[index].privilege else {
                return .insufficientPrivilege
            }
            var context = context
            context.lun = request.responderLUN
            context.requesterAddress = request.requesterAddress
            context.requesterLUN = request.requesterLUN
            var reader = RequestReader(request.data)
            do throws(CompletionCode) {
                try specs[index].handler(bmc, &reader, context, &body)
                return .ok
            } catch {
                return error
            }
        }
    }
}

extension BMC {
    /// Every command this BMC answers, by netfn and command (the privilege matrix test and
    /// the fuzz target's seeds walk them).
    public var commandTable: [CommandKey: CommandSpec] { dispatcher.commands }
}
