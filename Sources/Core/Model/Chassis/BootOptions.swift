/// The boot flags (System Boot Options parameter 5, IPMI 2.0 table 28-14): five bytes, of
/// which byte 1 carries the valid and persistent bits and byte 2 the boot device.
public struct BootFlags: Codable, Sendable, Equatable {
    public var bytes: [UInt8]

    public init(bytes: [UInt8] = [0, 0, 0, 0, 0]) { self.bytes = bytes }

    public var isValid: Bool {
        get { bytes[0] & 0x80 != 0 }
        set { bytes[0] = newValue ? bytes[0] | 0x80 : bytes[0] & 0x7F }
    }

    /// Applies to every future boot rather than the next one only.
    public var isPersistent: Bool { bytes[0] & 0x40 != 0 }

    /// Byte 2 bits 5..2.
    public var deviceSelector: UInt8 { bytes[1] >> 2 & 0x0F }

    /// The device names hooks see in `{device}` (the spec's boot device selectors).
    public static func deviceName(_ selector: UInt8) -> String {
        switch selector {
        case 0x0: "none"
        case 0x1: "pxe"
        case 0x2: "disk"
        case 0x3: "safe"
        case 0x4: "diag"
        case 0x5: "cdrom"
        case 0x6: "bios"
        case 0x7: "remote_floppy"
        case 0x8: "remote_cdrom"
        case 0x9: "remote_media"
        case 0xB: "remote_disk"
        case 0xF: "floppy"
        default: "reserved"
        }
    }

    public static func isDefined(_ selector: UInt8) -> Bool { deviceName(selector) != "reserved" }
}

/// Events after which the BMC clears the boot-flag-valid bit unless parameter 3 says not to.
public enum BootFlagClearing: UInt8, Sendable {
    case powerUpByButton = 0x01
    case resetByButtonOrSoft = 0x02
    case watchdogReset = 0x04
    case timeout = 0x08
    case pefResetOrCycle = 0x10
}

/// The volatile boot options (lost on restart, as the spec allows for semi-volatile ones).
public struct VolatileBootOptions: Sendable {
    /// Parameter 0: 0 set complete, 1 set in progress, 2 commit write.
    public var setInProgress: UInt8 = 0
    /// Next-boot flags (when the flags are not persistent).
    public var flags = BootFlags()
    /// Parameter 4: the write mask is not stored; the acknowledge bits are.
    public var acknowledge: UInt8 = 0
    /// Parameter 6: channel, session ID, timestamp (9 bytes).
    public var initiatorInfo = [UInt8](repeating: 0, count: 9)
    /// Parameter 7: the boot initiator mailbox, in 16-byte blocks.
    public var mailbox = [UInt8](repeating: 0, count: VolatileBootOptions.mailboxBlocks * 16)
    /// Parameters marked invalid/locked by Set System Boot Options (bit 7 of its first byte).
    public var lockedParameters: UInt8 = 0

    public static let mailboxBlocks = 5

    public init() {}
}
