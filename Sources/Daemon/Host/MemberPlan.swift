import IPMICore

/// One switch a host runs: its BMC's configuration (state directory, identity, LAN address
/// included), where it answers, and where its traps come from.
struct MemberPlan: Sendable {
    /// 0 for a single switch; 0..<N in a fleet (the member number of `--member`, `members/k`).
    var number: Int
    var configuration: BMCConfiguration
    var listen: [ListenAddress]
    /// The local address the member's SNMP sessions send from; nil for any (a single switch).
    var trapSource: String?
    /// One of several: its log lines name it (`member=k`).
    var inFleet = false

    /// The daemon as it always was: one switch, the config's own listen addresses.
    static func single(_ configuration: DaemonConfiguration) -> MemberPlan {
        MemberPlan(number: 0, configuration: configuration.bmc, listen: configuration.listen, trapSource: nil)
    }
}
