#if canImport(Glibc)
import Glibc
#endif

/// An OS thread of its own running one closure to its end (for the PET sender, whose
/// net-snmp sessions must all be used from one thread). `join()` waits for the end.
final class DedicatedThread {
    private var thread = pthread_t()

    /// `name` shows in `top -H` and `/proc/PID/task/*/comm` (at most 15 bytes are kept).
    init(name: String, _ body: @escaping () -> Void) {
        let work = Unmanaged.passRetained(Work(name: name, body: body)).toOpaque()
        let result = pthread_create(&thread, nil, { argument in
            let work = Unmanaged<Work>.fromOpaque(argument!).takeRetainedValue()
            nameThisThread(work.name)
            work.body()
            return nil
        }, work)
        precondition(result == 0, "pthread_create: \(result)")
    }

    func join() {
        _ = pthread_join(thread, nil)
    }

    private final class Work {
        let name: String
        let body: () -> Void
        init(name: String, body: @escaping () -> Void) {
            self.name = name
            self.body = body
        }
    }
}

/// What pthread_setname_np does, which Swift's Glibc module does not declare: the name goes
/// to the thread's comm, truncated there to 15 bytes.
private func nameThisThread(_ name: String) {
    let fd = open("/proc/thread-self/comm", O_WRONLY | O_CLOEXEC)
    guard fd >= 0 else { return }
    _ = name.utf8CString.withUnsafeBufferPointer { write(fd, $0.baseAddress, min(15, $0.count - 1)) }
    close(fd)
}
