/// Requests, ping-pong, on one or more concurrent connections: each has a thread and a
/// socket of its own and sends its next request as soon as the reply arrives.
enum RequestPhase {
    struct ConnectionFailure: Error, CustomStringConvertible {
        let connection: Int
        let error: any Error
        var description: String { "connection \(connection): \(error)" }
    }

    /// `connect` runs on each connection's thread; `serverCPU` reads the server's CPU time.
    static func run(
        _ operation: Measurement.Operation, suite: UInt8?, connections: Int, requests: Int,
        serverCPU: () throws -> ProcessStats.CPUTime, connect: @escaping @Sendable () throws -> any PingPongClient
    ) throws -> Measurement {
        // The threads and this one meet three times: connected, go, requests done. So the
        // window between the CPU readings holds the requests and nothing else.
        let barrier = Barrier(parties: connections + 1)
        let workers = Workers(count: connections) { _ in
            runConnection(connect: connect, requests: requests, barrier: barrier)
        }
        barrier.wait()
        // Nothing here may throw before the threads are released, or they would wait forever.
        let before = Result { try serverCPU() }
        let start = monotonicNanoseconds()
        barrier.wait()
        barrier.wait()
        let wall = monotonicNanoseconds() - start
        let after = Result { try serverCPU() }

        var latencies: [UInt64] = []
        latencies.reserveCapacity(connections * requests)
        for (index, outcome) in workers.join().enumerated() {
            do { latencies += try outcome.get() } catch { throw ConnectionFailure(connection: index, error: error) }
        }
        return try Measurement(operation: operation, suite: suite, sessions: connections, latencies: latencies,
                               wallNanoseconds: wall, cpuBefore: before.get(), cpuAfter: after.get())
    }

    /// One connection's thread: returns the latency of each measured request, in nanoseconds.
    private static func runConnection(
        connect: () throws -> any PingPongClient, requests: Int, barrier: Barrier
    ) -> Result<[UInt64], any Error> {
        var client: (any PingPongClient)?
        var failure: (any Error)?
        var latencies: [UInt64] = []
        latencies.reserveCapacity(requests)
        do {
            client = try connect()
            // Warm up the server's and the client's caches and allocators before measuring.
            for _ in 0..<min(1000, max(1, requests / 10)) { try client!.call() }
        } catch {
            failure = error
        }
        barrier.wait() // connected
        barrier.wait() // go
        if failure == nil {
            do {
                for _ in 0..<requests {
                    let start = monotonicNanoseconds()
                    try client!.call()
                    latencies.append(monotonicNanoseconds() - start)
                }
            } catch {
                failure = error
            }
        }
        barrier.wait() // done
        if failure == nil {
            // Frees the daemon's session slot for the next phase.
            do { try client!.finish() } catch { failure = error }
        }
        return failure.map { .failure($0) } ?? .success(latencies)
    }
}
