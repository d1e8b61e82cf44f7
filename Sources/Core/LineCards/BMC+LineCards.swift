import NIOCore

/// A management module's side of its line cards' links: hello, the SDR sets and their
/// proxies, readings, SEL entries, and the link-lost and link-back events.
extension BMC {
    /// Sets up the line cards' state of a management module (called once, from `init`): the
    /// saved SDR sets and sensor numbers, a number for every slot's link sensor, the records.
    func setUpLineCards() throws {
        guard let settings = configuration.chassisRole.managementModule else { return }
        let saved = try store.load(ChassisSlotsState.self, from: LineCardAggregator.stateFile) ?? ChassisSlotsState()
        let state = LineCardAggregator.reconciled(saved, slotCount: LineCardAggregator.slotCount(settings),
                                                  ownSensors: ownSensorKeys)
        if state != saved { try store.save(state, as: LineCardAggregator.stateFile) }
        let lineCards = LineCardAggregator(settings: settings, state: state)
        self.lineCards = lineCards
        sdr.setChassisRecords(lineCards.records, changedAt: nil)
    }

    /// The MM's own sensors (and its watchdog's), which proxies must never be numbered as.
    var ownSensorKeys: [UInt16] {
        let watchdog = WatchdogSensor(among: configuration.sensors)
        return sensors.map(\.definition.key) + [UInt16(watchdog.lun) << 8 | UInt16(watchdog.number)]
    }

    /// The line cards of a management module; anything else knows no link command (0xC1).
    func managementModule() throws(CompletionCode) -> LineCardAggregator {
        guard let lineCards else { throw .invalidCommand }
        return lineCards
    }

    /// The slot of a link message, which must come in the session that said hello for it
    /// (0xD5 otherwise: the card says hello again); notes that the card was heard from.
    func heardFrom(_ slot: UInt8, _ context: RequestContext) throws(CompletionCode) -> SlotLink {
        guard let link = try managementModule().link(slot) else { throw .invalidDataField }
        guard let session = context.session, link.session === session else { throw .notSupportedInPresentState }
        link.lastHeard = context.now
        return link
    }

    func linkAcknowledgement() throws(CompletionCode) -> LinkAcknowledgement {
        LinkAcknowledgement(incarnation: try managementModule().incarnation)
    }

    // MARK: Link up and down

    /// A hello: the slot's link is this session from now on. An older session of the slot
    /// (the card restarted, or reconnected before its old session expired) is closed, so none
    /// leaks; a link that was lost is back.
    func linkUp(_ link: SlotLink, session: Session, incarnation: UInt32, now: NIODeadline) {
        if let old = link.session, old !== session, sessions.session(id: old.id) === old {
            sessions.close(id: old.id)
            logger.info("line card: older session closed", metadata: ["slot": "\(link.slot)", "session": "\(old.handle)"])
        }
        let restarted = link.cardIncarnation != incarnation
        link.session = session
        link.cardIncarnation = incarnation
        link.lastHeard = now
        link.collection = nil
        // After a hello the card sends every reading again.
        link.readings = [:]
        logger.notice("line card link up", metadata: [
            "slot": "\(link.slot)", "remote": "\(session.remote)", "restarted": "\(restarted)",
        ])
        if link.isLost {
            link.isLost = false
            noteLost(link, false)
            logLinkEvent(link, lost: false)
        }
    }

    /// Checks the links (from `tick`): one whose session closed or expired, or whose card was
    /// silent for the link timeout, is lost: its session is closed and the event logged.
    func tickLineCards(now: NIODeadline) {
        guard let lineCards else { return }
        let timeout = TimeAmount.nanoseconds(Int64(lineCards.settings.linkTimeout * 1e9))
        let firstTick = lineCards.firstTick ?? now
        lineCards.firstTick = firstTick
        for link in lineCards.links {
            guard let session = link.session else {
                // A card the MM had before it (re)started, silent ever since.
                if !link.isLost, link.lastHeard == nil, lineCards.state.set(slot: link.slot) != nil, now - firstTick > timeout {
                    linkLost(link, reason: "not back since the management module started")
                }
                continue
            }
            if sessions.session(id: session.id) !== session {
                linkLost(link, reason: "session closed")
            } else if let heard = link.lastHeard, now - heard > timeout {
                sessions.close(id: session.id)
                linkLost(link, reason: "silent for the link timeout")
            }
        }
    }

