/// One reading from a sensor's source, in real units; nil when the source could not be read.
public struct SensorSample: Sendable {
    public var number: UInt8
    public var value: Double?
    public init(number: UInt8, value: Double?) {
        self.number = number
        self.value = value
    }
}
