/// System Info parameters 1 to 4 (IPMI 2.0 section 22.14a, table 22-16a): strings of up to
/// 255 bytes sent as 16-byte blocks. Block 0 is the encoding, the length, then the first 14
/// bytes; each further block holds 16 more. Kept as that block image, so a client reads back
/// exactly what it wrote. Firmware version, system name and primary OS name are non-volatile;
/// the running OS's name is volatile, as the spec says (the OS sets it each boot).
public struct SystemInfoParameters: Codable, Equatable, Sendable {
    static let stateFile = "system-info.json"

    public enum Parameter: UInt8, Sendable, CaseIterable {
        case firmwareVersion = 1, systemName = 2, primaryOSName = 3, osName = 4

        var isVolatile: Bool { self == .osName }
    }

    public static let blockSize = 16
    /// Blocks 0..16 hold a 255-byte string (14 + 15 * 16 covers 254; one more for the last byte).
    public static let blockCount = 17
    /// Encodings (bits 3..0 of block 0's first byte): ASCII+Latin-1, UTF-8, UNICODE.
    static let highestEncoding: UInt8 = 2

    /// Block images by parameter raw value, non-volatile ones only when saved.
    private var images: [UInt8: [UInt8]] = [:]

    public init(systemName: String = "") {
        if !systemName.isEmpty { images[Parameter.systemName.rawValue] = Self.image(utf8: systemName) }
    }

    /// One block of a parameter: 16 bytes (zeros past what was written).
    public func block(_ parameter: Parameter, _ selector: UInt8) throws(CompletionCode) -> [UInt8] {
        guard Int(selector) < Self.blockCount else { throw .parameterOutOfRange }
        let image = images[parameter.rawValue] ?? []
        let start = Int(selector) * Self.blockSize
        let present = image.count > start ? Array(image[start..<min(start + Self.blockSize, image.count)]) : []
        return present + [UInt8](repeating: 0, count: Self.blockSize - present.count)
    }

    /// Writes one block; block 0 must name a known encoding. A short last block is zero padded.
    public mutating func setBlock(_ parameter: Parameter, _ selector: UInt8, _ data: [UInt8]) throws(CompletionCode) {
        guard Int(selector) < Self.blockCount else { throw .parameterOutOfRange }
        guard !data.isEmpty, data.count <= Self.blockSize else { throw .requestDataLengthInvalid }
        if selector == 0 {
            guard data[0] & 0x0F <= Self.highestEncoding, data[0] & 0xF0 == 0 else { throw .invalidDataField }
        }
        var image = images[parameter.rawValue] ?? []
        let start = Int(selector) * Self.blockSize
        if image.count < start + Self.blockSize {
            image += [UInt8](repeating: 0, count: start + Self.blockSize - image.count)
        }
        image.replaceSubrange(start..<start + Self.blockSize, with: data + [UInt8](repeating: 0, count: Self.blockSize - data.count))
        // Trailing zero blocks past block 0 carry nothing: keep the image (and the file) small.
        while image.count > Self.blockSize, image.suffix(Self.blockSize).allSatisfy({ $0 == 0 }) {
            image.removeLast(Self.blockSize)
        }
        images[parameter.rawValue] = image
    }

    /// The string a parameter holds, decoded as UTF-8 (for logs and DCMI's default).
    public func string(_ parameter: Parameter) -> String {
        guard let image = images[parameter.rawValue], image.count >= 2 else { return "" }
        let length = Int(image[1])
        var bytes = Array(image.dropFirst(2))
        bytes = Array(bytes.prefix(length))
        return String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
    }

    private enum CodingKeys: String, CodingKey { case images }

    /// Only the non-volatile parameters go to disk.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(images.filter { Parameter(rawValue: $0.key)?.isVolatile != true }, forKey: .images)
    }

    /// A UTF-8 string's block image, cut at 255 bytes.
    static func image(utf8 string: String) -> [UInt8] {
        let bytes = Array(string.utf8.prefix(255))
        let image = [1, UInt8(bytes.count)] + bytes
        let blocks = (image.count + blockSize - 1) / blockSize
        return image + [UInt8](repeating: 0, count: blocks * blockSize - image.count)
    }
}
