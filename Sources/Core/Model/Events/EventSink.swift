/// Where events go once they are in the SEL: the alerting pipeline (PEF, then traps)
/// registers one. Called on the BMC's event loop, in event order.
public protocol EventSink: AnyObject {
    /// `recordID` is the event's SEL record, or nil if the SEL could not take it.
    func bmc(_ bmc: BMC, didLog event: PlatformEvent, recordID: UInt16?)
}
