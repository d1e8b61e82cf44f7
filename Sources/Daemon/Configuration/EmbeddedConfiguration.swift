/// The configuration `ipmigod --simulate` runs on: conf/ipmigod-simulate.yaml, compiled into
/// the binary so that it needs no files.
enum EmbeddedConfiguration {
    static let simulateFileName = "<embedded conf/ipmigod-simulate.yaml>"
    static let simulate = String(decoding: PackageResources.ipmigod_simulate_yaml, as: UTF8.self)
}
