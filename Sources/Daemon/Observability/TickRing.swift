import NIOCore

/// A fixed ring of samples indexed by time tick (seconds / resolution): slot `tick %
/// capacity`. Ticks with no sample (a gap, a restart) are marked empty in a bitmap, so a
/// sample costs its own size plus one bit and no timestamp.
struct TickRing<Element: FixedWidthInteger> {
    let capacity: Int
    private var elements: [Element]
    private var present: [UInt64]
    /// The newest tick written; nil while empty.
    private(set) var newestTick: Int64?

    init(capacity: Int) {
        self.capacity = max(1, capacity)
        elements = Array(repeating: 0, count: self.capacity)
        present = Array(repeating: 0, count: (self.capacity + 63) / 64)
    }

    /// Bytes it holds (for the memory budget).
    static func bytes(capacity: Int) -> Int { capacity * MemoryLayout<Element>.size + (capacity + 63) / 64 * 8 }

    /// How many samples fit in `bytes` (each costs its size and one bit).
    static func samples(fitting bytes: Int) -> Int { bytes * 8 / (8 * MemoryLayout<Element>.size + 1) }

    /// Sets the sample of `tick`; ticks skipped since the newest become empty. A tick older
    /// than the ring holds is ignored.
    mutating func set(_ value: Element, at tick: Int64) {
        if let newest = newestTick {
            if tick > newest {
                var cleared = newest + 1
                // At most one lap to clear, however long the gap.
                if tick - cleared >= Int64(capacity) { cleared = tick - Int64(capacity) + 1 }
                while cleared < tick {
                    setPresent(false, slot(cleared))
                    cleared += 1
                }
                newestTick = tick
            } else if tick <= newest - Int64(capacity) {
                return
            }
        } else {
            newestTick = tick
        }
        elements[slot(tick)] = value
        setPresent(true, slot(tick))
    }

    func value(at tick: Int64) -> Element? {
        guard let newest = newestTick, tick <= newest, tick > newest - Int64(capacity) else { return nil }
        let index = slot(tick)
        return present[index / 64] & 1 << UInt64(index % 64) != 0 ? elements[index] : nil
    }

    /// The samples from `start` on, oldest first.
    func samples(since start: Int64) -> [(tick: Int64, value: Element)] {
        guard let newest = newestTick else { return [] }
        let first = max(start, newest - Int64(capacity) + 1)
        guard first <= newest else { return [] }
        return (first...newest).compactMap { tick in value(at: tick).map { (tick, $0) } }
    }

    private func slot(_ tick: Int64) -> Int { Int(((tick % Int64(capacity)) + Int64(capacity)) % Int64(capacity)) }

    private mutating func setPresent(_ flag: Bool, _ index: Int) {
        if flag { present[index / 64] |= 1 << UInt64(index % 64) } else { present[index / 64] &= ~(1 << UInt64(index % 64)) }
    }

    // MARK: Persistence

    func write(to buffer: inout ByteBuffer) {
        buffer.writeInteger(UInt32(capacity))
        buffer.writeInteger(newestTick ?? Int64.min)
        for element in elements { buffer.writeInteger(element) }
        for word in present { buffer.writeInteger(word) }
    }

    /// Reads what `write` wrote; nil if it is cut short. A ring of another capacity (the
    /// config changed) is read past and dropped.
    static func read(from buffer: inout ByteBuffer, capacity expected: Int) -> TickRing? {
        guard let capacity = buffer.readInteger(as: UInt32.self).map(Int.init), capacity > 0, capacity <= 1 << 24,
              let newest = buffer.readInteger(as: Int64.self)
        else { return nil }
        var ring = TickRing(capacity: capacity)
        for index in 0..<capacity {
            guard let element = buffer.readInteger(as: Element.self) else { return nil }
            ring.elements[index] = element
        }
        for index in ring.present.indices {
            guard let word = buffer.readInteger(as: UInt64.self) else { return nil }
            ring.present[index] = word
        }
        ring.newestTick = newest == Int64.min ? nil : newest
        return capacity == expected ? ring : TickRing(capacity: expected)
    }
}
