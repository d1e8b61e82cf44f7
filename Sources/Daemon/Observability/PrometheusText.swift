/// Writes the Prometheus text exposition format (version 0.0.4): a HELP and TYPE line per
/// metric family, then its samples, labels escaped.
struct PrometheusText {
    enum Kind: String {
        case gauge, counter, summary
    }

    private(set) var text = ""
    /// Labels every sample gets first (a fleet member's name).
    var commonLabels: [(String, String)] = []

    mutating func family(_ name: String, _ kind: Kind, _ help: String) {
        text += "# HELP \(name) \(help)\n# TYPE \(name) \(kind.rawValue)\n"
    }

    mutating func sample(_ name: String, _ labels: [(String, String)], _ value: Double) {
        text += name
        let all = commonLabels + labels
        if !all.isEmpty {
            text += "{"
            text += all.map { "\($0.0)=\"\(Self.escape($0.1))\"" }.joined(separator: ",")
            text += "}"
        }
        text += " \(Self.format(value))\n"
    }

    mutating func sample(_ name: String, _ labels: [(String, String)], _ value: Int) {
        sample(name, labels, Double(value))
    }

    mutating func sample(_ name: String, _ value: Double) { sample(name, [], value) }

    mutating func sample(_ name: String, _ value: Int) { sample(name, [], Double(value)) }

    static func escape(_ value: String) -> String {
        var result = ""
        for character in value {
            switch character {
            case "\\": result += "\\\\"
            case "\"": result += "\\\""
            case "\n": result += "\\n"
            default: result.append(character)
            }
        }
        return result
    }

    /// As Go's exporters print them: whole numbers without a fraction, NaN and infinities spelled out.
    static func format(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }
}
