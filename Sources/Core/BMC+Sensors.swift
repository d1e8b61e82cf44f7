import NIOCore

/// The event pipeline inside the BMC: readings become threshold and state events, enabled
/// events go into the SEL, then through PEF, and PEF's alerts to the alert sink (the sender).
extension BMC {
    static let sensorSettingsFile = "sensors.json"
    static let sdrFile = "sdr.json"

    /// Takes a batch of readings from the pollers.
    public func record(_ samples: [SensorSample]) {
        for sample in samples {
            let index = sample.sensor
            guard sensors.indices.contains(index), !sensors[index].isOverridden else { continue }
            // A chassis without power has nothing to read.
            let raw = sensorsPowered ? sample.value.map { sensors[index].definition.linearization.raw($0) } : nil
            log(sensors[index].update(raw: raw), from: index)
        }
        samplePower(after: samples)
    }

    /// Puts the enabled events of a sensor into the SEL, runs them through PEF, and hands the
    /// alerts on.
    func log(_ events: [PlatformEvent], from index: Int) {
        for event in events where sensors[index].isEnabled(event) {
            logEvent(event, source: sensors[index].definition.name)
        }
    }

    /// The one way into the SEL and PEF for every event: our sensors' crossings, and events
    /// that come from elsewhere (the watchdog, a client's Platform Event Message, a line
    /// card). `source` names it in log lines.
    public func logEvent(_ event: PlatformEvent, source: String) {
        var recordID: UInt16?
        do {
            // System Event Logging off (Set BMC Global Enables): PEF still sees the event.
            if settings.globalEnables.systemEventLogging { recordID = try sel.add(event) }
        } catch .outOfSpace {
            // A full SEL that keeps its old entries: the overflow flag says so; the event still goes on.
            drops.note("SEL full", detail: "event of \(source) not logged", logger: logger, now: .now())
        } catch {
            logger.error("SEL refused an event of \(source): completion code \(error)")
        }
        eventsLogged += 1
        let alerts = pef.evaluate(event, recordID: recordID, context: alertContext(for: event))
        alertsRaised += alerts.count
        // An alert goes out once its SEL entry is on disk, so an NMS never hears of an event
        // the SEL could lose; if it cannot be saved, the alert goes out anyway.
        if !alerts.isEmpty {
            sel.whenDurable { [unowned self] _ in self.alertSink?.send(alerts) }
        }
    }

    /// Sensor settings as they are saved (thresholds, hysteresis, enables), keyed by sensor name.
    static func settingsByName(_ sensors: [Sensor]) -> [String: SensorSettings] {
        Dictionary(uniqueKeysWithValues: sensors.map { ($0.definition.name, $0.settings) })
    }

    /// The entity of the sensor an event came from (for the PET), or (0, 0) if it is not ours.
    public func sensorEntity(generatorID: UInt16, number: UInt8) -> (id: UInt8, instance: UInt8) {
        let lun = UInt8(truncatingIfNeeded: generatorID >> 8) & 0x03
        guard let index = sensorIndex[UInt16(lun) << 8 | UInt16(number)] else { return (0, 0) }
        return (sensors[index].definition.entityID, sensors[index].definition.entityInstance)
    }

    /// The sensor a command names on the LUN it was sent to, or 0xCB.
    func sensorIndex(for number: UInt8, lun: UInt8) throws(CompletionCode) -> Int {
        guard let index = sensorIndex[UInt16(lun) << 8 | UInt16(number)] else { throw .notPresent }
        return index
    }

    /// The bytes of an SDR repository entry, built from current state for generated records.
    func recordBytes(_ element: (id: UInt16, entry: SDRRepository.Entry)) -> [UInt8] {
        switch element.entry {
        case .sensor(let index): SDRRecord.sensor(sensors[index], id: element.id)
        case .managementController:
            SDRRecord.managementController(id: element.id, name: "ipmigod BMC", capabilities: additionalDeviceSupport)
        case .fruDevice: SDRRecord.fruDevice(id: element.id, name: "Switch FRU")
        case .added(let bytes): bytes
        }
    }

}
