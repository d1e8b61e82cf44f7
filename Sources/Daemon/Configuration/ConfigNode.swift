import IPMICore

/// A YAML node with its place in the file, for reading a config with errors that name the
/// file, line and field. Mappings remember which keys were read so unknown ones are caught.
final class ConfigNode {
    let node: YAMLNode
    let file: String
    let field: String
    private var readKeys: Set<String> = []

    init(_ node: YAMLNode, file: String, field: String) {
        self.node = node
        self.file = file
        self.field = field
    }

    var line: Int? { node.line }

    func error(_ message: String) -> ConfigError {
        ConfigError(file: file, line: line, field: field, message: message)
    }

    private func childField(_ key: String) -> String { field.isEmpty ? key : "\(field).\(key)" }

    // MARK: Structure

    /// The value under `key`, or nil when absent or null.
    func child(_ key: String) throws(ConfigError) -> ConfigNode? {
        guard node.mapping != nil else { throw error("expected a mapping of keys to values") }
        readKeys.insert(key)
        guard let value = node[key], !value.isNull else { return nil }
        return ConfigNode(value, file: file, field: childField(key))
    }

    func required(_ key: String) throws(ConfigError) -> ConfigNode {
        guard let value = try child(key) else {
            throw ConfigError(file: file, line: line, field: childField(key), message: "is required")
        }
        return value
    }

    func elements() throws(ConfigError) -> [ConfigNode] {
        guard let sequence = node.sequence else { throw error("expected a list") }
        return sequence.enumerated().map { ConfigNode($1, file: file, field: "\(field)[\($0)]") }
    }

    /// Keys of a mapping, for mappings keyed by name (e.g. privilege levels).
    func entries() throws(ConfigError) -> [(String, ConfigNode)] {
        guard let mapping = node.mapping else { throw error("expected a mapping of keys to values") }
        var result: [(String, ConfigNode)] = []
        for (key, value) in mapping {
            guard let name = key.scalar else { throw ConfigNode(key, file: file, field: field).error("keys must be strings") }
            readKeys.insert(name)
            result.append((name, ConfigNode(value, file: file, field: childField(name))))
        }
        return result
    }

    /// Refuses keys no reader asked for: a typo must not silently leave a default in force.
    func rejectUnknownKeys() throws(ConfigError) {
        guard let mapping = node.mapping else { return }
        for (key, _) in mapping {
            guard let name = key.scalar, readKeys.contains(name) else {
                throw ConfigError(file: file, line: key.line, field: childField(key.scalar ?? "?"),
                                  message: "unknown key")
            }
        }
    }

    // MARK: Scalars

    func string() throws(ConfigError) -> String {
        guard let scalar = node.scalar else { throw error("expected a single value") }
        return scalar
    }

    func integer<T: FixedWidthInteger>(_ type: T.Type = T.self, in range: ClosedRange<T>) throws(ConfigError) -> T {
        let text = try string().filter { $0 != "_" }
        let value: T? = if text.lowercased().hasPrefix("0x") { T(text.dropFirst(2), radix: 16) } else { T(text) }
        guard let value, range.contains(value) else {
            throw error("expected a whole number from \(range.lowerBound) to \(range.upperBound), not \"\(text)\"")
        }
        return value
    }

    func number(in range: ClosedRange<Double>) throws(ConfigError) -> Double {
        let text = try string()
        guard let value = Double(text), range.contains(value) else {
            throw error("expected a number from \(range.lowerBound) to \(range.upperBound), not \"\(text)\"")
        }
        return value
    }

    func bool() throws(ConfigError) -> Bool {
        switch try string().lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        case let other: throw error("expected true or false, not \"\(other)\"")
        }
    }

    func privilege() throws(ConfigError) -> PrivilegeLevel {
        let text = try string()
        guard let level = PrivilegeLevel(name: text) else {
            throw error("expected callback, user, operator or administrator, not \"\(text)\"")
        }
        return level
    }
}

