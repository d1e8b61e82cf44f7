import IPMICore
import NIOCore

/// A member as the host holds it: its BMC, confined to one of the host's loops, and the
/// sockets it answers on (on that loop too).
struct HostedMember: Sendable {
    let plan: MemberPlan
    let bmc: NIOLoopBound<BMC>
    var channels: [any Channel] = []
    /// Its PET sequence numbers (the status shows the next one); set once alerting is attached.
    var sequence: NIOLoopBound<PETSequence>?
    /// A line card's link to its management module, once its sockets are bound.
    var lineCardLink: NIOLoopBound<LineCardLink>?

    var loop: any EventLoop { bmc.eventLoop }
}
