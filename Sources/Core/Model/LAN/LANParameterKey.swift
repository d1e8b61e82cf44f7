/// One value of a LAN parameter: the parameter and, for per-destination parameters, the
/// destination selector (0 otherwise).
public struct LANParameterKey: Hashable, Sendable, Codable {
    public var parameter: UInt8
    public var selector: UInt8

    public init(_ parameter: LANParameter, selector: UInt8 = 0) {
        self.parameter = parameter.rawValue
        self.selector = selector
    }
}

/// A value a client set over IPMI, as it is persisted in `lan.json`: the parameter's data
/// exactly as sent (after the selector), so a read gives back what was written byte for byte.
public struct StoredLANValue: Codable, Equatable, Sendable {
    public var key: LANParameterKey
    public var data: [UInt8]
}
