/// An inclusive range of IPv4 addresses, "127.1.0.1-127.1.3.232": a fleet's member addresses.
struct IPv4Range: Sendable, Equatable {
    var first: UInt32
    var last: UInt32

    init?(_ text: String) {
        let ends = text.split(separator: "-", omittingEmptySubsequences: false)
        guard ends.count == 2, let first = Self.parse(ends[0]), let last = Self.parse(ends[1]), first <= last else {
            return nil
        }
        self.first = first
        self.last = last
    }

    var count: Int { Int(last - first) + 1 }

    /// The k-th address (from 0), network order bytes.
    func address(_ k: Int) -> [UInt8] {
        let value = first + UInt32(k)
        return [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)]
    }

    static func text(_ address: [UInt8]) -> String { address.map(String.init).joined(separator: ".") }

    private static func parse(_ text: Substring) -> UInt32? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var value: UInt32 = 0
        for part in parts {
            guard let byte = UInt8(part) else { return nil }
            value = value << 8 | UInt32(byte)
        }
        return value
    }
}
