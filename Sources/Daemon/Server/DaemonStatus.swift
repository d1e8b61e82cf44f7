import Foundation
import IPMIAlerting
import IPMICore
import Logging

/// What `ipmigod status` shows: a snapshot the daemon writes to its state directory every few
/// seconds (and logs when it changes), so an operator can see alerting at work without IPMI.
struct DaemonStatus: Codable, Equatable {
    static let file = "status.json"

    struct Destination: Codable, Equatable {
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

    /// Taken on the BMC's event loop; `member` is its number in the host's sender.
    init(bmc: BMC, sender: PETSender, member: Int = 0) {
        activeSessions = bmc.sessions.active.count
        selEntries = bmc.sel.entryCount
        eventsLogged = bmc.eventsLogged
        alertsRaised = bmc.alertsRaised
        destinations = (UInt8(0)...15).compactMap { selector in
            guard let destination = bmc.lan.destination(selector: selector) else { return nil }
            return Destination(selector: selector, address: destination.address.map(String.init).joined(separator: ".")
                                   + ":\(destination.port)",
                               version: destination.version.rawValue, acknowledged: destination.isAcknowledged,
                               counters: sender.counters(for: selector, member: member))
        }
        droppedPackets = bmc.drops.counts
        strayAcknowledgements = sender.strayAcknowledgementCount(member: member)
        let engine = sender.engine(member: member)
        snmpEngineID = engine.id.hexString
        snmpEngineBoots = engine.boots
        chassis = ChassisStatus(bmc: bmc)
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

/// Writes the status every few seconds and logs it when alerting counters change.
final class StatusReporter {
    private let store: StateStore
    private let logger: Logger
    private var last: DaemonStatus?

    init(store: StateStore, logger: Logger) {
        self.store = store
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
        do {
            try store.save(status, as: DaemonStatus.file)
        } catch {
            logger.warning("cannot write \(DaemonStatus.file): \(error)")
        }
    }
}
