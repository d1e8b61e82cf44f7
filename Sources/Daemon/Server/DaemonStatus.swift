import IPMIAlerting
import IPMICore
import Logging

/// What `ipmigod status` shows, from the snapshot the BMC publishes (read live over the
/// control socket, `/api/status.txt`), so an operator can see alerting at work without IPMI.
struct DaemonStatus: Equatable {
    struct Destination: Equatable {
        var selector: UInt8
        var address: String
        var version: String
        var acknowledged: Bool
        var counters: DestinationCounters
    }

    var activeSessions: Int
    var selEntries: Int
    var eventsLogged: Int
    var alertsRaised: Int
    var destinations: [Destination]
    var droppedPackets: [String: Int]
    /// PET Acknowledges refused that named no destination (their address and sequence number both unknown).
    var strayAcknowledgements: Int
    /// The SNMPv3 engine ID (hex) and this start's engine boots, for receivers' `createUser -e`.
    var snmpEngineID: String
    var snmpEngineBoots: UInt32
    var chassis: ChassisStatus?

    init(_ snapshot: MemberSnapshot) {
        activeSessions = snapshot.bmc.sessionsActive
        selEntries = snapshot.bmc.sel.entries
        eventsLogged = snapshot.bmc.eventsLogged
        alertsRaised = snapshot.bmc.alertsRaised
        destinations = snapshot.destinations.map {
            Destination(selector: $0.selector, address: $0.address, version: $0.version, acknowledged: $0.acknowledged,
                        counters: $0.counters)
        }
        droppedPackets = snapshot.bmc.drops
        strayAcknowledgements = snapshot.strayAcknowledgements
        snmpEngineID = snapshot.snmpEngineID
        snmpEngineBoots = snapshot.snmpEngineBoots
        chassis = snapshot.chassis
    }

    var text: String {
        var lines = [
            "sessions active: \(activeSessions)",
            "SEL entries: \(selEntries); events logged since start: \(eventsLogged); alerts raised: \(alertsRaised)",
            "alert destinations:",
        ]
        for destination in destinations {
            let c = destination.counters
            lines.append("  \(destination.selector): \(destination.address) \(destination.version)"
                + (destination.acknowledged ? " acknowledged" : "")
                + ": sent \(c.sent), acknowledged \(c.acknowledged), retried \(c.retried), failed \(c.failed)"
                + ", bad acknowledgements \(c.badAcknowledgements)")
        }
        if destinations.isEmpty { lines.append("  (none set)") }
        if strayAcknowledgements > 0 { lines.append("bad PET acknowledgements for no destination: \(strayAcknowledgements)") }
        lines.append("SNMPv3 engine ID: 0x\(snmpEngineID), boots \(snmpEngineBoots)")
        if !droppedPackets.isEmpty {
            lines.append("dropped packets: " + droppedPackets.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
                .joined(separator: ", "))
        }
        lines += chassis?.lines ?? []
        return lines.joined(separator: "\n")
    }
}

/// Logs the alerting counters when they change (fed each published snapshot).
final class StatusReporter {
    private let logger: Logger
    private var last: DaemonStatus?

    init(logger: Logger) {
        self.logger = logger
    }

    func report(_ status: DaemonStatus) {
        guard status != last else { return }
        if status.destinations.map(\.counters) != last?.destinations.map(\.counters) || status.alertsRaised != last?.alertsRaised {
            logger.info("alerting", metadata: [
                "events": "\(status.eventsLogged)", "alerts": "\(status.alertsRaised)",
                "destinations": "\(status.destinations.map { "\($0.selector): sent \($0.counters.sent) acked \($0.counters.acknowledged) retried \($0.counters.retried) failed \($0.counters.failed)" })",
            ])
        }
        last = status
    }
}

extension DaemonStatus {
    /// What `ipmigod status` and `/api/status.txt` show: each member's status (under its name
    /// in a fleet); nil before the first snapshot is published.
    static func text(of members: [MemberSnapshot]) -> String? {
        guard !members.isEmpty else { return nil }
        return members.map { member in
            (member.member.isEmpty ? "" : "member \(member.member):\n") + DaemonStatus(member).text
        }.joined(separator: "\n") + "\n"
    }
}
