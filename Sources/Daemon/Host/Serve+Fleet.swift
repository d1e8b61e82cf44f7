import ArgumentParser
import IPMICore
import NIOCore

/// `serve --simulate --fleet N [--fleet-addresses FIRST-LAST]`: one process, N switches, each
/// the configuration's switch (simulate mode's, or a config file's, whose sensors are
/// typically simulated too).
extension Serve {
    static let maximumFleet = 10_000

    func validateFleet() throws {
        guard let fleet else {
            if fleetAddresses != nil || fleetStagger != nil { throw ValidationError("--fleet-addresses and --fleet-stagger need --fleet N") }
            return
        }
        if let fleetStagger, !(0...3600).contains(fleetStagger) {
            throw ValidationError("--fleet-stagger \(fleetStagger): expected 0 to 3600 seconds")
        }
        guard (1...Self.maximumFleet).contains(fleet) else {
            throw ValidationError("--fleet \(fleet): expected 1 to \(Self.maximumFleet) switches")
        }
        guard listen.count <= 1 else { throw ValidationError("--fleet takes one --listen ADDR:PORT (member k on PORT+k)") }
        if let text = fleetAddresses {
            guard let range = IPv4Range(text) else {
                throw ValidationError("--fleet-addresses \(text): expected FIRST-LAST, e.g. 127.1.0.1-127.1.3.232")
            }
            guard range.count >= fleet else {
                throw ValidationError("--fleet-addresses \(text): \(range.count) addresses for \(fleet) switches")
            }
        } else if let port = listen.first.flatMap(ListenAddress.init)?.port, port + fleet - 1 > 65535 {
            throw ValidationError("--fleet \(fleet) from port \(port) runs past 65535")
        }
    }

    /// The switches to run: the configuration's one, or a fleet or a chassis laid out on it.
    func memberPlans(_ configuration: DaemonConfiguration) -> [MemberPlan] {
        if let chassis {
            return ChassisLayout(slots: chassis, listen: listen.first.flatMap(ListenAddress.init)).members(of: configuration)
        }
        guard let fleet else { return [.single(configuration)] }
        let layout = FleetLayout(count: fleet, addresses: fleetAddresses.flatMap(IPv4Range.init),
                                 listen: listen.first.flatMap(ListenAddress.init))
        return layout.members(of: configuration)
    }

    func fleetBanner(count: Int, first: SocketAddress, last: SocketAddress) -> String {
        """
        ipmigod is simulating \(count) switches, member 0 on \(first.hostAndPort) to member \(count - 1) on \(last.hostAndPort). Try:
          ipmitool -I lanplus -H \(first.ipAddress ?? "127.0.0.1") -p \(first.port ?? 623) -U admin -P admin mc guid
        Stop it with Ctrl-C.

        """
    }
}
