import NIOCore

/// Timers for the BMC's own clocks (the watchdog counts down at 100 ms, identify in seconds).
/// Tasks run on the BMC's event loop. Tests hand in a loop whose time they advance.
public struct BMCTimers: Sendable {
    private let loop: any EventLoop

    public init(loop: any EventLoop) { self.loop = loop }

    /// Runs `task` on the BMC's loop after `delay`; cancel the result to call it off.
    @discardableResult
    public func schedule(in delay: TimeAmount, _ task: @escaping @Sendable () -> Void) -> Scheduled<Void> {
        loop.scheduleTask(in: delay, task)
    }

    public var now: NIODeadline { loop.now }
}

extension BMCTimers {
    /// Runs `task` on the BMC's loop as soon as it can.
    public func execute(_ task: @escaping @Sendable () -> Void) { loop.execute(task) }
}

/// Carries a value that is only used on the BMC's loop across a hop to another thread and back.
struct UnsafeTransfer<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
