import FoundationEssentials
import IPMICore
#if canImport(Glibc)
import Glibc
#endif

/// The management interface's addresses as Linux reports them: IPv4 address and netmask
/// (getifaddrs), MAC (/sys/class/net), default gateway (/proc/net/route) and its MAC
/// (/proc/net/arp). What `ipmitool lan print` should show on a real switch.
enum NetworkInterface {
    struct NotFound: Error, CustomStringConvertible {
        var name: String
        var description: String { "no network interface named \(name)" }
    }

    static func read(_ name: String, sysfs: String = "/sys/class/net", proc: String = "/proc/net") throws -> LANInterfaceAddresses {
        var addresses = LANInterfaceAddresses()
        guard FileManager.default.fileExists(atPath: "\(sysfs)/\(name)") else { throw NotFound(name: name) }
        if let text = try? String(contentsOfFile: "\(sysfs)/\(name)/address", encoding: .utf8) {
            let bytes = text.trimmingWhitespace.split(separator: ":").compactMap { UInt8($0, radix: 16) }
            if bytes.count == 6 { addresses.macAddress = bytes }
        }
        var list: UnsafeMutablePointer<ifaddrs>?
        if getifaddrs(&list) == 0 {
            defer { freeifaddrs(list) }
            var entry = list
            while let current = entry {
                defer { entry = current.pointee.ifa_next }
                guard String(cString: current.pointee.ifa_name) == name, let address = current.pointee.ifa_addr,
                      address.pointee.sa_family == sa_family_t(AF_INET) else { continue }
                addresses.ipAddress = ipv4Bytes(address)
                if let mask = current.pointee.ifa_netmask { addresses.subnetMask = ipv4Bytes(mask) }
                break
            }
        }
        // /proc/net/route: Iface Destination Gateway ... in hex, little-endian; the default route has destination 0.
        if let routes = try? String(contentsOfFile: "\(proc)/route", encoding: .utf8) {
            for line in routes.split(separator: "\n").dropFirst() {
                let fields = line.split(whereSeparator: \.isWhitespace)
                guard fields.count > 2, fields[0] == name, fields[1] == "00000000", let gateway = UInt32(fields[2], radix: 16),
                      gateway != 0 else { continue }
                addresses.defaultGateway = withUnsafeBytes(of: gateway.littleEndian) { Array($0) }
                break
            }
        }
        if addresses.defaultGateway != [0, 0, 0, 0], let arp = try? String(contentsOfFile: "\(proc)/arp", encoding: .utf8) {
            let gateway = addresses.defaultGateway.map(String.init).joined(separator: ".")
            for line in arp.split(separator: "\n").dropFirst() {
                let fields = line.split(whereSeparator: \.isWhitespace)
                guard fields.count > 3, fields[0] == gateway else { continue }
                let bytes = fields[3].split(separator: ":").compactMap { UInt8($0, radix: 16) }
                if bytes.count == 6 { addresses.defaultGatewayMAC = bytes }
            }
        }
        return addresses
    }

    private static func ipv4Bytes(_ address: UnsafeMutablePointer<sockaddr>) -> [UInt8] {
        address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { pointer in
            withUnsafeBytes(of: pointer.pointee.sin_addr.s_addr) { Array($0) } // already network order
        }
    }
}
