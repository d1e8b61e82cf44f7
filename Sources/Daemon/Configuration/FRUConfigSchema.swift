import FoundationEssentials
import IPMICore

extension ConfigSchema {
    /// The `fru:` section: the chassis, board and product areas of FRU device 0, each optional.
    func readFRU(_ node: ConfigNode?) throws(ConfigError) -> FRUConfiguration {
        var fru = FRUConfiguration()
        guard let node else { return fru }
        if let chassis = try node.child("chassis") { fru.chassis = try readFRUChassis(chassis) }
        if let board = try node.child("board") { fru.board = try readFRUBoard(board) }
        if let product = try node.child("product") { fru.product = try readFRUProduct(product) }
        try node.rejectUnknownKeys()
        return fru
    }

    private func readFRUChassis(_ node: ConfigNode) throws(ConfigError) -> FRUConfiguration.Chassis {
        var chassis = FRUConfiguration.Chassis()
        if let value = try node.child("type") { chassis.type = try value.integer(in: 1...255) }
        chassis.partNumber = try node.fruField("part_number")
        chassis.serialNumber = try node.fruField("serial_number")
        try node.rejectUnknownKeys()
        return chassis
    }

    private func readFRUBoard(_ node: ConfigNode) throws(ConfigError) -> FRUConfiguration.Board {
        var board = FRUConfiguration.Board()
        if let value = try node.child("manufactured") { board.manufactured = try value.fruDate() }
        board.manufacturer = try node.fruField("manufacturer")
        board.productName = try node.fruField("product_name")
        board.serialNumber = try node.fruField("serial_number")
        board.partNumber = try node.fruField("part_number")
        try node.rejectUnknownKeys()
        return board
    }

    private func readFRUProduct(_ node: ConfigNode) throws(ConfigError) -> FRUConfiguration.Product {
        var product = FRUConfiguration.Product()
        product.manufacturer = try node.fruField("manufacturer")
        product.name = try node.fruField("name")
        product.partNumber = try node.fruField("part_number")
        product.version = try node.fruField("version")
        product.serialNumber = try node.fruField("serial_number")
        product.assetTag = try node.fruField("asset_tag")
        try node.rejectUnknownKeys()
        return product
    }
}

private extension ConfigNode {
    /// A text field of a FRU area: printable ASCII, so every client shows it as written,
    /// and short enough for a type/length byte. Absent is empty.
    func fruField(_ key: String) throws(ConfigError) -> String {
        guard let value = try child(key) else { return "" }
        let text = try value.string()
        let limit = FRUConfiguration.maximumFieldLength
        guard text.utf8.count <= limit, text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) else {
            throw value.error("expected at most \(limit) printable ASCII characters, not \"\(text)\"")
        }
        return text
    }

    /// A board manufacturing date: "2026-01-15T08:00:00Z" (any UTC offset) or "2026-01-15" (midnight UTC).
    func fruDate() throws(ConfigError) -> Date {
        let text = try string()
        let withTime = Date.ISO8601FormatStyle()
        let dateOnly = Date.ISO8601FormatStyle().year().month().day()
        guard let date = (try? withTime.parse(text)) ?? (try? dateOnly.parse(text)) else {
            throw error("expected a date like 2026-01-15T08:00:00Z or 2026-01-15, not \"\(text)\"")
        }
        guard FRUDate.minutes(date) != nil else {
            let range = FRUDate.representable
            throw error("the FRU format holds dates from \(withTime.format(range.lowerBound)) "
                        + "to \(withTime.format(range.upperBound)), not \(text)")
        }
        return date
    }
}
