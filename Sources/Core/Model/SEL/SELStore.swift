/// The persistent System Event Log. Placeholder: the SEL work replaces it.
public final class SELStore {
    public init(directory: String, configuration: SELConfiguration) throws {}

    /// Adds a system event record stamped with the SEL clock; durable when it returns.
    public func add(_ event: PlatformEvent) throws(CompletionCode) -> UInt16 { throw .notSupportedInPresentState }
}
