/// conf/scenarios (a link to Resources/scenarios), compiled into the binary so that
/// `ipmigod --simulate` needs no files. A new scenario file goes into Package.swift's
/// resources and here.
enum EmbeddedScenarios {
    static let all: [(name: String, text: String)] = [
        ("overheat", PackageResources.overheat_yaml),
        ("psu-failure", PackageResources.psu_failure_yaml),
        ("fan-failure", PackageResources.fan_failure_yaml),
        ("brownout", PackageResources.brownout_yaml),
        ("flapping", PackageResources.flapping_yaml),
    ].map { ($0.0, String(decoding: $0.1, as: UTF8.self)) }
}
