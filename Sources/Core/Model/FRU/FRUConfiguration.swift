import FoundationEssentials

/// The FRU inventory of the switch (FRU device 0), as the config file describes it: the
/// chassis, board and product info areas of the IPMI FRU Information Storage Definition.
/// Every area is optional; an absent area is left out of the image.
public struct FRUConfiguration: Sendable, Equatable {
    /// Each text field is at most 63 bytes: its type/length byte has six bits of length.
    public static let maximumFieldLength = 63

    public var chassis: Chassis?
    public var board: Board?
    public var product: Product?

    /// An empty inventory: a common header that points at no area.
    public init() {}

    public struct Chassis: Sendable, Equatable {
        /// SMBIOS chassis type; 0x17 is "Rack Mount Chassis".
        public var type: UInt8 = 0x17
        public var partNumber = ""
        public var serialNumber = ""
        public init() {}
    }

    public struct Board: Sendable, Equatable {
        /// Nil leaves the date unspecified. See `FRUDate` for the range the format can hold.
        public var manufactured: Date?
        public var manufacturer = ""
        public var productName = ""
        public var serialNumber = ""
        public var partNumber = ""
        public init() {}
    }

    public struct Product: Sendable, Equatable {
        public var manufacturer = ""
        public var name = ""
        /// The part or model number.
        public var partNumber = ""
        public var version = ""
        public var serialNumber = ""
        public var assetTag = ""
        public init() {}
    }
}
