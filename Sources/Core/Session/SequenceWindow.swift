/// The sliding window of inbound session sequence numbers (IPMI 2.0 sections 6.12.13 and
/// 13.28.2): a number is accepted once, if it is at most `ahead` past the highest seen or
/// at most `behind` short of it. Replays and stale packets are refused.
public struct SequenceWindow: Sendable {
    private var highest: UInt32
    /// Bit i set: `highest - i` has been seen.
    private var seen: UInt64
    private let ahead: UInt32
    private let behind: UInt32
    private var started: Bool

    /// `initial` is the number before the first expected one; nil lets the first packet set it.
    public init(initial: UInt32?, ahead: UInt32, behind: UInt32) {
        precondition(behind < 64)
        highest = initial ?? 0
        seen = initial == nil ? 0 : 1
        started = initial != nil
        self.ahead = ahead
        self.behind = behind
    }

    /// Accepts and records `sequence`, or refuses it.
    public mutating func accept(_ sequence: UInt32) -> Bool {
        guard sequence != 0 else { return false }
        guard started else {
            started = true
            highest = sequence
            seen = 1
            return true
        }
        let distance = Int64(Int32(bitPattern: sequence &- highest))
        if distance > 0 {
            guard distance <= Int64(ahead) else { return false }
            seen = distance >= 64 ? 1 : (seen << UInt64(distance)) | 1
            highest = sequence
            return true
        }
        let back = UInt64(-distance)
        guard back <= UInt64(behind), seen & (1 << back) == 0 else { return false }
        seen |= 1 << back
        return true
    }
}
