import NIOConcurrencyHelpers

/// The latest snapshot of every BMC in the process, by member name: each BMC's loop publishes
/// its own, readers (HTTP, metrics, the control socket) take the whole board at once. A plain
/// daemon has one member, ""; a fleet has one per switch, and the metrics label them.
final class StatusBoard: Sendable {
    private let snapshots = NIOLockedValueBox<[String: MemberSnapshot]>([:])

    init() {}

    func publish(_ snapshot: MemberSnapshot) {
        snapshots.withLockedValue { $0[snapshot.member] = snapshot }
    }

    /// Every member's latest snapshot, by name.
    var members: [MemberSnapshot] {
        snapshots.withLockedValue { Array($0.values) }.sorted { $0.member < $1.member }
    }

    func member(_ name: String) -> MemberSnapshot? {
        snapshots.withLockedValue { $0[name] }
    }
}
