/// The sensor the watchdog's events come from: sensor type 23h (Watchdog 2), sensor-specific
/// offsets (IPMI 2.0 table 42-3). An integrator who wants the SEL to name it configures an
/// event-only sensor of that type (`type: watchdog`); otherwise its events carry the highest
/// sensor number on LUN 0 that no sensor uses, and clients show them as "Watchdog 2".
public struct WatchdogSensor: Sendable, Equatable {
    public static let sensorType: UInt8 = 0x23
    public static let eventReadingType: UInt8 = 0x6F

    /// Event offsets: 0 to 3 are the timeout action taken (as its raw value), 8 the interrupt.
    public static let timerInterruptOffset: UInt8 = 0x08
    /// The offsets a watchdog sensor can report: expired, hard reset, power down, power
    /// cycle, timer interrupt.
    public static let states: UInt16 = 0x010F

    public var number: UInt8
    public var lun: UInt8

    /// The configured watchdog sensor, or a number none of `sensors` uses.
    public init(among sensors: [SensorDefinition]) {
        if let configured = sensors.first(where: { $0.sensorType == Self.sensorType }) {
            number = configured.number
            lun = configured.lun
            return
        }
        let used = Set(sensors.filter { $0.lun == 0 }.map(\.number))
        number = (UInt8(1)...0xFE).reversed().first { !used.contains($0) } ?? 0xFE
        lun = 0
    }

    /// The SEL event for what the watchdog did. Event data 2 (flagged in data 1, bits 7:6 =
    /// 11b) holds the interrupt type in bits 7:4 and the timer use in bits 3:0.
    public func event(for occurrence: BMCWatchdog.Occurrence) -> PlatformEvent {
        let settings = occurrence.settings
        let offset = switch occurrence {
        case .expired: settings.timeoutAction.rawValue
        case .preTimeout: Self.timerInterruptOffset
        }
        return PlatformEvent(
            generatorID: PlatformEvent.bmcGeneratorID | UInt16(lun) << 8, sensorType: Self.sensorType,
            sensorNumber: number, isDeassertion: false, eventReadingType: Self.eventReadingType,
            eventData1: 0xC0 | offset, eventData2: settings.preTimeoutInterrupt.rawValue << 4 | settings.timerUse.rawValue)
    }
}
