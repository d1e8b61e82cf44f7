extension ConfigNode {
    /// The root of a YAML document: the config file, and the scenario files.
    static func document(yaml text: String, file: String) throws(ConfigError) -> ConfigNode {
        let document: YAMLNode?
        do {
            document = try YAMLParser.compose(text)
        } catch {
            throw ConfigError(file: file, line: error.line, field: error.field, message: "not valid YAML: \(error.problem)")
        }
        guard let root = document else { throw ConfigError(file: file, line: nil, field: "", message: "the file is empty") }
        return ConfigNode(root, file: file, field: "")
    }
}
