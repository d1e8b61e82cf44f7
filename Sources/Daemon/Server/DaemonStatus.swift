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
                + ": sent \(c.sent), acknowledged \(c.acknowledged), retried \(c.retried), failed \(c.failed)")
        }
        if destinations.isEmpty { lines.append("  (none set)") }
        if !droppedPackets.isEmpty {
            lines.append("dropped packets: " + droppedPackets.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
                .joined(separator: ", "))
        }
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
