/// The one rule for every piece of persisted state, whoever holds it (the BMC's own
/// properties through `BMC.saveThenApply`, the LAN parameters, the PEF tables, the FRU
/// image): `change` works on a copy of `current`; what `saving` makes of the changed copy
/// (nil: nothing durable changed) is written by `save`, atomically and fsynced; only then
/// does `apply` make the copy the state in memory. A failed save throws and applies
/// nothing, so memory keeps what the disk has and the client is told (0xFF).
func saveThenApply<State, Saved, Outcome, Failure: Error>(
    from current: State,
    saving: (State) -> Saved?,
    with save: (Saved) throws(Failure) -> Void,
    _ change: (inout State) throws(Failure) -> Outcome,
    then apply: (State) -> Void
) throws(Failure) -> Outcome {
    var copy = current
    let outcome = try change(&copy)
    if let saved = saving(copy) { try save(saved) }
    apply(copy)
    return outcome
}
