/// A number in a text file, times `scale` plus `offset`.
struct FileReader: SensorReader {
    let path: String
    let scale: Double
    let offset: Double

    mutating func read(elapsed: Double) -> Result<Double, SensorReadError> {
        TextFile.number(path).map { $0 * scale + offset }
    }
}
