import ArgumentParser

/// Which CPUs the server and the clients run on. On a virtual machine a wake-up on another,
/// idle CPU costs far more than the work of a request, and the scheduler's choice changes
/// from run to run; pinning makes the numbers repeatable.
enum Placement: String, CaseIterable, Encodable, ExpressibleByArgument {
    /// Server and clients share one CPU: every wake-up is a context switch on that CPU.
    case shared
    /// The server on one CPU, the clients on another, as with a console on another machine:
    /// every request and reply crosses CPUs.
    case split
    /// No pinning: wherever the scheduler puts them.
    case free

    struct CPUs: Encodable {
        let server: Int
        let clients: Int
    }

    /// The CPUs to pin to, taken from those this process may use; nil for `.free`.
    func cpus() throws -> CPUs? {
        let allowed = try Affinity.allowedCPUs()
        switch self {
        case .free:
            return nil
        case .shared:
            return CPUs(server: allowed[0], clients: allowed[0])
        case .split:
            guard allowed.count >= 2 else { throw Affinity.Failure(description: "--placement split needs two CPUs") }
            return CPUs(server: allowed[0], clients: allowed[1])
        }
    }
}
