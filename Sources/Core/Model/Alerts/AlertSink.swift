/// Where PEF's alerts go: the alert sender (PET over SNMP) registers one. Called on the BMC's
/// event loop, in event order; it must hand the alerts to its own thread and return at once.
/// Each alert carries all it sends (`AlertRequest.context`), so a sink reads no BMC state.
public protocol AlertSink: AnyObject {
    func send(_ alerts: [AlertRequest])
}
