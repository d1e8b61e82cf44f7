import FoundationEssentials

/// A Linux hwmon attribute, found by the chip's name and the attribute's label (or name),
/// never by the hwmonN index, which can change between boots. Values are scaled from
/// sysfs units (millidegrees, millivolts, milliamps, RPM, microwatts) to real units.
struct HwmonReader: SensorReader {
    let root: String
    let chip: String
    let label: String?
    let attribute: String?
    /// The resolved `.../hwmonN/temp1_input` and its scale; found again after a failure.
    private var resolved: (path: String, scale: Double)?

    init(root: String, chip: String, label: String?, attribute: String?) {
        self.root = root
        self.chip = chip
        self.label = label
        self.attribute = attribute
    }

    mutating func read(elapsed: Double) -> Result<Double, SensorReadError> {
        if resolved == nil {
            switch resolve() {
            case .success(let found): resolved = found
            case .failure(let error): return .failure(error)
            }
        }
        guard let (path, scale) = resolved else { return .failure(SensorReadError(description: "unresolved")) }
        let result = TextFile.number(path).map { $0 * scale }
        if case .failure = result { resolved = nil } // the device may have moved: look again next time
        return result
    }

    private func resolve() -> Result<(path: String, scale: Double), SensorReadError> {
        let directories = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).sorted()
        for directory in directories {
            let base = "\(root)/\(directory)"
            guard case .success(let name) = TextFile.read("\(base)/name"),
                  name.trimmingWhitespace == chip
            else { continue }
            if let attribute {
                return scaled("\(base)/\(attribute)_input", attribute: attribute)
            }
            let files = (try? FileManager.default.contentsOfDirectory(atPath: base)) ?? []
            for file in files.sorted() where file.hasSuffix("_label") {
                guard case .success(let text) = TextFile.read("\(base)/\(file)"),
                      text.trimmingWhitespace == label
                else { continue }
                let attribute = String(file.dropLast("_label".count))
                return scaled("\(base)/\(attribute)_input", attribute: attribute)
            }
            return .failure(SensorReadError(description: "hwmon chip \(chip) has no attribute labelled \"\(label ?? "")\""))
        }
        return .failure(SensorReadError(description: "no hwmon chip named \(chip) under \(root)"))
    }

    private func scaled(_ path: String, attribute: String) -> Result<(path: String, scale: Double), SensorReadError> {
        let scale: Double
        switch attribute.prefix(while: { !$0.isNumber }) {
        case "temp", "in", "curr": scale = 0.001
        case "fan": scale = 1
        case "power": scale = 0.000_001
        default: return .failure(SensorReadError(description: "unsupported hwmon attribute \(attribute)"))
        }
        return .success((path, scale))
    }
}
