import IPMICore
import Logging
import NIOCore

/// Keeps LAN parameters 3, 5, 6, 12 and 13 on what the switch's management interface has now:
/// DHCP or an operator may change its address at any time, and `lan print` and the PETs' agent
/// address must follow. Reads the interface on the pollers' loop (getifaddrs and small /sys and
/// /proc files block) and hands only changes to the BMC's loop. An interface that is missing
/// (not up yet at boot, renamed) reads as unknown addresses until it appears.
final class InterfaceWatcher {
    /// How often the interface is read again: a new address shows within this (plus a
    /// request's round trip). A read is one getifaddrs and three small files, so a few seconds
    /// costs nothing, and no operator has needed a setting for it.
    static let refreshInterval = TimeAmount.seconds(5)

    private let name: String
    private let bmc: NIOLoopBound<BMC>
    private let logger: Logger
    /// What the BMC was last given; nil before the first read.
    private var last: LANInterfaceAddresses?
    private var isMissing = false

    private init(name: String, bmc: NIOLoopBound<BMC>, logger: Logger) {
        self.name = name
        self.bmc = bmc
        self.logger = logger
    }

    /// Reads the interface once, and returns when the BMC has its addresses (so the first
    /// request already sees them); then again every `refreshInterval` on `loop`.
    static func start(interface name: String, loop: any EventLoop, bmc: NIOLoopBound<BMC>, logger: Logger) async throws {
        let watcher = try await loop.submit {
            NIOLoopBound(InterfaceWatcher(name: name, bmc: bmc, logger: logger), eventLoop: loop)
        }.get()
        try await loop.flatSubmit { watcher.value.refresh() }.get()
        loop.scheduleRepeatedTask(initialDelay: refreshInterval, delay: refreshInterval) { _ in
            _ = watcher.value.refresh()
        }
    }

    /// One read; the future completes once the BMC's loop has taken any change.
    private func refresh() -> EventLoopFuture<Void> {
        let addresses: LANInterfaceAddresses
        do {
            addresses = try NetworkInterface.read(name)
            if isMissing {
                isMissing = false
                logger.notice("lan.interface \(name) has appeared")
            }
        } catch {
            if !isMissing {
                isMissing = true
                logger.warning("lan.interface: \(error); LAN addresses unknown until it appears")
            }
            addresses = .unknown
        }
        guard addresses != last else { return bmc.eventLoop.makeSucceededVoidFuture() }
        if let last {
            let changes = InterfaceWatcher.changes(from: last, to: addresses)
            logger.notice("lan.interface \(name): \(changes.joined(separator: ", "))")
        } else if !isMissing {
            logger.info("lan.interface \(name): \(InterfaceWatcher.summary(addresses))")
        }
        last = addresses
        let bmc = self.bmc
        return bmc.eventLoop.submit { bmc.value.lan.follow(addresses) }.map { _ in }
    }

    /// "IP address 192.0.2.10 -> 192.0.2.20", one per field that differs.
    static func changes(from old: LANInterfaceAddresses, to new: LANInterfaceAddresses) -> [String] {
        fields.compactMap { label, value, format in
            value(old) == value(new) ? nil : "\(label) \(format(value(old))) -> \(format(value(new)))"
        }
    }

    static func summary(_ addresses: LANInterfaceAddresses) -> String {
        fields.map { label, value, format in "\(label) \(format(value(addresses)))" }.joined(separator: ", ")
    }

    private static var fields: [(String, (LANInterfaceAddresses) -> [UInt8], ([UInt8]) -> String)] { [
        ("IP address", \.ipAddress, dotted), ("subnet mask", \.subnetMask, dotted), ("MAC", \.macAddress, colons),
        ("default gateway", \.defaultGateway, dotted), ("gateway MAC", \.defaultGatewayMAC, colons),
    ] }

    private static func dotted(_ bytes: [UInt8]) -> String { bytes.map(String.init).joined(separator: ".") }

    private static func colons(_ bytes: [UInt8]) -> String {
        bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined(separator: ":")
    }
}
