/// One phase's numbers: how fast the clients got answers, and what the server spent on them.
struct Measurement: Encodable {
    enum Operation: String, Encodable {
        case getDeviceID = "Get Device ID"
        case sessionSetup = "session setup (Open Session, RAKP 1-4, Close Session)"
        case echo = "UDP echo, the loopback floor"
    }

    let operation: Operation
    /// The cipher suite; none for the echo floor.
    let suite: UInt8?
    let sessions: Int
    let operations: Int
    let seconds: Double
    let operationsPerSecond: Double
    let latency: LatencySummary
    let serverCPU: ServerCPU
    let target: Target?

    init(operation: Operation, suite: UInt8?, sessions: Int, latencies: [UInt64], wallNanoseconds: UInt64,
         cpuBefore: ProcessStats.CPUTime, cpuAfter: ProcessStats.CPUTime) {
        self.operation = operation
        self.suite = suite
        self.sessions = sessions
        operations = latencies.count
        seconds = Double(wallNanoseconds) / 1e9
        operationsPerSecond = Double(operations) / seconds
        latency = LatencySummary(nanoseconds: latencies)
        serverCPU = ServerCPU(before: cpuBefore, after: cpuAfter, operations: operations, wallNanoseconds: wallNanoseconds)
        target = suite.flatMap { Target.forOperation(operation, suite: $0) }
    }
}

/// The server's CPU time (the daemon's, all threads; or the echo thread's) per operation, in µs.
struct ServerCPU: Encodable {
    /// From the kernel's CPU-time clock: exact.
    let microsecondsPerOperation: Double
    /// The same, split in user and kernel time in the proportion /proc/…/stat gives.
    let userMicrosecondsPerOperation: Double
    let systemMicrosecondsPerOperation: Double
    /// utime + stime from /proc/…/stat, which count 10 ms ticks.
    let statMicrosecondsPerOperation: Double
    /// What one tick is worth per operation: the stat figure's uncertainty.
    let statResolutionMicroseconds: Double
    /// The server's CPU time over the phase, as a share of one core.
    let coreUtilisation: Double

    init(before: ProcessStats.CPUTime, after: ProcessStats.CPUTime, operations: Int, wallNanoseconds: UInt64) {
        let count = Double(max(operations, 1))
        let tick = 1e6 / Double(ProcessStats.ticksPerSecond)
        let nanoseconds = Double(after.nanoseconds - before.nanoseconds)
        let userTicks = Double(after.userTicks - before.userTicks)
        let ticks = userTicks + Double(after.systemTicks - before.systemTicks)
        microsecondsPerOperation = nanoseconds / 1000 / count
        userMicrosecondsPerOperation = ticks == 0 ? 0 : microsecondsPerOperation * userTicks / ticks
        systemMicrosecondsPerOperation = microsecondsPerOperation - userMicrosecondsPerOperation
        statMicrosecondsPerOperation = ticks * tick / count
        statResolutionMicroseconds = tick / count
        coreUtilisation = nanoseconds / Double(max(wallNanoseconds, 1))
    }
}
