/// One reading from a sensor's source, in real units; nil when the source could not be read.
public struct SensorSample: Sendable {
    /// The sensor's position in `BMCConfiguration.sensors`.
    public var sensor: Int
    public var value: Double?
    public init(sensor: Int, value: Double?) {
        self.sensor = sensor
        self.value = value
    }
}
