import IPMICore

/// The scenarios a daemon can start by name: the built-in ones (conf/scenarios, compiled into
/// the binary), then those of the config's `simulate.scenario_directory`, which replace a
/// built-in one of the same name.
struct ScenarioCatalog: Sendable {
    private(set) var scenarios: [String: Scenario] = [:]

    var names: [String] { scenarios.keys.sorted() }

    subscript(name: String) -> Scenario? { scenarios[name] }

    /// conf/scenarios as compiled into the binary.
    static func builtIn() throws(ConfigError) -> ScenarioCatalog {
        var catalog = ScenarioCatalog()
        for (name, text) in EmbeddedScenarios.all {
            catalog.scenarios[name] = try ScenarioFile.parse(text, name: name, file: "<embedded conf/scenarios/\(name).yaml>")
        }
        return catalog
    }

    /// Adds every NAME.yaml of a directory as scenario NAME.
    mutating func add(directory: String) throws(ConfigError) {
        let files: [String]
        do { files = try PlainFile.names(in: directory) } catch {
            throw ConfigError(file: directory, line: nil, field: "", message: "cannot read the scenario directory: \(error)")
        }
        for file in files where file.hasSuffix(".yaml") && !file.hasPrefix(".") {
            let name = String(file.dropLast(".yaml".count))
            let path = directory + "/" + file
            let text: String
            do { text = try PlainFile.contents(of: path) } catch {
                throw ConfigError(file: path, line: nil, field: "", message: "cannot read: \(error)")
            }
            scenarios[name] = try ScenarioFile.parse(text, name: name, file: path)
        }
    }
}
