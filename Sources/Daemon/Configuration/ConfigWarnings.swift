import IPMICore

/// Settings a config may hold but an operator should know are weak: `check-config` prints
/// them (and still passes), the daemon logs them at start. Read from an already validated
/// config, so every value here is known to be well formed.
struct ConfigWarnings {
    let root: ConfigNode

    func all() throws(ConfigError) -> [ConfigError] {
        var warnings: [ConfigError] = []
        if let channel = try root.child("lan_channel") {
            for suite in try channel.child("cipher_suites")?.elements() ?? [] {
                let id = try suite.required("id")
                if try id.integer(UInt8.self, in: 0...255) == 0 {
                    warnings.append(id.error("cipher suite 0 lets anyone who knows a user name in without a password"))
                }
            }
            for (level, types) in try channel.child("auth_types")?.entries() ?? [] {
                for type in try types.elements() where try type.string() == "none" {
                    warnings.append(type.error("authentication type none at \(level) privilege sends and accepts no password"))
                }
            }
        }
        for user in try root.child("users")?.elements() ?? [] {
            let id = try user.required("id")
            let enabled = try user.child("enabled")?.bool() ?? true
            if try id.integer(UInt8.self, in: 0...255) == 1 && enabled {
                warnings.append(id.error("the null user (id 1, no name) is enabled: anyone may log in by password alone"))
            }
        }
        warnings += try chassisRole()
        return warnings
    }
}
