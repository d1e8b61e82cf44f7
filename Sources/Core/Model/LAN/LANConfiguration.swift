/// The LAN channel's configuration parameters (IPMI 2.0 section 23.2). Placeholder: the LAN
/// configuration work fills it in.
public struct LANConfiguration: Sendable, Equatable {
    public var communityString: String = "public"
    public var destinations: [AlertDestination] = []
    public init() {}
}

/// The persisted, client-changeable LAN parameters. Placeholder.
public final class LANParameters {
    public private(set) var configuration: LANConfiguration
    public init(configuration: LANConfiguration, store: StateStore) throws {
        self.configuration = configuration
    }

    /// The destination a PEF alert policy names, if it is set.
    public func destination(selector: UInt8) -> AlertDestination? {
        configuration.destinations.first { $0.selector == selector && $0.isSet }
    }
}
