/// A composed YAML node with the (1-based) line it starts on: what the config reader walks.
/// Scalars keep their text as written; ConfigNode decides what it means (number, boolean...).
struct YAMLNode {
    enum Content {
        /// `plain` is false for quoted and block scalars, which are never null.
        case scalar(String, plain: Bool)
        case sequence([YAMLNode])
        /// In file order; keys are unique (the parser refuses duplicates).
        case mapping([(key: YAMLNode, value: YAMLNode)])
    }

    var content: Content
    var line: Int

    var scalar: String? {
        if case .scalar(let text, _) = content { text } else { nil }
    }

    var sequence: [YAMLNode]? {
        if case .sequence(let elements) = content { elements } else { nil }
    }

    var mapping: [(key: YAMLNode, value: YAMLNode)]? {
        if case .mapping(let pairs) = content { pairs } else { nil }
    }

    /// YAML 1.1's null: an empty plain scalar, `~` or `null`.
    var isNull: Bool {
        guard case .scalar(let text, plain: true) = content else { return false }
        return ["", "~", "null", "Null", "NULL"].contains(text)
    }

    /// The value under a string key of a mapping.
    subscript(key: String) -> YAMLNode? {
        mapping?.first { $0.key.scalar == key }?.value
    }
}

/// Why a file is not the YAML the config reader accepts, and where.
struct YAMLError: Error {
    var line: Int?
    /// The config field the problem is in (e.g. `users[0]`), when known.
    var field: String
    var problem: String
}
