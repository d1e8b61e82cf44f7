/// The Sensor/Event network function (netfn 0x04): sensor readings, thresholds, hysteresis,
/// event enables and the device SDR.
public enum SensorEventCommands {
    public static let table: [CommandSpec] = []
}
