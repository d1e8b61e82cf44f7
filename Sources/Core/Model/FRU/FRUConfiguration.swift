/// The FRU inventory of the switch (FRU device 0), as the config file describes it.
/// Placeholder: the FRU work fills it in.
public struct FRUConfiguration: Sendable, Equatable {
    public init() {}
}
