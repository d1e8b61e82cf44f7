/// The chassis as the config file seeds it; what a client sets (ipmitool chassis policy)
/// is kept in the state directory and takes over.
public struct ChassisConfiguration: Sendable, Equatable {
    /// The power restore policy before any client sets one.
    public var restorePolicy: PowerRestorePolicy = .alwaysOff

    public init() {}
}
