import IPMICore

/// What carries out platform actions: nothing (every action refused), a simulated chassis,
/// or the integrator's hook commands.
enum PlatformConfiguration: Sendable {
    case none
    case simulated
    case hooks([String: HookCommand])
}

/// One hook: the command to run for an action, its time limit, and which completion code
/// each failing exit status answers with.
struct HookCommand: Sendable {
    /// The program (absolute path) and its arguments, with `{placeholders}` still in them.
    var command: [String]
    var timeout: Duration = .seconds(10)
    /// Exit status -> completion code; an exit status not listed here answers 0xFF.
    var exitCodes: [Int32: UInt8] = [:]

    /// The hook names (`PlatformAction.name`) the config may give, with their placeholders.
    static let placeholders: [String: Set<String>] = {
        let common: Set<String> = ["action", "reason"]
        var names = Dictionary(uniqueKeysWithValues: [
            "power_on", "power_off", "power_cycle", "hard_reset", "soft_shutdown", "diagnostic_interrupt",
            "identify_on", "identify_off",
        ].map { ($0, common) })
        names["boot_device"] = common.union(["device", "selector", "persistent"])
        return names
    }()

    /// The argument list for one run: each `{name}` replaced by the action's value.
    func arguments(for action: PlatformAction, reason: String) -> [String] {
        var values = ["action": action.name, "reason": reason]
        if case .setBootDevice(let selector, let persistent) = action {
            values["device"] = BootFlags.deviceName(selector)
            values["selector"] = String(selector)
            values["persistent"] = persistent ? "true" : "false"
        }
        return command.map { argument in
            var result = argument
            for (name, value) in values { result = result.replacing("{\(name)}", with: value) }
            return result
        }
    }
}

extension ConfigSchema {
    /// The `hooks:` section: `simulated` (simulate mode's chassis), or a command per action.
    ///
    ///     hooks:
    ///       identify_on: { command: [/bin/sh, -c, "echo 1 > /sys/.../led"], timeout: 5 }
    ///       boot_device: { command: [/usr/local/sbin/boot-mode, "{device}", "{persistent}"],
    ///                      exit_codes: { 2: 0xCC } }
    func readHooks(_ node: ConfigNode?) throws(ConfigError) -> PlatformConfiguration {
        guard let node else { return .none }
        if node.node.scalar != nil {
            guard try node.string() == "simulated" else {
                throw node.error("expected `simulated` or a mapping of hook names to commands")
            }
            return .simulated
        }
        var hooks: [String: HookCommand] = [:]
        for (name, entry) in try node.entries() {
            guard let allowed = HookCommand.placeholders[name] else {
                throw entry.error("unknown hook; hooks are " + HookCommand.placeholders.keys.sorted().joined(separator: ", "))
            }
            hooks[name] = try readHook(entry, placeholders: allowed)
        }
        return .hooks(hooks)
    }

    private func readHook(_ node: ConfigNode, placeholders: Set<String>) throws(ConfigError) -> HookCommand {
        let commandNode = try node.required("command")
        var command: [String] = []
        for element in try commandNode.elements() {
            let argument = try element.string()
            for name in Self.placeholderNames(in: argument) where !placeholders.contains(name) {
                throw element.error("unknown placeholder {\(name)}; this hook has " + placeholders.sorted().map { "{\($0)}" }.joined(separator: ", "))
            }
            command.append(argument)
        }
        guard let program = command.first, program.hasPrefix("/") else {
            throw commandNode.error("expected a list starting with the program's absolute path")
        }
        var hook = HookCommand(command: command)
        if let value = try node.child("timeout") {
            hook.timeout = .milliseconds(Int64(try value.number(in: 0.1...600) * 1000))
        }
        if let value = try node.child("exit_codes") {
            for (status, code) in try value.entries() {
                guard let number = Int32(status), (1...255).contains(number) else {
                    throw code.error("expected an exit status 1 to 255 as key, not \"\(status)\"")
                }
                hook.exitCodes[number] = try code.integer(in: 0x01...0xFF)
            }
        }
        try node.rejectUnknownKeys()
        return hook
    }

    private static func placeholderNames(in argument: String) -> [String] {
        var names: [String] = []
        var rest = argument[...]
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            names.append(String(rest[rest.index(after: open)..<close]))
            rest = rest[rest.index(after: close)...]
        }
        return names
    }
}
