import IPMICore

/// How `--fleet N` lays out N simulated switches on one configuration: member k (from 0)
/// answers on the listen port + k, or on the k-th address of `--fleet-addresses` (port 623
/// unless --listen names one) and sends its traps from that address; its state is under
/// STATE/members/k; its GUID and FRU serial numbers are the configuration's plus k.
struct FleetLayout: Sendable {
    var count: Int
    /// One address per member, or nil to share the listen address (ports then differ).
    var addresses: IPv4Range?
    /// The listen address given on the command line, if any.
    var listen: ListenAddress?

    static let membersDirectory = "members"

    func members(of configuration: DaemonConfiguration) -> [MemberPlan] {
        let base = listen ?? configuration.listen.first ?? ListenAddress("127.0.0.1:623")!
        return (0..<count).map { k in
            var bmc = configuration.bmc
            bmc.stateDirectory = configuration.bmc.stateDirectory + "/\(Self.membersDirectory)/\(k)"
            bmc.device.systemGUID = Self.guid(configuration.bmc.device.systemGUID, plus: k)
            bmc.device.deviceGUID = Self.guid(configuration.bmc.device.deviceGUID, plus: k)
            bmc.fru = Self.fru(configuration.bmc.fru, plus: k)
            var address = base
            var trapSource: String?
            if let addresses {
                let ip = addresses.address(k)
                address = ListenAddress(host: IPv4Range.text(ip), port: listen?.port ?? 623)
                bmc.lan.ipAddress = ip
                trapSource = address.host
            } else {
                address.port = base.port + k
            }
            return MemberPlan(number: k, configuration: bmc, listen: [address], trapSource: trapSource, inFleet: true)
        }
    }

    /// The GUID (wire order: least significant byte first) with `k` added to its last field.
    static func guid(_ wire: [UInt8], plus k: Int) -> [UInt8] {
        var bytes = wire
        var carry = k
        for index in bytes.indices where carry != 0 {
            let sum = Int(bytes[index]) + carry
            bytes[index] = UInt8(sum & 0xFF)
            carry = sum >> 8
        }
        return bytes
    }

    /// Serial numbers ending in digits count on by k ("SIM0000001" -> "SIM0000008" for
    /// member 7); others get "-k".
    static func serial(_ text: String, plus k: Int) -> String {
        guard k != 0, !text.isEmpty else { return text }
        let digits = text.reversed().prefix { $0.isASCII && $0.isNumber }.count
        guard digits > 0, let number = Int(text.suffix(digits)) else { return "\(text)-\(k)" }
        let counted = String(number + k)
        let padded = String(repeating: "0", count: max(0, digits - counted.count)) + counted
        return String(text.dropLast(digits)) + padded
    }

    static func fru(_ fru: FRUConfiguration, plus k: Int) -> FRUConfiguration {
        var fru = fru
        if let number = fru.chassis?.serialNumber { fru.chassis?.serialNumber = serial(number, plus: k) }
        if let number = fru.board?.serialNumber { fru.board?.serialNumber = serial(number, plus: k) }
        if let number = fru.product?.serialNumber { fru.product?.serialNumber = serial(number, plus: k) }
        return fru
    }
}

extension ListenAddress {
    init(host: String, port: Int) {
        self = ListenAddress("\(host):\(port)")!
    }
}
