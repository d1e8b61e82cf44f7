@preconcurrency import Dispatch
import IPMIAlerting
import IPMICore
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

#if canImport(Glibc)
import Glibc
#endif

/// SIGTERM and SIGINT, turned into something to await: the daemon stops cleanly on either.
final class TerminationSignals: Sendable {
    private let sources: [any DispatchSourceSignal]
    private let state = NIOLockedValueBox<(fired: Bool, waiter: CheckedContinuation<Void, Never>?)>((false, nil))

    init() {
        let queue = DispatchQueue(label: "ipmigod.signals")
        var sources: [any DispatchSourceSignal] = []
        for signalNumber in [SIGTERM, SIGINT] {
            signal(signalNumber, SIG_IGN)
            sources.append(DispatchSource.makeSignalSource(signal: signalNumber, queue: queue))
        }
        self.sources = sources
        for source in sources {
            source.setEventHandler { [self] in fire() }
            source.resume()
        }
    }

    /// Stops the daemon as SIGTERM does (Cold Reset asks this way too).
    func fire() {
        let waiter = state.withLockedValue { value in
            defer { value = (true, nil) }
            return value.waiter
        }
        waiter?.resume()
    }

    func wait() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let alreadyFired = state.withLockedValue { value in
                if value.fired { return true }
                value.waiter = continuation
                return false
            }
            if alreadyFired { continuation.resume() }
        }
    }
}

extension SocketAddress {
    /// "127.0.0.1:623" or "[::1]:623", as people write it.
    var hostAndPort: String {
        let host = ipAddress ?? "?"
        let port = port ?? 0
        return host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }
}
