/// FRU device 0's inventory image. Placeholder: the FRU work replaces it.
public final class FRUInventory {
    public init(configuration: FRUConfiguration, store: StateStore) throws {}
}
