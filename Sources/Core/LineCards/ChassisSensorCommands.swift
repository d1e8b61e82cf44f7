import NIOCore

/// The sensor commands on a management module's chassis sensors (a line card's proxies and
/// the slots' link sensors): readings from what the cards pushed, unavailable once a card was
/// silent for `readingMaximumAge`; thresholds, hysteresis, factors and event enables from the
/// proxy's record. Setting anything on a proxy is refused (0xD5): set it on the line card,
/// whose record the proxy then follows.
enum ChassisSensorCommands {
    /// The sensor commands whose first data byte is a sensor number.
    static let sensorCommands: Set<UInt8> = [0x23, 0x24, 0x25, 0x26, 0x27, 0x28, 0x29, 0x2A, 0x2B, 0x2D, 0x30]

    /// The Sensor/Event table of a management module: the sensor commands answer for chassis
    /// sensors first, for the MM's own sensors otherwise.
    static func routing(_ table: [CommandSpec]) -> [CommandSpec] {
        table.map { spec in
            guard sensorCommands.contains(spec.command) else { return spec }
            let own = spec.handler
            return CommandSpec(spec, handler: { bmc, reader, context, output throws(CompletionCode) in
                guard let lineCards = bmc.lineCards,
                      let number = reader.buffer.getInteger(at: reader.buffer.readerIndex, as: UInt8.self),
                      let sensor = lineCards.sensors[UInt16(context.lun) << 8 | UInt16(number)],
                      let link = lineCards.link(sensor.slot)
                else { return try own(bmc, &reader, context, &output) }
                try answer(spec.command, sensor: sensor, link: link, lineCards: lineCards, reader: &reader,
                           context: context, output: &output)
            })
        }
    }

    private static func answer(_ command: UInt8, sensor: ChassisSensor, link: SlotLink, lineCards: LineCardAggregator,
                               reader: inout RequestReader, context: RequestContext,
                               output: inout ByteBuffer) throws(CompletionCode) {
        switch command {
        case 0x23, 0x25, 0x27, 0x29, 0x2D: _ = try SensorNumberRequest(from: &reader)
        default: throw .notSupportedInPresentState
        }
        guard case .proxy(let index, let lcKey, let recordType, _) = sensor.kind else {
            return try answerLinkSensor(command, link: link, output: &output)
        }
        guard let slotProxies = lineCards.proxies[sensor.slot], slotProxies.indices.contains(index) else { throw .notPresent }
        let record = slotProxies[index]
        let isFull = recordType == SDRRecord.RecordType.fullSensor.rawValue
        switch command {
        case 0x2D:
            guard recordType != SDRRecord.RecordType.eventOnly.rawValue else { throw .notPresent }
            let maximumAge = TimeAmount.nanoseconds(Int64(lineCards.settings.readingMaximumAge * 1e9))
            // Four bytes one by one: no array on the request path.
            if let reading = link.readings[lcKey], let heard = link.lastHeard, context.now - heard <= maximumAge {
                writeReading(reading.reading, reading.flags, reading.state1, reading.state2, to: &output)
            } else {
                // "Reading unavailable": the card has not sent one, or is silent too long.
                writeReading(0x00, 0xC0 | 0x20, isFull ? 0xC0 : 0x00, 0x80, to: &output)
            }
        case 0x27:
            guard isFull else { throw .illegalForSensorOrRecordType }
            // Readable mask, then lower NC, C, NR, upper NC, C, NR (the record holds UNR first).
            output.writeBytes([record[18] & 0x3F, record[41], record[40], record[39], record[38], record[37], record[36]])
        case 0x25:
            guard isFull else { throw .illegalForSensorOrRecordType }
            output.writeBytes([record[42], record[43]])
        case 0x23:
            guard isFull else { throw .illegalForSensorOrRecordType }
            output.writeInteger(UInt8(0xFF)) // linear: the factors hold for every reading
            output.writeBytes(record[24...29])
        default: // 0x29
            guard recordType != SDRRecord.RecordType.eventOnly.rawValue else { throw .illegalForSensorOrRecordType }
            // Threshold sensors keep their threshold reading masks in the top bits.
            let high: UInt8 = isFull ? 0x0F : 0x7F
            output.writeBytes([0xC0, record[14], record[15] & high, record[16], record[17] & high])
        }
    }

    private static func writeReading(_ reading: UInt8, _ flags: UInt8, _ state1: UInt8, _ state2: UInt8,
                                     to output: inout ByteBuffer) {
        output.writeInteger(reading)
        output.writeInteger(flags)
        output.writeInteger(state1)
        output.writeInteger(state2)
    }

    private static func answerLinkSensor(_ command: UInt8, link: SlotLink, output: inout ByteBuffer) throws(CompletionCode) {
        let unavailable = UInt8(1) << ProxyRecord.linkUnavailableOffset
        switch command {
        case 0x2D: writeReading(0x00, 0xC0, link.isUp ? 0x00 : unavailable, 0x80, to: &output)
        case 0x29: output.writeBytes([0xC0, unavailable, 0x00, unavailable, 0x00])
        default: throw .illegalForSensorOrRecordType
        }
    }
}

extension CommandSpec {
    /// The same command, name and privilege with another handler.
    init(_ spec: CommandSpec, handler: @escaping Handler) {
        command = spec.command
        name = spec.name
        privilege = spec.privilege
        self.handler = handler
    }
}
