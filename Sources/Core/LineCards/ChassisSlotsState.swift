/// What a management module keeps of its line cards across restarts: each slot's SDR set (as
/// the line card sent it, named by its digest) and the MM sensor numbers its proxies were
/// given, so a proxy keeps its number and record ID for as long as its sensor exists.
/// Saved to `chassis-slots.json` through `saveThenApply`.
public struct ChassisSlotsState: Codable, Sendable, Equatable {
    public struct SDRSet: Codable, Sendable, Equatable {
        public var slot: UInt8
        public var digest: UInt32
        /// The records, each with its 5-byte header, in hex.
        public var records: [String]
    }

    /// One MM sensor number (or a run of them, for a record shared by several sensors) given
    /// to a line card's sensor; a slot's link sensor has LC LUN and number FFh.
    public struct Allocation: Codable, Sendable, Equatable {
        public var slot: UInt8
        public var lcLUN: UInt8
        public var lcNumber: UInt8
        public var lun: UInt8
        public var number: UInt8
        public var count: UInt8

        var lcKey: UInt16 { UInt16(lcLUN) << 8 | UInt16(lcNumber) }
        var key: UInt16 { UInt16(lun) << 8 | UInt16(number) }
    }

    public var sets: [SDRSet] = []
    public var allocations: [Allocation] = []
    /// Slots whose link-lost event was logged and whose link-back event is still to come: an
    /// MM restarted meanwhile still logs the card's return.
    public var lostSlots: [UInt8]? = nil

    public init() {}

    func set(slot: UInt8) -> SDRSet? { sets.first { $0.slot == slot } }
}

/// Gives out MM sensor numbers for proxies and link sensors, numbers 00h to FEh, never one of
/// the MM's own: LUN 0 first, because freeipmi reads sensors of owner 20h on LUN 0 only
/// (others need --bridge-sensors; ipmitool reads any LUN); then LUNs 1 and 3 (LUN 2 is the
/// SMS message LUN) for a chassis with more sensors than LUN 0 has room for.
struct SensorNumberAllocator {
    static let luns: [UInt8] = [0, 1, 3]
    private var used: Set<UInt16>

    /// `reserved`: the MM's own sensor keys (LUN << 8 | number) and those already given out.
    init(reserved: some Sequence<UInt16>) { used = Set(reserved) }

    /// `count` consecutive free numbers on one LUN, taken; nil when none are left.
    mutating func take(_ count: UInt8) -> (lun: UInt8, number: UInt8)? {
        let count = Int(max(count, 1))
        for lun in Self.luns {
            var run = 0
            for number in 1...0xFE {
                run = used.contains(UInt16(lun) << 8 | UInt16(number)) ? 0 : run + 1
                guard run == count else { continue }
                let first = number - count + 1
                for taken in first...number { used.insert(UInt16(lun) << 8 | UInt16(taken)) }
                return (lun, UInt8(first))
            }
        }
        return nil
    }
}