    private func linkLost(_ link: SlotLink, reason: String) {
        link.session = nil
        link.collection = nil
        logger.warning("line card link lost", metadata: ["slot": "\(link.slot)", "reason": "\(reason)"])
        guard !link.isLost else { return }
        link.isLost = true
        noteLost(link, true)
        logLinkEvent(link, lost: true)
    }

    /// Keeps whether the slot's link-back event is due across a restart of the MM.
    private func noteLost(_ link: SlotLink, _ lost: Bool) {
        do {
            try saveThenApply(\.lineCards!.state, as: LineCardAggregator.stateFile) { state in
                var slots = Set(state.lostSlots ?? [])
                if lost { slots.insert(link.slot) } else { slots.remove(link.slot) }
                state.lostSlots = slots.sorted()
            }
        } catch {
            logger.error("cannot save the link state of slot \(link.slot): completion code \(error)")
        }
    }

    /// The slot's link sensor asserts "management controller unavailable" when the link is
    /// lost and deasserts it when the link is back, through the SEL, PEF and the alerts.
    private func logLinkEvent(_ link: SlotLink, lost: Bool) {
        guard let lineCards, let (key, _) = lineCards.sensors.first(where: { $0.value.slot == link.slot && $0.value.isLink })
        else { return }
        let event = PlatformEvent(
            generatorID: UInt16(SDRRecord.ownerID) | key & 0x0300, sensorType: ProxyRecord.linkSensorType,
            sensorNumber: UInt8(truncatingIfNeeded: key), isDeassertion: !lost,
            eventReadingType: ProxyRecord.linkEventReadingType, eventData1: ProxyRecord.linkUnavailableOffset)
        logEvent(event, source: "slot \(link.slot) link")
    }

    // MARK: SDRs and SEL entries

    /// Replaces the slot's SDR set and proxies: durable first (`saveThenApply`), then served.
    func commitSDRSet(slot: UInt8, digest: UInt32, records: [[UInt8]]) throws(CompletionCode) {
        let lineCards = try managementModule()
        let next = lineCards.replacing(slot: slot, digest: digest, records: records, ownSensors: ownSensorKeys)
        try saveThenApply(\.lineCards!.state, as: LineCardAggregator.stateFile) { $0 = next }
        lineCards.rebuild()
        // Even with the same records, their bytes (a threshold, a name) may have changed.
        sdr.setChassisRecords(lineCards.records, changedAt: sel.time)
        let proxies = lineCards.proxies[slot]?.count ?? 0
        let sensorRecords = records.count { ProxyRecord.sensorFields(of: $0) != nil }
        logger.notice("line card SDRs", metadata: [
            "slot": "\(slot)", "records": "\(records.count)", "proxies": "\(proxies)",
        ])
        if proxies < sensorRecords {
            logger.warning("line card sensors without a proxy: no MM sensor numbers left, or named twice",
                           metadata: ["slot": "\(slot)", "missing": "\(sensorRecords - proxies)"])
        }
    }

    /// Logs a line card's SEL entry unless it already was (a resend after a reconnect): a
    /// system event goes through the SEL, PEF and the alerts with the card's generator ID;
    /// an OEM record into the SEL only. The slot's sequence number is durable with the entry.
    func logCardEntry(_ record: SELRecord, slot: UInt8, sequence: UInt32) {
        guard sequence > sel.confirmedSequence(slot: slot) else { return }
        let origin = SELOrigin(slot: slot, sequence: sequence)
        guard record.recordType == SELRecord.systemEventType else {
            do {
                _ = try sel.add(record, origin: origin)
            } catch {
                logger.error("SEL refused an entry of slot \(slot): completion code \(error)")
                try? sel.noteOrigin(origin)
            }
            return
        }
        // The card's own timestamp: a resent entry says when it happened, not when it arrived.
        logEvent(PlatformEvent(record: record), source: "slot \(slot)", origin: origin, timestamp: record.timestamp)
    }
}

extension PlatformEvent {
    /// The event a system event record holds.
    init(record: SELRecord) {
        self.init(generatorID: UInt16(record[7]) | UInt16(record[8]) << 8, evmRevision: record[9],
                  sensorType: record[10], sensorNumber: record[11], isDeassertion: record[12] & 0x80 != 0,
                  eventReadingType: record[12] & 0x7F, eventData1: record[13], eventData2: record[14],
                  eventData3: record[15])
    }
}

extension ChassisSensor {
    var isLink: Bool {
        if case .link = kind { true } else { false }
    }
}
