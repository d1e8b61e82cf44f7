import NIOCore

/// A ring of samples indexed by time tick (seconds / resolution), holding the newest
/// `capacity` ticks. Ticks with no sample (a gap, a restart) are marked empty in a bitmap, so
/// a sample costs its own size plus one bit and no timestamp. Storage grows as ticks arrive
/// (a week-long span costs nothing on the first day) and is never larger than `capacity`.
public struct TickRing<Element: FixedWidthInteger & Sendable>: Sendable {
    public let capacity: Int
    private var elements: [Element] = []
    private var present: [UInt64] = []
    /// The first tick ever stored: tick t lives in slot (t - origin) % capacity.
    private var origin: Int64 = 0
    /// The newest tick written; nil while empty.
    public private(set) var newestTick: Int64?

    public init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    /// Bytes it holds when full (for the memory budget).
    public static func bytes(capacity: Int) -> Int { capacity * MemoryLayout<Element>.size + (capacity + 63) / 64 * 8 }

    /// How many samples fit in `bytes` (each costs its size and one bit).
    public static func samples(fitting bytes: Int) -> Int { bytes * 8 / (8 * MemoryLayout<Element>.size + 1) }

    /// Sets the sample of `tick`; ticks skipped since the newest become empty. A tick older
    /// than the ring holds is ignored.
    public mutating func set(_ value: Element, at tick: Int64) {
        guard let newest = newestTick else {
            origin = tick
            newestTick = tick
            append(value, present: true)
            return
        }
        if tick > newest {
            if tick - newest >= Int64(capacity) {
                // A gap of a lap or more: nothing held is still in the span; start over.
                elements.removeAll(keepingCapacity: true)
                present.removeAll(keepingCapacity: true)
                origin = tick
            } else {
                for gap in (newest + 1)..<tick { store(0, present: false, at: gap) }
            }
            store(value, present: true, at: tick)
            newestTick = tick
        } else if tick > newest - Int64(held) {
            store(value, present: true, at: tick)
        }
    }

    /// Ticks held so far (up to `capacity`).
    private var held: Int { elements.count }

    private mutating func store(_ value: Element, present flag: Bool, at tick: Int64) {
        let index = Int((tick - origin) % Int64(capacity))
        if index == elements.count {
            append(value, present: flag)
        } else {
            elements[index] = value
            setPresent(flag, index)
        }
    }

    private mutating func append(_ value: Element, present flag: Bool) {
        if elements.isEmpty {
            // Reserved, not touched: the pages are backed as samples arrive.
            elements.reserveCapacity(capacity)
            present.reserveCapacity((capacity + 63) / 64)
        }
        elements.append(value)
        if (elements.count - 1) / 64 >= present.count { present.append(0) }
        setPresent(flag, elements.count - 1)
    }

    public func value(at tick: Int64) -> Element? {
        guard let newest = newestTick, tick <= newest, tick > newest - Int64(held), tick >= origin else { return nil }
        let index = Int((tick - origin) % Int64(capacity))
        return present[index / 64] & 1 << UInt64(index % 64) != 0 ? elements[index] : nil
    }

    /// The samples from `start` on, oldest first.
    public func samples(since start: Int64) -> [(tick: Int64, value: Element)] {
        guard let newest = newestTick else { return [] }
        let first = max(start, newest - Int64(held) + 1)
        guard first <= newest else { return [] }
        return (first...newest).compactMap { tick in value(at: tick).map { (tick, $0) } }
    }

    private mutating func setPresent(_ flag: Bool, _ index: Int) {
        if flag { present[index / 64] |= 1 << UInt64(index % 64) } else { present[index / 64] &= ~(1 << UInt64(index % 64)) }
    }

    // MARK: Persistence

    public func write(to buffer: inout ByteBuffer) {
        buffer.writeInteger(UInt32(capacity))
        buffer.writeInteger(UInt32(elements.count))
        buffer.writeInteger(origin)
        buffer.writeInteger(newestTick ?? Int64.min)
        for element in elements { buffer.writeInteger(element) }
        for word in present { buffer.writeInteger(word) }
    }

    /// Reads what `write` wrote; nil if it is cut short or inconsistent. A ring of another
    /// capacity (the config changed) is read past and dropped.
    public static func read(from buffer: inout ByteBuffer, capacity expected: Int) -> TickRing? {
        guard let capacity = buffer.readInteger(as: UInt32.self).map(Int.init), capacity > 0, capacity <= 1 << 24,
              let count = buffer.readInteger(as: UInt32.self).map(Int.init), count <= capacity,
              let origin = buffer.readInteger(as: Int64.self),
              let newest = buffer.readInteger(as: Int64.self)
        else { return nil }
        var ring = TickRing(capacity: capacity)
        ring.origin = origin
        ring.elements.reserveCapacity(capacity)
        for _ in 0..<count {
            guard let element = buffer.readInteger(as: Element.self) else { return nil }
            ring.elements.append(element)
        }
        for _ in 0..<(count + 63) / 64 {
            guard let word = buffer.readInteger(as: UInt64.self) else { return nil }
            ring.present.append(word)
        }
        ring.newestTick = newest == Int64.min ? nil : newest
        guard (ring.newestTick == nil) == (count == 0) else { return nil }
        return capacity == expected ? ring : TickRing(capacity: expected)
    }
}
