#if canImport(Glibc)
import Glibc
#endif

/// A reusable pthread barrier. The worker threads and the coordinating thread meet at it
/// between steps, so that the coordinator can read the daemon's CPU time while no request
/// is in flight, and everything a thread wrote before a meeting is visible after it.
final class Barrier: @unchecked Sendable { // The pthread barrier does the synchronisation.
    private let barrier = UnsafeMutablePointer<pthread_barrier_t>.allocate(capacity: 1)

    init(parties: Int) {
        precondition(pthread_barrier_init(barrier, nil, UInt32(parties)) == 0)
    }

    deinit {
        pthread_barrier_destroy(barrier)
        barrier.deallocate()
    }

    func wait() {
        _ = pthread_barrier_wait(barrier)
    }
}
