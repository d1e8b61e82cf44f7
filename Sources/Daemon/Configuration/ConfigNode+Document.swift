import Yams

extension ConfigNode {
    /// The root of a YAML document, for files other than the main config (scenarios).
    /// The one place besides `DaemonConfiguration.parse` that knows the YAML library.
    static func document(yaml text: String, file: String) throws(ConfigError) -> ConfigNode {
        do {
            guard let node = try Yams.compose(yaml: text) else {
                throw ConfigError(file: file, line: nil, field: "", message: "the file is empty")
            }
            return ConfigNode(node, file: file, field: "")
        } catch let error as ConfigError {
            throw error
        } catch let error as YamlError {
            throw ConfigError(file: file, line: error.line, field: "", message: "not valid YAML: \(error.problem)")
        } catch {
            throw ConfigError(file: file, line: nil, field: "", message: "not valid YAML: \(error)")
        }
    }
}
