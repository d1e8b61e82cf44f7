import IPMICore

/// Full session setups, one after another on one socket: Open Session, RAKP 1 to 4, and
/// Close Session, as a console that polls with a fresh session each time does.
enum SetupPhase {
    static func run(server: any Server, suite: CipherSuite, setups: Int) throws -> Measurement {
        try run(port: server.port, serverCPU: server.cpuTime, suite: suite, setups: setups)
    }

    /// `serverCPU` reads the server's CPU time.
    static func run(port: UInt16, serverCPU: () throws -> ProcessStats.CPUTime, suite: CipherSuite,
                    setups: Int) throws -> Measurement {
        let socket = try UDPSocket(port: port)
        func setUpAndClose() throws {
            var session = try ConsoleSession(suite: suite, socket: socket)
            try session.close()
        }
        for _ in 0..<min(100, max(1, setups / 10)) { try setUpAndClose() } // warm-up

        var latencies: [UInt64] = []
        latencies.reserveCapacity(setups)
        let before = try serverCPU()
        let start = monotonicNanoseconds()
        for _ in 0..<setups {
            let begin = monotonicNanoseconds()
            try setUpAndClose()
            latencies.append(monotonicNanoseconds() - begin)
        }
        let wall = monotonicNanoseconds() - start
        return try Measurement(operation: .sessionSetup, suite: suite.id, sessions: 1, latencies: latencies,
                               wallNanoseconds: wall, cpuBefore: before, cpuAfter: serverCPU())
    }
}
