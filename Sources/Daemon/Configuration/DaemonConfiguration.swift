import IPMICore

/// An address and UDP port to serve IPMI on.
struct ListenAddress: Sendable, Equatable, CustomStringConvertible {
    var host: String
    var port: Int

    /// Parses "ADDR:PORT", "[V6ADDR]:PORT" or a bare address (port 623).
    init?(_ text: String) {
        var host = text
        var port = 623
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return nil }
            host = String(text[text.index(after: text.startIndex)..<close])
            let rest = text[text.index(after: close)...]
            if !rest.isEmpty {
                guard rest.hasPrefix(":"), let value = Int(rest.dropFirst()) else { return nil }
                port = value
            }
        } else if let colon = text.lastIndex(of: ":"), text.firstIndex(of: ":") == colon {
            host = String(text[..<colon])
            guard let value = Int(text[text.index(after: colon)...]) else { return nil }
            port = value
        }
        guard !host.isEmpty, (0...65535).contains(port) else { return nil }
        self.host = host
        self.port = port
    }

    var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}

/// The whole daemon configuration: what to listen on, and the BMC itself.
struct DaemonConfiguration: Sendable {
    var listen: [ListenAddress]
    var bmc: BMCConfiguration
    /// The system GUID was not configured: use the one generated at first start.
    var generatesSystemGUID: Bool
    /// The status page and metrics endpoint, and the reading history.
    var http = HTTPConfiguration()
    /// Weak settings the config is allowed (cipher suite 0, authentication type none, the
    /// null user): reported by check-config and logged at start, never refused.
    var warnings: [ConfigError] = []
    /// Scenarios known and started with the daemon (the `simulate:` section).
    var simulation = SimulationConfiguration()
    /// What carries out chassis control, identify and boot device changes.
    var platform: PlatformConfiguration = .none

    /// Reads and validates a config file; nothing is half-applied on error.
    static func load(path: String) throws(ConfigError) -> DaemonConfiguration {
        let bytes: [UInt8]?
        do {
            // The config is not state: a link to it (as conf/ipmigod-simulate.yaml is) is followed.
            bytes = try AtomicFile.read(path, followingLinks: true)
        } catch {
            throw ConfigError(file: path, line: nil, field: "", message: "cannot read: \(error)")
        }
        guard let bytes else { throw ConfigError(file: path, line: nil, field: "", message: "cannot read: no such file") }
        return try parse(String(decoding: bytes, as: UTF8.self), file: path)
    }

    static func parse(_ text: String, file: String) throws(ConfigError) -> DaemonConfiguration {
        try ConfigSchema(root: ConfigNode.document(yaml: text, file: file)).read()
    }
}
