/// The `http:` section: the read-only status page and metrics endpoint, and how much reading
/// history it keeps. Off unless `listen` is set (`--http-listen` overrides it).
///
///     http:
///       listen: 127.0.0.1:9623      # ADDR:PORT or [V6ADDR]:PORT; absent: no TCP listener
///       history:
///         recent_resolution: 1      # seconds per sample (1..60)
///         recent_span: 3600         # seconds
///         long_resolution: 60       # seconds per average with min and max (10..3600)
///         long_span: 604800         # seconds
///         memory_limit: 8388608     # bytes for all sensors' history; spans shrink to fit
///         save_interval: 300        # seconds between saves to the state directory
struct HTTPConfiguration: Sendable, Equatable {
    var listen: ListenAddress?
    var history = HistoryConfiguration()
}

extension ConfigSchema {
    func readHTTP(_ node: ConfigNode?) throws(ConfigError) -> HTTPConfiguration {
        var http = HTTPConfiguration()
        guard let node else { return http }
        if let value = try node.child("listen") {
            let text = try value.string()
            guard text.contains(":"), let address = ListenAddress(text) else {
                throw value.error("expected ADDRESS:PORT or [IPV6]:PORT, not \"\(text)\"")
            }
            http.listen = address
        }
        if let history = try node.child("history") {
            var settings = HistoryConfiguration()
            if let value = try history.child("recent_resolution") { settings.recentResolution = try value.integer(in: 1...60) }
            if let value = try history.child("recent_span") { settings.recentSpan = try value.integer(in: 60...86400) }
            if let value = try history.child("long_resolution") { settings.longResolution = try value.integer(in: 10...3600) }
            if let value = try history.child("long_span") { settings.longSpan = try value.integer(in: 3600...(366 * 86400)) }
            if let value = try history.child("memory_limit") { settings.memoryLimit = try value.integer(in: 65536...(1 << 30)) }
            if let value = try history.child("save_interval") { settings.saveInterval = try value.integer(in: 10...86400) }
            try history.rejectUnknownKeys()
            http.history = settings
        }
        try node.rejectUnknownKeys()
        return http
    }
}
