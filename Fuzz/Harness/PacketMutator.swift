import IPMICore
import NIOCore

/// Seeds for the fuzz target (in its input format, see `FuzzTarget`) and a mutator over
/// them, for runs without libFuzzer: the million-packet test and the loopback flood.
public struct PacketMutator {
    private var random: SplitMix64
    public let seeds: [[UInt8]]

    public init(seed: UInt64, seeds: [[UInt8]]) {
        random = SplitMix64(seed: seed)
        self.seeds = seeds
    }

    /// Seeds that reach every path: each command of `commands` in a session and outside
    /// one, the session setup messages, an ASF ping, IPMI 1.5 packets.
    public static func seeds(commands: some Collection<CommandKey>) -> [[UInt8]] {
        var seeds: [[UInt8]] = []
        for key in commands.sorted(by: { ($0.netFn.rawValue, $0.command) < ($1.netFn.rawValue, $1.command) }) {
            seeds.append([1, key.netFn.rawValue, key.command])
            seeds.append([3, key.netFn.rawValue, key.command])
        }
        var console = RMCPPlusConsole(suite: CipherSuite.supported(id: 17)!, userName: "admin", password: "admin")
        seeds.append([0] + Array(console.openSessionRequest().readableBytesView))
        seeds.append([0] + Array(RMCPPlusConsole.sessionless(.app, 0x38, [0x8E, 0x04]).readableBytesView))
        seeds.append([0, 0x06, 0x00, 0xFF, 0x06, 0x00, 0x00, 0x11, 0xBE, 0x80, 0x01, 0x00, 0x00]) // ASF ping
        // IPMI 1.5 Get Session Challenge, MD5, user admin; and a packet of a session that does not exist.
        seeds.append([3, 0x06, 0x39, 0x02] + Array("admin".utf8) + [UInt8](repeating: 0, count: 11))
        seeds.append([0, 0x06, 0x00, 0xFF, 0x07, 0x02, 1, 0, 0, 0, 0xEF, 0xBE, 0xAD, 0xDE] + [UInt8](repeating: 0x55, count: 16)
                     + [0x07, 0x20, 0x18, 0xC8, 0x81, 0x04, 0x01, 0x7B])
        // Open Session (suite 17 algorithms), RAKP 1 and RAKP 3 payloads.
        seeds.append([2, 0, 1, 0, 0, 0, 0xA4, 0xA3, 0xA2, 0xA0, 0, 0, 0, 8, 3, 0, 0, 0, 1, 0, 0, 8, 4, 0, 0, 0, 2, 0, 0, 8, 1, 0, 0, 0])
        seeds.append([2, 1, 2, 0, 0, 0, 0x78, 0x56, 0x34, 0x12] + [UInt8](repeating: 0x11, count: 16) + [0x14, 0, 0, 5] + Array("admin".utf8))
        seeds.append([2, 2, 3, 0, 0, 0, 0x78, 0x56, 0x34, 0x12] + [UInt8](repeating: 0x22, count: 32))
        return seeds
    }

    /// A seed with one to four mutations, or now and then random bytes.
    public mutating func next() -> [UInt8] {
        if random.next() % 16 == 0 {
            return (0..<Int(random.next() % 300)).map { _ in byte() }
        }
        var bytes = seeds[Int(random.next() % UInt64(seeds.count))]
        for _ in 0...(random.next() % 4) { mutate(&bytes) }
        return bytes
    }

    private mutating func mutate(_ bytes: inout [UInt8]) {
        let position = bytes.isEmpty ? 0 : Int(random.next() % UInt64(bytes.count))
        switch random.next() % 8 {
        case 0: // a bit flipped
            if !bytes.isEmpty, position > 0 { bytes[position] ^= 1 << UInt8(random.next() % 8) }
        case 1: // a byte replaced, often by an edge value
            if !bytes.isEmpty, position > 0 { bytes[position] = [0, 0xFF, 0x7F, 0x80, 1, byte()][Int(random.next() % 6)] }
        case 2: // cut short
            bytes = Array(bytes.prefix(max(1, position)))
        case 3: // trailing garbage
            bytes += (0..<Int(1 + random.next() % 64)).map { _ in byte() }
        case 4: // bytes inserted
            bytes.insert(contentsOf: (0..<Int(1 + random.next() % 8)).map { _ in byte() }, at: max(1, position))
        case 5: // bytes removed
            if bytes.count > 2 { bytes.removeSubrange(max(1, position)..<min(bytes.count, max(1, position) + 1 + Int(random.next() % 4))) }
        case 6: // a long request: data past every command's limit
            bytes += [UInt8](repeating: byte(), count: Int(random.next() % 400))
        default: // spliced with another seed
            let other = seeds[Int(random.next() % UInt64(seeds.count))]
            bytes = Array(bytes.prefix(max(1, position))) + other.dropFirst(min(other.count, position))
        }
    }

    private mutating func byte() -> UInt8 { UInt8(truncatingIfNeeded: random.next()) }
}

/// A small, fast, seedable generator: runs repeat exactly for a given seed.
public struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
