/// A problem in a config file, located precisely enough to fix it without guessing.
struct ConfigError: Error, CustomStringConvertible {
    var file: String
    var line: Int?
    var field: String
    var message: String

    var description: String {
        let location = line.map { "\(file):\($0)" } ?? file
        return field.isEmpty ? "\(location): \(message)" : "\(location): \(field): \(message)"
    }
}
