/// The BMC's non-volatile settings that the App, Transport and DCMI commands change, each
/// persisted in a file of its own through `BMC.saveThenApply`, so a change is on disk before it
/// is acknowledged and survives kill -9. Volatile parts (System Info's OS name, SOL's volatile
/// bit rate) are kept here too but not saved.
public struct BMCSettings: Sendable {
    public var globalEnables: GlobalEnables
    public var systemInfo: SystemInfoParameters
    public var sol: SOLParameters
    public var securityKeys: ChannelSecurityKeys
    public var managementControllerID: ManagementControllerIdentifier
    /// The volatile Set In Progress locks of System Info and SOL parameters.
    public var systemInfoLock = SetInProgressLock()
    public var solLock = SetInProgressLock()

    /// The saved settings, or the defaults for those never saved.
    init(store: StateStore) throws {
        globalEnables = try store.load(GlobalEnables.self, from: GlobalEnables.stateFile) ?? GlobalEnables()
        systemInfo = try store.load(SystemInfoParameters.self, from: SystemInfoParameters.stateFile)
            ?? SystemInfoParameters(systemName: HostName.current)
        sol = try store.load(SOLParameters.self, from: SOLParameters.stateFile) ?? SOLParameters()
        securityKeys = try store.load(ChannelSecurityKeys.self, from: ChannelSecurityKeys.stateFile) ?? ChannelSecurityKeys()
        managementControllerID = try store.load(ManagementControllerIdentifier.self, from: ManagementControllerIdentifier.stateFile)
            ?? ManagementControllerIdentifier(HostName.current)
    }
}
