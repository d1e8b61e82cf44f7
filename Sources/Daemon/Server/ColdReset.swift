import Logging
import NIOConcurrencyHelpers

#if canImport(Glibc)
import Glibc
#endif

/// Cold Reset (App command 02h) for the daemon: the BMC asks (`request`, its `onColdReset`),
/// the daemon stops as on SIGTERM (SEL drained to disk, sockets closed, the sender stopped),
/// then `reexecute` replaces the process with a fresh start of the same binary, arguments and
/// environment. Persistent state is read back from the state directory; the pid stays the
/// same, so systemd and whoever else watches it see no exit.
final class ColdReset: Sendable {
    private let requested = NIOLockedValueBox(false)
    private let signals: TerminationSignals

    init(signals: TerminationSignals) { self.signals = signals }

    var isRequested: Bool { requested.withLockedValue { $0 } }

    func request() {
        requested.withLockedValue { $0 = true }
        signals.fire()
    }

    /// execve of /proc/self/exe; returns only if that failed, with errno's text.
    func reexecute(logger: Logger) -> String {
        logger.notice("cold reset: re-executing")
        // The new image starts as a fresh process would: signals unblocked and at their
        // defaults (TerminationSignals set SIGTERM and SIGINT to ignored, which execve keeps).
        var none = sigset_t()
        sigemptyset(&none)
        pthread_sigmask(SIG_SETMASK, &none, nil)
        signal(SIGTERM, SIG_DFL)
        signal(SIGINT, SIG_DFL)
        execve("/proc/self/exe", CommandLine.unsafeArgv, environ)
        return String(cString: strerror(errno))
    }
}
