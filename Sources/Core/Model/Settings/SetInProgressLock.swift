/// Parameter 0 of a configuration parameter set (System Info, SOL; IPMI 2.0 sections 22.14a
/// and 26.2): a cooperative lock between configuration tools. Writes take effect at once, so
/// "commit write" simply completes. Volatile: every start begins with "set complete".
public struct SetInProgressLock: Sendable, Equatable {
    public private(set) var state: UInt8 = 0

    public init() {}

    /// 0 complete, 1 in progress (0x81 while someone else holds it), 2 commit write, 3 reserved (0xCC).
    public mutating func set(_ requested: UInt8) throws(CompletionCode) {
        switch requested {
        case 0, 2: state = 0
        case 1:
            guard state != 1 else { throw CompletionCode(0x81) } // set in progress already claimed
            state = 1
        default: throw .invalidDataField
        }
    }
}
