import ArgumentParser
import IPMICore
import NIOCore

/// `serve --simulate --chassis N`: one process, a management module and N line cards linked
/// to it over loopback UDP with real sessions (`ChassisLayout`).
extension Serve {
    func validateChassis() throws {
        guard let chassis else { return }
        guard fleet == nil else { throw ValidationError("--chassis and --fleet are exclusive") }
        guard (1...ChassisLayout.maximumSlots).contains(chassis) else {
            throw ValidationError("--chassis \(chassis): expected 1 to \(ChassisLayout.maximumSlots) line cards")
        }
        guard listen.count <= 1 else { throw ValidationError("--chassis takes one --listen ADDR:PORT (line card k on PORT+k)") }
        if let port = listen.first.flatMap(ListenAddress.init)?.port, port + chassis > 65535 {
            throw ValidationError("--chassis \(chassis) from port \(port) runs past 65535")
        }
    }

    func chassisBanner(addresses: [SocketAddress], statusPage: SocketAddress?) -> String {
        let mm = addresses[0]
        let cards = addresses.dropFirst().enumerated().map { "slot \($0 + 1) on \($1.hostAndPort)" }
        let ipmitool = "ipmitool -I lanplus -H \(mm.ipAddress ?? "127.0.0.1") -p \(mm.port ?? 623) -U admin -P admin"
        return """
            ipmigod is simulating a chassis: the management module on \(mm.hostAndPort), line cards \
            \(cards.joined(separator: ", ")). Try:
              \(ipmitool) sdr elist
              \(ipmitool) -t 0x\(String(SlotAddress.ipmbAddress(slot: 1), radix: 16)) -b 0 sdr elist    (slot 1, bridged)
            \(statusPage.map { "Status page and metrics: http://\($0.hostAndPort)/\n" } ?? "")\
            Stop it with Ctrl-C.

            """
    }
}
