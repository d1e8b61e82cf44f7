import IPMIAlerting
import IPMICore

/// One BMC's published state with its alerting side: what the HTTP endpoint, the metrics and
/// `ipmigod status` read. Taken on the BMC's event loop; immutable after.
struct MemberSnapshot: Sendable {
    struct Destination: Sendable {
        var selector: UInt8
        var address: String
        var version: String
        var acknowledged: Bool
        var counters: DestinationCounters
        var queueDepth: Int
    }

    /// The fleet member's name ("" for the one BMC of a plain daemon).
    var member: String
    var bmc: BMCSnapshot
    var destinations: [Destination]
    /// The sequence number the next PET gets.
    var petSequence: UInt32
    /// SEL write and sensor poll durations.
    var timings: DaemonTimings.Values
    /// PET Acknowledges refused that named no destination (their address and sequence number both unknown).
    var strayAcknowledgements = 0
    /// The SNMPv3 engine ID (hex) and this start's engine boots, for receivers' `createUser -e`.
    var snmpEngineID = ""
    var snmpEngineBoots: UInt32 = 0
    /// Power, identify and the last platform actions.
    var chassis: ChassisStatus?

    init(member: String, bmc: BMCSnapshot, destinations: [Destination], petSequence: UInt32, timings: DaemonTimings.Values) {
        self.member = member
        self.bmc = bmc
        self.destinations = destinations
        self.petSequence = petSequence
        self.timings = timings
    }

    /// Call on the BMC's event loop. `number` is the member's in the host's one sender.
    init(member: String, number: Int = 0, bmc: BMC, sender: PETSender, sequence: PETSequence, timings: DaemonTimings.Values) {
        self.timings = timings
        self.member = member
        self.bmc = bmc.snapshot()
        destinations = (UInt8(0)...15).compactMap { selector in
            guard let destination = bmc.lan.destination(selector: selector) else { return nil }
            return Destination(
                selector: selector,
                address: destination.address.map(String.init).joined(separator: ".") + ":\(destination.port)",
                version: destination.version.rawValue, acknowledged: destination.isAcknowledged,
                counters: sender.counters(for: selector, member: number),
                queueDepth: sender.queueDepth(for: selector, member: number))
        }
        petSequence = sequence.upcoming
        strayAcknowledgements = sender.strayAcknowledgementCount(member: number)
        let engine = sender.engine(member: number)
        snmpEngineID = engine.id.hexString
        snmpEngineBoots = engine.boots
        chassis = ChassisStatus(bmc: bmc)
    }
}
