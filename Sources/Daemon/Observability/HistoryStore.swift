import IPMICore
import Logging
import NIOCore

/// Every sensor's reading history, fed from the published snapshots and confined to the
/// observability loop (never the BMC's). Saved to the state directory every few minutes and
/// at shutdown, atomically, so a restart keeps it.
final class HistoryStore {
    static let file = "history.bin"
    private static let magic = "ipmigod-history-1"

    let configuration: HistoryConfiguration
    let capacities: (recent: Int, long: Int)
    private let path: String
    private let logger: Logger
    /// By member and sensor name.
    private var histories: [HistoryKey: SensorHistory] = [:]

    struct HistoryKey: Hashable {
        var member: String
        var sensor: String
    }

    init(configuration: HistoryConfiguration, sensorCount: Int, stateDirectory: String, logger: Logger) {
        self.configuration = configuration
        capacities = configuration.capacities(sensors: sensorCount)
        path = stateDirectory + "/" + HistoryStore.file
        self.logger = logger
    }

    func record(_ snapshot: MemberSnapshot) {
        for sensor in snapshot.bmc.sensors {
            guard let raw = sensor.raw else { continue }
            let key = HistoryKey(member: snapshot.member, sensor: sensor.name)
            if histories[key] == nil { histories[key] = SensorHistory(configuration: configuration, capacities: capacities) }
            histories[key]!.record(raw: raw, at: snapshot.bmc.time)
        }
    }

    func history(member: String, sensor: String) -> SensorHistory? {
        histories[HistoryKey(member: member, sensor: sensor)]
    }

    /// Replaces the histories (tests), by member and sensor name.
    func restore(_ histories: [String: [String: SensorHistory]]) {
        self.histories = [:]
        for (member, sensors) in histories {
            for (sensor, history) in sensors { self.histories[HistoryKey(member: member, sensor: sensor)] = history }
        }
    }

    // MARK: Persistence

    func save() {
        var buffer = ByteBuffer()
        buffer.writeString(HistoryStore.magic)
        buffer.writeInteger(UInt32(configuration.recentResolution))
        buffer.writeInteger(UInt32(configuration.longResolution))
        buffer.writeInteger(UInt32(histories.count))
        for (key, history) in histories {
            for text in [key.member, key.sensor] {
                buffer.writeInteger(UInt16(text.utf8.count))
                buffer.writeString(text)
            }
            history.write(to: &buffer)
        }
        do {
            try AtomicFile.write(Array(buffer.readableBytesView), to: path)
        } catch {
            logger.warning("cannot save the reading history: \(error)", metadata: ["path": "\(path)"])
        }
    }

    /// Reads the saved history; a damaged file or another resolution leaves it empty.
    func load() {
        let bytes: [UInt8]?
        do {
            bytes = try AtomicFile.read(path)
        } catch {
            logger.warning("cannot read the reading history: \(error)", metadata: ["path": "\(path)"])
            return
        }
        guard let bytes else { return }
        var buffer = ByteBuffer(bytes: bytes)
        guard buffer.readString(length: HistoryStore.magic.utf8.count) == HistoryStore.magic,
              buffer.readInteger(as: UInt32.self) == UInt32(configuration.recentResolution),
              buffer.readInteger(as: UInt32.self) == UInt32(configuration.longResolution),
              let count = buffer.readInteger(as: UInt32.self)
        else {
            logger.notice("reading history not restored: another format or resolution", metadata: ["path": "\(path)"])
            return
        }
        var loaded: [HistoryKey: SensorHistory] = [:]
        for _ in 0..<count {
            guard let memberLength = buffer.readInteger(as: UInt16.self), let member = buffer.readString(length: Int(memberLength)),
                  let nameLength = buffer.readInteger(as: UInt16.self), let name = buffer.readString(length: Int(nameLength))
            else { break }
            var history = SensorHistory(configuration: configuration, capacities: capacities)
            guard history.read(from: &buffer) else { break }
            loaded[HistoryKey(member: member, sensor: name)] = history
        }
        histories = loaded
        logger.info("reading history restored", metadata: ["sensors": "\(loaded.count)"])
    }
}
