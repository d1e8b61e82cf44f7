/// A FIFO that refuses what does not fit, so a dead destination cannot grow memory
/// without bound and a caller never waits.
struct BoundedQueue<Element> {
    let capacity: Int
    private var items: [Element] = []
    private var head = 0

    init(capacity: Int) {
        precondition(capacity > 0)
        self.capacity = capacity
    }

    var count: Int { items.count - head }
    var isEmpty: Bool { count == 0 }

    /// False (and nothing queued) when full.
    mutating func append(_ item: Element) -> Bool {
        guard count < capacity else { return false }
        items.append(item)
        return true
    }

    mutating func popFirst() -> Element? {
        guard head < items.count else { return nil }
        let item = items[head]
        head += 1
        if head > 32 && head * 2 > items.count {
            items.removeFirst(head)
            head = 0
        }
        return item
    }
}
