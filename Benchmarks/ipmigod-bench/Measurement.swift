/// One phase's numbers: how fast the clients got answers, and what the daemon spent on them.
struct Measurement: Encodable {
    enum Operation: String, Encodable {
        case getDeviceID = "Get Device ID"
        case sessionSetup = "session setup (Open Session, RAKP 1-4, Close Session)"
    }

    let operation: Operation
    let suite: UInt8
    let sessions: Int
    let operations: Int
    let seconds: Double
    let operationsPerSecond: Double
    let latency: LatencySummary
    let daemonCPU: DaemonCPU
    let target: Target?

    init(operation: Operation, suite: UInt8, sessions: Int, latencies: [UInt64], wallNanoseconds: UInt64,
         cpuBefore: ProcessStats.CPUTime, cpuAfter: ProcessStats.CPUTime) {
        self.operation = operation
        self.suite = suite
        self.sessions = sessions
        operations = latencies.count
        seconds = Double(wallNanoseconds) / 1e9
        operationsPerSecond = Double(operations) / seconds
        latency = LatencySummary(nanoseconds: latencies)
        daemonCPU = DaemonCPU(before: cpuBefore, after: cpuAfter, operations: operations, wallNanoseconds: wallNanoseconds)
        target = Target.forOperation(operation, suite: suite)
    }
}

/// The daemon's CPU time (user + system, all threads) per operation, in microseconds.
struct DaemonCPU: Encodable {
    /// From the process CPU clock: exact.
    let microsecondsPerOperation: Double
    /// From utime + stime in /proc/PID/stat, which count 10 ms ticks.
    let statMicrosecondsPerOperation: Double
    /// What one tick is worth per operation: the stat figure's uncertainty.
    let statResolutionMicroseconds: Double
    /// The daemon's CPU time over the phase, as a share of one core.
    let coreUtilisation: Double

    init(before: ProcessStats.CPUTime, after: ProcessStats.CPUTime, operations: Int, wallNanoseconds: UInt64) {
        let count = Double(max(operations, 1))
        let tick = 1e6 / Double(ProcessStats.ticksPerSecond)
        microsecondsPerOperation = Double(after.nanoseconds - before.nanoseconds) / 1000 / count
        statMicrosecondsPerOperation = Double(after.ticks - before.ticks) * tick / count
        statResolutionMicroseconds = tick / count
        coreUtilisation = Double(after.nanoseconds - before.nanoseconds) / Double(max(wallNanoseconds, 1))
    }
}
