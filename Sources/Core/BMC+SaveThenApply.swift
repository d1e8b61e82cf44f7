extension BMC {
    /// The primitive under `saveThenApply(_:as:_:)`, for state kept on disk in another form
    /// than in memory (the SDR repository saves its changes, the sensors their settings by
    /// name). `change` works on a copy; `saving` turns the changed copy into what is written,
    /// or nil when nothing durable changed (a volatile setting, one piece of a partial add);
    /// the copy becomes the BMC's state only once it is on disk. A failed save answers 0xFF
    /// and leaves memory as it was, agreeing with the disk.
    func saveThenApply<State, Saved: Encodable, Outcome>(
        _ keyPath: ReferenceWritableKeyPath<BMC, State>, as file: String,
        saving persisted: (State) -> Saved?,
        _ change: (inout State) throws(CompletionCode) -> Outcome
    ) throws(CompletionCode) -> Outcome {
        try IPMICore.saveThenApply(from: self[keyPath: keyPath], saving: persisted,
                                   with: { (saved: Saved) throws(CompletionCode) in try persist(saved, as: file) },
                                   change, then: { self[keyPath: keyPath] = $0 })
    }
}
