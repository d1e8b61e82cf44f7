import Foundation

/// OS threads that each run a closure and hand back its result. The sessions block in recv,
/// so each needs a thread of its own: Swift concurrency's pool has only one per core.
final class Workers<Result: Sendable>: @unchecked Sendable { // `results` is guarded by `lock`.
    private let lock = NSLock()
    private var results: [Result?]
    private let finished = DispatchGroup()

    /// Starts `count` threads; thread `i` runs `body(i)`.
    init(count: Int, _ body: @escaping @Sendable (Int) -> Result) {
        results = Array(repeating: nil, count: count)
        for index in 0..<count {
            finished.enter()
            Thread { [self] in
                let result = body(index)
                lock.withLock { results[index] = result }
                finished.leave()
            }.start()
        }
    }

    /// Waits for every thread and returns the results in thread order.
    func join() -> [Result] {
        finished.wait()
        return lock.withLock { results.map { $0! } }
    }
}
