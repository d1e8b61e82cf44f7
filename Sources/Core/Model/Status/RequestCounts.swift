/// Requests answered, counted by netfn, command and completion code in a table sized once:
/// counting a request neither allocates nor hashes a string. An open-addressing table of
/// `capacity` slots probed at most `maximumProbes` deep (so a client that fills it with
/// made-up commands cannot slow the request path); keys that do not fit count as `overflow`.
public struct RequestCounts: Sendable {
    public static let capacity = 512
    static let maximumProbes = 32
    /// netfn << 16 | command << 8 | completion code, plus one (0 marks a free slot).
    private var keys: [UInt32]
    private var counts: [UInt64]
    public private(set) var overflow: UInt64 = 0

    public init() {
        keys = Array(repeating: 0, count: Self.capacity)
        counts = Array(repeating: 0, count: Self.capacity)
    }

    public mutating func note(netFn: UInt8, command: UInt8, completionCode: UInt8) {
        let key = (UInt32(netFn) << 16 | UInt32(command) << 8 | UInt32(completionCode)) + 1
        // Fibonacci hashing spreads the keys.
        var slot = Int(truncatingIfNeeded: (key &* 2_654_435_769) >> 23) % Self.capacity
        for _ in 0..<Self.maximumProbes {
            if keys[slot] == key {
                counts[slot] += 1
                return
            }
            if keys[slot] == 0 {
                keys[slot] = key
                counts[slot] = 1
                return
            }
            slot = (slot + 1) % Self.capacity
        }
        overflow += 1
    }

    /// Every counted combination, in netfn, command, code order (for the metrics).
    public var all: [(netFn: UInt8, command: UInt8, completionCode: UInt8, count: UInt64)] {
        keys.indices.compactMap { slot -> (UInt8, UInt8, UInt8, UInt64)? in
            guard keys[slot] != 0 else { return nil }
            let key = keys[slot] - 1
            return (UInt8(truncatingIfNeeded: key >> 16), UInt8(truncatingIfNeeded: key >> 8), UInt8(truncatingIfNeeded: key),
                    counts[slot])
        }.sorted { ($0.0, $0.1, $0.2) < ($1.0, $1.1, $1.2) }
    }
}
