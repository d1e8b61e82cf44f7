/// A chassis, board or product info area of a FRU image, built field by field: format
/// version, length, the area's fixed bytes, type/length-prefixed fields, the end-of-fields
/// marker, zero padding to a multiple of 8 bytes, and a checksum that makes the area sum to zero.
struct FRUInfoArea {
    static let formatVersion: UInt8 = 0x01
    static let endOfFields: UInt8 = 0xC1

    private var bytes: [UInt8]

    /// `fixed`: what comes before the fields (chassis type; language code and date; ...).
    init(fixed: [UInt8]) {
        bytes = [FRUInfoArea.formatVersion, 0] + fixed
    }

    /// Appends `text` as 8-bit ASCII (type/length byte C0h | length), cut at 63 bytes.
    mutating func append(_ text: String) {
        var data = Array(text.utf8.prefix(FRUConfiguration.maximumFieldLength))
        // C1h, one byte of 8-bit ASCII, is the end-of-fields marker: pad a single character
        // with a NUL, which ipmitool and freeipmi both print as the end of the string.
        if data.count == 1 { data.append(0) }
        bytes.append(0xC0 | UInt8(data.count))
        bytes += data
    }

    /// The finished area, with its length (in 8-byte units) and checksum filled in.
    var encoded: [UInt8] {
        var area = bytes + [FRUInfoArea.endOfFields]
        let length = (area.count + 1 + 7) / 8 * 8 // + 1 for the checksum
        area += [UInt8](repeating: 0, count: length - 1 - area.count)
        area[1] = UInt8(length / 8)
        area.append(FRUInfoArea.zeroChecksum(area))
        return area
    }

    /// The byte that makes `bytes` and itself sum to zero, modulo 256.
    static func zeroChecksum(_ bytes: [UInt8]) -> UInt8 {
        0 &- bytes.reduce(0, &+)
    }
}
