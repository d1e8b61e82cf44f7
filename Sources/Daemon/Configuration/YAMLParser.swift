import CYAML

/// Composes one YAML document into a `YAMLNode` tree with libyaml's event parser, keeping
/// each node's line. It covers what config files use: block and flow mappings and
/// sequences, plain, quoted and block scalars, comments, anchors and aliases. Duplicate
/// keys are an error, so a repeated setting cannot silently override the first.
enum YAMLParser {
    /// The document's root, or nil for a file with no document (empty, or only comments).
    static func compose(_ text: String) throws(YAMLError) -> YAMLNode? {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty else { return nil } // libyaml wants a non-null buffer
        let result: Result<YAMLNode?, YAMLError> = bytes.withUnsafeBufferPointer { input in
            let events = EventReader(input)
            defer { events.close() }
            do throws(YAMLError) {
                var composer = Composer(events: events)
                return .success(try composer.document())
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }
}

/// One libyaml event, copied out of the parser's memory.
private struct Event {
    enum Kind {
        case streamStart, streamEnd, documentStart, documentEnd
        case alias(String)
        case scalar(String, plain: Bool)
        case sequenceStart, sequenceEnd, mappingStart, mappingEnd
    }

    var kind: Kind
    var anchor: String?
    var line: Int
}

/// Pulls events from a libyaml parser over `input`, which must outlive it.
private final class EventReader {
    private let parser = UnsafeMutablePointer<yaml_parser_t>.allocate(capacity: 1)

    init(_ input: UnsafeBufferPointer<UInt8>) {
        // Fails only when out of memory, which the first parse then reports.
        _ = yaml_parser_initialize(parser)
        yaml_parser_set_input_string(parser, input.baseAddress, input.count)
    }

    func close() {
        yaml_parser_delete(parser)
        parser.deallocate()
    }

    func next() throws(YAMLError) -> Event {
        var event = yaml_event_t()
        guard yaml_parser_parse(parser, &event) == 1 else { throw parseError() }
        defer { yaml_event_delete(&event) }
        let line = Int(event.start_mark.line) + 1
        switch event.type {
        case YAML_STREAM_START_EVENT: return Event(kind: .streamStart, line: line)
        case YAML_STREAM_END_EVENT: return Event(kind: .streamEnd, line: line)
        case YAML_DOCUMENT_START_EVENT: return Event(kind: .documentStart, line: line)
        case YAML_DOCUMENT_END_EVENT: return Event(kind: .documentEnd, line: line)
        case YAML_ALIAS_EVENT:
            return Event(kind: .alias(Self.string(event.data.alias.anchor) ?? ""), line: line)
        case YAML_SCALAR_EVENT:
            let scalar = event.data.scalar
            let text = String(decoding: UnsafeBufferPointer(start: scalar.value, count: scalar.length), as: UTF8.self)
            return Event(kind: .scalar(text, plain: scalar.style == YAML_PLAIN_SCALAR_STYLE),
                         anchor: Self.string(scalar.anchor), line: line)
        case YAML_SEQUENCE_START_EVENT:
            return Event(kind: .sequenceStart, anchor: Self.string(event.data.sequence_start.anchor), line: line)
        case YAML_SEQUENCE_END_EVENT: return Event(kind: .sequenceEnd, line: line)
        case YAML_MAPPING_START_EVENT:
            return Event(kind: .mappingStart, anchor: Self.string(event.data.mapping_start.anchor), line: line)
        case YAML_MAPPING_END_EVENT: return Event(kind: .mappingEnd, line: line)
        default: throw YAMLError(line: line, field: "", problem: "unexpected parser event \(event.type.rawValue)")
        }
    }

    /// libyaml's own account, at the line it stopped on: "while scanning a quoted scalar
    /// (from line 4): found unexpected end of stream".
    private func parseError() -> YAMLError {
        let state = parser.pointee
        guard state.error != YAML_MEMORY_ERROR, let problem = state.problem else {
            return YAMLError(line: nil, field: "", problem: "out of memory")
        }
        let line = Int(state.problem_mark.line) + 1
        var context = ""
        if let text = state.context {
            let contextLine = Int(state.context_mark.line) + 1
            context = String(cString: text) + (contextLine == line ? "" : " (from line \(contextLine))") + ": "
        }
        return YAMLError(line: line, field: "", problem: context + String(cString: problem))
    }

    private static func string(_ bytes: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        bytes.map { String(cString: $0) }
    }
}

/// Builds the tree from the event stream, naming the config field of each problem it finds.
private struct Composer {
    let events: EventReader
    private var anchors: [String: YAMLNode] = [:]

    init(events: EventReader) {
        self.events = events
    }

    mutating func document() throws(YAMLError) -> YAMLNode? {
        _ = try events.next() // stream start
        let start = try events.next()
        guard case .documentStart = start.kind else { return nil } // stream end: no document
        let root = try node(from: try events.next(), field: "")
        _ = try events.next() // document end
        let after = try events.next()
        guard case .streamEnd = after.kind else {
            throw YAMLError(line: after.line, field: "", problem: "a config file holds one document; a second starts here")
        }
        return root
    }

    private mutating func node(from event: Event, field: String) throws(YAMLError) -> YAMLNode {
        let node: YAMLNode
        switch event.kind {
        case .alias(let anchor):
            guard let target = anchors[anchor] else {
                throw YAMLError(line: event.line, field: field, problem: "*\(anchor) names no anchor defined before it")
            }
            return target
        case .scalar(let text, let plain):
            node = YAMLNode(content: .scalar(text, plain: plain), line: event.line)
        case .sequenceStart:
            var elements: [YAMLNode] = []
            while true {
                let next = try events.next()
                if case .sequenceEnd = next.kind { break }
                elements.append(try self.node(from: next, field: "\(field)[\(elements.count)]"))
            }
            node = YAMLNode(content: .sequence(elements), line: event.line)
        case .mappingStart:
            var pairs: [(key: YAMLNode, value: YAMLNode)] = []
            var keyLines: [String: Int] = [:]
            while true {
                let next = try events.next()
                if case .mappingEnd = next.kind { break }
                let key = try self.node(from: next, field: field)
                let keyField = key.scalar.map { field.isEmpty ? $0 : "\(field).\($0)" } ?? field
                if let name = key.scalar {
                    if let first = keyLines[name] {
                        throw YAMLError(line: key.line, field: keyField, problem: "duplicate key (first at line \(first))")
                    }
                    keyLines[name] = key.line
                }
                pairs.append((key, try self.node(from: try events.next(), field: keyField)))
            }
            node = YAMLNode(content: .mapping(pairs), line: event.line)
        case .streamStart, .streamEnd, .documentStart, .documentEnd, .sequenceEnd, .mappingEnd:
            throw YAMLError(line: event.line, field: field, problem: "unexpected end of a document or collection")
        }
        if let anchor = event.anchor { anchors[anchor] = node }
        return node
    }
}
