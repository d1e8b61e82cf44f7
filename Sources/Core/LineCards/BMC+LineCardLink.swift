import NIOCore

/// What a line card pushes to its management module, read from its own BMC exactly as its
/// own commands would serve it, so the management module's view cannot drift from a direct one.
extension BMC {
    /// The SDR repository's records in order, each whole (5-byte header included), as Get SDR
    /// serves them.
    public func linkSDRRecords() -> [[UInt8]] {
        sdr.entries.map { recordBytes($0) }
    }

    /// Every sensor's reading as Get Sensor Reading answers it.
    public func linkReadings() -> [LinkReading] {
        var buffer = ByteBuffer()
        return sensors.map { sensor in
            buffer.clear()
            GetSensorReadingResponse(sensor: sensor).write(to: &buffer)
            let bytes = buffer.readableBytesView
            let start = bytes.startIndex
            return LinkReading(lun: sensor.definition.lun, number: sensor.definition.number, reading: bytes[start],
                               flags: bytes[start + 1], state1: bytes[start + 2], state2: bytes[start + 3])
        }
    }
}
