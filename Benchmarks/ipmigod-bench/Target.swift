/// The targets the daemon is held to (µs of daemon CPU per operation, over cipher suite 3),
/// and what OpenIPMI's ipmi_sim spends on the same work, for scale. Reported, never enforced.
struct Target: Encodable {
    let maximumMicroseconds: Double
    let ipmiSimMicroseconds: String

    static func forOperation(_ operation: Measurement.Operation, suite: UInt8) -> Target? {
        guard suite == 3 else { return nil }
        switch operation {
        case .getDeviceID: return Target(maximumMicroseconds: 8, ipmiSimMicroseconds: "17–23")
        case .sessionSetup: return Target(maximumMicroseconds: 40, ipmiSimMicroseconds: "96")
        case .echo: return nil
        }
    }

    /// Resident memory of the daemon, in MiB.
    static let maximumResidentMiB = 20.0
}
