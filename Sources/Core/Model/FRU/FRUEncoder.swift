/// Encodes a `FRUConfiguration` in the IPMI Platform Management FRU Information Storage
/// Definition v1.0 format: the common header, then the chassis, board and product info
/// areas in the order the spec recommends. No internal use or multirecord area.
public enum FRUEncoder {
    static let headerFormatVersion: UInt8 = 0x01
    static let headerLength = 8
    /// English, the spec's default: fields are then 8-bit ASCII + Latin 1.
    static let englishLanguageCode: UInt8 = 0x00

    public static func image(for configuration: FRUConfiguration) -> [UInt8] {
        var image = [UInt8](repeating: 0, count: headerLength)
        /// Where each area starts, in 8-byte units; 0 for an absent area.
        func place(_ area: [UInt8]?) -> UInt8 {
            guard let area else { return 0 }
            let offset = UInt8(image.count / 8)
            image += area
            return offset
        }
        let chassis = place(configuration.chassis.map(chassisArea))
        let board = place(configuration.board.map(boardArea))
        let product = place(configuration.product.map(productArea))
        let header = [headerFormatVersion, 0, chassis, board, product, 0, 0] // no internal use, no multirecord
        image.replaceSubrange(0..<headerLength, with: header + [FRUInfoArea.zeroChecksum(header)])
        return image
    }

    static func chassisArea(_ chassis: FRUConfiguration.Chassis) -> [UInt8] {
        var area = FRUInfoArea(fixed: [chassis.type])
        area.append(chassis.partNumber)
        area.append(chassis.serialNumber)
        return area.encoded
    }

    static func boardArea(_ board: FRUConfiguration.Board) -> [UInt8] {
        let minutes = board.manufactured.flatMap(FRUDate.minutes) ?? 0
        var area = FRUInfoArea(fixed: [englishLanguageCode,
                                       UInt8(truncatingIfNeeded: minutes),
                                       UInt8(truncatingIfNeeded: minutes >> 8),
                                       UInt8(truncatingIfNeeded: minutes >> 16)])
        area.append(board.manufacturer)
        area.append(board.productName)
        area.append(board.serialNumber)
        area.append(board.partNumber)
        area.append("") // FRU file ID
        return area.encoded
    }

    static func productArea(_ product: FRUConfiguration.Product) -> [UInt8] {
        var area = FRUInfoArea(fixed: [englishLanguageCode])
        area.append(product.manufacturer)
        area.append(product.name)
        area.append(product.partNumber)
        area.append(product.version)
        area.append(product.serialNumber)
        area.append(product.assetTag)
        area.append("") // FRU file ID
        return area.encoded
    }
}
