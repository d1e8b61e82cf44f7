#if canImport(Glibc)
import Glibc
#endif

/// The linear conversion between a raw one-byte reading and real units (IPMI 2.0 section
/// 36.3): y = (M x + B 10^Bexp) 10^Rexp. Raw values are unsigned (analog format 00).
public struct Linearization: Sendable, Equatable, Codable {
    /// 10 bits, signed.
    public var m: Int
    /// 10 bits, signed.
    public var b: Int
    /// 4 bits, signed.
    public var bExponent: Int
    /// 4 bits, signed.
    public var rExponent: Int

    public init(m: Int = 1, b: Int = 0, bExponent: Int = 0, rExponent: Int = 0) {
        self.m = m
        self.b = b
        self.bExponent = bExponent
        self.rExponent = rExponent
    }

    public var isValid: Bool {
        m != 0 && (-512...511).contains(m) && (-512...511).contains(b) && (-8...7).contains(bExponent)
            && (-8...7).contains(rExponent)
    }

    public func realValue(_ raw: UInt8) -> Double {
        (Double(m) * Double(raw) + Double(b) * pow(10, Double(bExponent))) * pow(10, Double(rExponent))
    }

    /// The nearest raw value, clamped to 0...255.
    public func raw(_ value: Double) -> UInt8 {
        let x = (value / pow(10, Double(rExponent)) - Double(b) * pow(10, Double(bExponent))) / Double(m)
        guard x.isFinite else { return 0 }
        return UInt8(min(255, max(0, x.rounded())))
    }

    /// A raw difference (hysteresis) for a real-unit amount.
    public func rawDelta(_ amount: Double) -> UInt8 {
        let x = amount / pow(10, Double(rExponent)) / Double(abs(m))
        return UInt8(min(255, max(0, x.rounded())))
    }
}
