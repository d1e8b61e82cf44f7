/// Manufacturer names as freeipmi's bmc-info prints them ("Name (IANA number)"), for the
/// exporter's `ipmi_bmc_info` label; numbers freeipmi does not know print bare.
enum Manufacturers {
    private static let known: [UInt32: String] = [
        0: "Reserved", 674: "Dell Inc.", 4413: "Broadcom Corporation", 11: "Hewlett-Packard", 2: "IBM",
        343: "Intel Corporation", 10876: "Super Micro Computer Inc.", 7244: "Quanta Computer Inc.",
        30065: "Arista Networks", 9: "Cisco Systems, Inc.", 2636: "Juniper Networks, Inc.",
    ]

    static func name(_ id: UInt32) -> String {
        guard let name = known[id] else { return String(id) }
        return "\(name) (\(id))"
    }
}
