import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A free TCP port on loopback (bound once, then released).
func freeTCPPort() -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
    _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
    return Int(UInt16(bigEndian: address.sin_port))
}

/// GET with curl: the status code and body.
func httpGet(_ url: String, timeout: Int = 10) throws -> (status: Int, body: String) {
    let result = try runTool("curl", ["-s", "-g", "-m", String(timeout), "-o", "-", "-w", "\n%{http_code}", url],
                             timeout: TimeInterval(timeout + 5))
    var lines = result.stdout.components(separatedBy: "\n")
    let status = Int(lines.popLast() ?? "") ?? 0
    return (status, lines.joined(separator: "\n"))
}

/// Prometheus text format samples: "name{labels}" -> value, labels in the order written.
struct PrometheusSamples {
    var values: [String: Double] = [:]
    var text: String

    init(_ text: String) {
        self.text = text
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " ") else { continue }
            values[String(line[..<space])] = Double(line[line.index(after: space)...]) ?? (line.hasSuffix("NaN") ? .nan : nil)
        }
    }

    /// Samples of one metric, keyed by their labels with those in `ignoring` left out and the
    /// rest sorted, so two exporters' orders compare.
    func series(_ name: String, ignoring: Set<String> = []) -> [String: Double] {
        var result: [String: Double] = [:]
        for (key, value) in values {
            let metric = key.split(separator: "{", maxSplits: 1).first.map(String.init) ?? key
            guard metric == name else { continue }
            result[Self.labels(key).filter { !ignoring.contains($0.key) }.sorted { $0.key < $1.key }
                .map { "\($0.key)=\($0.value)" }.joined(separator: ",")] = value
        }
        return result
    }

    static func labels(_ key: String) -> [String: String] {
        guard let open = key.firstIndex(of: "{"), key.hasSuffix("}") else { return [:] }
        var labels: [String: String] = [:]
        var rest = key[key.index(after: open)..<key.index(before: key.endIndex)]
        while let equals = rest.firstIndex(of: "=") {
            let name = String(rest[..<equals]).trimmingCharacters(in: CharacterSet(charactersIn: ","))
            var index = rest.index(equals, offsetBy: 2)
            var value = ""
            while index < rest.endIndex, rest[index] != "\"" {
                if rest[index] == "\\" { index = rest.index(after: index) }
                value.append(rest[index])
                index = rest.index(after: index)
            }
            labels[name] = value
            rest = index < rest.endIndex ? rest[rest.index(after: index)...] : ""
        }
        return labels
    }
}
