import IPMICore

/// Get Device ID, ping-pong, on one or more concurrent sessions: each session has a thread
/// and a socket of its own and sends its next request as soon as the reply arrives.
enum RequestPhase {
    struct SessionFailure: Error, CustomStringConvertible {
        let session: Int
        let error: any Error
        var description: String { "session \(session): \(error)" }
    }

    static func run(daemon: Daemon, suite: CipherSuite, sessions: Int, requests: Int) throws -> Measurement {
        let port = daemon.port
        // The threads and this one meet three times: sessions ready, go, requests done. So the
        // window between the CPU readings holds the requests and nothing else.
        let barrier = Barrier(parties: sessions + 1)
        let workers = Workers(count: sessions) { _ in
            runSession(port: port, suite: suite, requests: requests, barrier: barrier)
        }
        barrier.wait()
        // Nothing here may throw before the threads are released, or they would wait forever.
        let before = Result { try daemon.cpuTime() }
        let start = monotonicNanoseconds()
        barrier.wait()
        barrier.wait()
        let wall = monotonicNanoseconds() - start
        let after = Result { try daemon.cpuTime() }

        var latencies: [UInt64] = []
        latencies.reserveCapacity(sessions * requests)
        for (index, outcome) in workers.join().enumerated() {
            do { latencies += try outcome.get() } catch { throw SessionFailure(session: index, error: error) }
        }
        return try Measurement(operation: .getDeviceID, suite: suite.id, sessions: sessions, latencies: latencies,
                               wallNanoseconds: wall, cpuBefore: before.get(), cpuAfter: after.get())
    }

    /// One session's thread: returns the latency of each measured request, in nanoseconds.
    private static func runSession(port: UInt16, suite: CipherSuite, requests: Int,
                                   barrier: Barrier) -> Result<[UInt64], any Error> {
        var session: ConsoleSession?
        var failure: (any Error)?
        var latencies: [UInt64] = []
        latencies.reserveCapacity(requests)
        do {
            session = try ConsoleSession(suite: suite, socket: UDPSocket(port: port))
            // Warm up the daemon's and the client's caches and allocators before measuring.
            for _ in 0..<min(1000, max(1, requests / 10)) { try session!.getDeviceID() }
        } catch {
            failure = error
        }
        barrier.wait() // ready
        barrier.wait() // go
        if failure == nil {
            do {
                for _ in 0..<requests {
                    let start = monotonicNanoseconds()
                    try session!.getDeviceID()
                    latencies.append(monotonicNanoseconds() - start)
                }
            } catch {
                failure = error
            }
        }
        barrier.wait() // done
        if failure == nil {
            // Free the slot for the next phase; a failure here still means something is wrong.
            do { try session!.close() } catch { failure = error }
        }
        return failure.map { .failure($0) } ?? .success(latencies)
    }
}
