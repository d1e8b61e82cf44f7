import IPMICore

/// How `--chassis N` lays out a chassis of simulated BMCs on one configuration: member 0 is the
/// management module on the listen port, member k (1 to N) the line card in slot k on the
/// port + k, each with its state under STATE/members/k and its own identity (as a fleet's
/// members). Each line card links to the management module over loopback UDP as the
/// configuration's first enabled administrator (simulate mode's admin/admin).
struct ChassisLayout: Sendable {
    var slots: Int
    /// The listen address given on the command line, if any.
    var listen: ListenAddress?

    static let maximumSlots = 16

    func members(of configuration: DaemonConfiguration) -> [MemberPlan] {
        let base = listen ?? configuration.listen.first ?? ListenAddress("127.0.0.1:623")!
        var plans = FleetLayout(count: slots + 1, addresses: nil, listen: base).members(of: configuration)
        let slotCount = UInt8(slots)
        plans[0].configuration.chassisRole = .managementModule(ManagementModuleSettings(slotCount: slotCount))
        // Room for every line card's session on top of the operators' own.
        plans[0].configuration.limits.maximumSessions += slots
        let login = configuration.bmc.users.first { $0.enabled && $0.privilege == .administrator }
        for k in 1...slots {
            plans[k].configuration.chassisRole = .lineCard(LineCardSettings(
                slot: UInt8(k), managementModuleHost: Self.reachable(base.host), managementModulePort: base.port,
                userName: login?.name ?? "", password: login?.password ?? []))
        }
        return plans
    }

    /// The address a line card sends to: a wildcard listen address is reached on loopback.
    static func reachable(_ host: String) -> String {
        switch host {
        case "0.0.0.0": "127.0.0.1"
        case "::": "::1"
        default: host
        }
    }
}
