import FoundationEssentials

/// The daemon's state directory: one JSON document per kind of state, each replaced
/// atomically and durably before the change is acknowledged to a client.
public struct StateStore: Sendable {
    public let directory: String

    public init(directory: String) throws(FileError) {
        self.directory = directory
        try AtomicFile.makeDirectory(directory)
    }

    public func path(_ name: String) -> String { directory + "/" + name }

    public func load<T: Decodable>(_ type: T.Type, from name: String) throws -> T? {
        guard let bytes = try AtomicFile.read(path(name)) else { return nil }
        return try JSONDecoder().decode(T.self, from: Data(bytes))
    }

    public func save(_ value: some Encodable, as name: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(Array(try encoder.encode(value)), to: path(name))
    }
}
