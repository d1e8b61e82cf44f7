/// Where a BMC stands in a chassis of BMCs. A standalone switch (no `chassis` section) is
/// neither: it behaves as a single BMC always did.
public enum ChassisRole: Sendable, Equatable {
    case standalone
    /// The management module: aggregates its line cards' SDRs, readings and SEL entries, and
    /// bridges Send Message to them.
    case managementModule(ManagementModuleSettings)
    /// A line card: keeps one RMCP+ session to its management module and pushes to it.
    case lineCard(LineCardSettings)

    public var managementModule: ManagementModuleSettings? {
        if case .managementModule(let settings) = self { settings } else { nil }
    }

    public var lineCard: LineCardSettings? {
        if case .lineCard(let settings) = self { settings } else { nil }
    }
}

/// The IPMB address of a slot, after PICMG 3.0's convention (section 3.2.1): a slot's hardware
/// address is 40h + its number, and its IPMB-0 slave address twice that. Slot 1 is 82h, slot 2
/// 84h; the management module keeps the BMC's own 20h.
public enum SlotAddress {
    public static let slots: ClosedRange<UInt8> = 1...55

    public static func ipmbAddress(slot: UInt8) -> UInt8 { (0x40 + slot) << 1 }

    /// The slot whose line card has this IPMB address, if any.
    public static func slot(ipmbAddress: UInt8) -> UInt8? {
        guard ipmbAddress & 1 == 0, ipmbAddress >= 0x82 else { return nil }
        let slot = ipmbAddress >> 1 - 0x40
        return slots.contains(slot) ? slot : nil
    }
}

public struct ManagementModuleSettings: Sendable, Equatable {
    /// The slots line cards may say hello from: 1 to `slotCount`.
    public var slotCount: UInt8
    /// A proxy sensor reads "unavailable" once its line card has been silent this long (seconds).
    public var readingMaximumAge: Double = 10
    /// A line card silent this long has lost its link: the event is logged, its session closed.
    public var linkTimeout: Double = 8

    public init(slotCount: UInt8, readingMaximumAge: Double = 10, linkTimeout: Double = 8) {
        self.slotCount = slotCount
        self.readingMaximumAge = readingMaximumAge
        self.linkTimeout = linkTimeout
    }
}

public struct LineCardSettings: Sendable, Equatable {
    public var slot: UInt8
    /// The management module's LAN address and port (623 unless configured).
    public var managementModuleHost: String
    public var managementModulePort: Int = 623
    /// The user the line card logs in to the management module as (administrator privilege).
    public var userName: String
    public var password: [UInt8]
    public var cipherSuite: UInt8 = 17
    /// Seconds between heartbeats (and reading batches) when nothing else is sent.
    public var heartbeatInterval: Double = 2

    public var ipmbAddress: UInt8 { SlotAddress.ipmbAddress(slot: slot) }

    public init(slot: UInt8, managementModuleHost: String, managementModulePort: Int = 623, userName: String,
                password: [UInt8], cipherSuite: UInt8 = 17, heartbeatInterval: Double = 2) {
        self.slot = slot
        self.managementModuleHost = managementModuleHost
        self.managementModulePort = managementModulePort
        self.userName = userName
        self.password = password
        self.cipherSuite = cipherSuite
        self.heartbeatInterval = heartbeatInterval
    }
}
