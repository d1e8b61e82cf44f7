import NIOCore

/// The OEM/Group netfn (2Eh) on a management module: the messages its line cards send over
/// their links (ChassisLinkMessages.swift). Administrator only, like the session the card
/// opens; a BMC that is no management module knows none of them (0xC1).
public enum ChassisLinkCommands {
    public static let table: [CommandSpec] = [
        CommandSpec(ChassisLink.Command.hello.rawValue, "Link Hello", .administrator, deferring: hello),
        CommandSpec(ChassisLink.Command.sdrBegin.rawValue, "Link SDR Begin", .administrator, sdrBegin),
        CommandSpec(ChassisLink.Command.sdrRecord.rawValue, "Link SDR Record", .administrator, sdrRecord),
        CommandSpec(ChassisLink.Command.sdrCommit.rawValue, "Link SDR Commit", .administrator, sdrCommit),
        CommandSpec(ChassisLink.Command.readings.rawValue, "Link Readings", .administrator, readings),
        CommandSpec(ChassisLink.Command.selEntry.rawValue, "Link SEL Entry", .administrator, deferring: selEntry),
        CommandSpec(ChassisLink.Command.heartbeat.rawValue, "Link Heartbeat", .administrator, heartbeat),
    ]

    static func hello(_ bmc: BMC, _ request: LinkHello, _ context: RequestContext,
                      _ reply: Reply<LinkHelloResponse>) throws(CompletionCode) {
        let lineCards = try bmc.managementModule()
        guard let link = lineCards.link(request.slot), request.ipmbAddress == SlotAddress.ipmbAddress(slot: request.slot) else {
            throw .invalidDataField
        }
        guard let session = context.session else { throw .notSupportedInPresentState }
        bmc.linkUp(link, session: session, incarnation: request.incarnation, now: context.now)
        let digest = lineCards.state.set(slot: link.slot)?.digest ?? 0
        // What the card learns as logged must be on disk: it will not send those entries again.
        bmc.sel.whenDurable { [unowned bmc] saved in
            guard saved else { return reply(.failure(.unspecified)) }
            reply(.success(LinkHelloResponse(incarnation: lineCards.incarnation, sdrDigest: digest,
                                             selConfirmed: bmc.sel.confirmedSequence(slot: link.slot))))
        }
    }

    static func sdrBegin(_ bmc: BMC, _ request: LinkSDRBegin, _ context: RequestContext) throws(CompletionCode) -> LinkAcknowledgement {
        let link = try bmc.heardFrom(request.slot, context)
        guard Int(request.count) <= LineCardAggregator.maximumRecordsPerSet else { throw .parameterOutOfRange }
        link.collection = SDRCollection(digest: request.digest, records: Array(repeating: nil, count: Int(request.count)))
        return try bmc.linkAcknowledgement()
    }

    static func sdrRecord(_ bmc: BMC, _ request: LinkSDRRecord, _ context: RequestContext) throws(CompletionCode) -> LinkAcknowledgement {
        let link = try bmc.heardFrom(request.slot, context)
        guard var collection = link.collection, collection.digest == request.digest else { throw .notSupportedInPresentState }
        guard collection.records.indices.contains(Int(request.index)) else { throw .parameterOutOfRange }
        collection.records[Int(request.index)] = request.record
        link.collection = collection
        return try bmc.linkAcknowledgement()
    }

    static func sdrCommit(_ bmc: BMC, _ request: LinkSDRCommit, _ context: RequestContext) throws(CompletionCode) -> LinkAcknowledgement {
        let link = try bmc.heardFrom(request.slot, context)
        // A retransmitted commit (its answer was lost): the set is already the slot's.
        if link.collection == nil, try bmc.managementModule().state.set(slot: link.slot)?.digest == request.digest {
            return try bmc.linkAcknowledgement()
        }
        guard let collection = link.collection, collection.digest == request.digest, collection.isComplete else {
            throw .notSupportedInPresentState
        }
        let records = collection.records.compactMap { $0 }
        guard ChassisLinkDigest.of(records) == request.digest else { throw .invalidDataField }
        try bmc.commitSDRSet(slot: link.slot, digest: request.digest, records: records)
        link.collection = nil
        return try bmc.linkAcknowledgement()
    }

    static func readings(_ bmc: BMC, _ request: LinkReadings, _ context: RequestContext) throws(CompletionCode) -> LinkAcknowledgement {
        let link = try bmc.heardFrom(request.slot, context)
        for reading in request.readings {
            link.readings[UInt16(reading.lun & 0x03) << 8 | UInt16(reading.number)] = reading
        }
        return try bmc.linkAcknowledgement()
    }

    static func selEntry(_ bmc: BMC, _ request: LinkSELEntry, _ context: RequestContext,
                         _ reply: Reply<LinkSELConfirmation>) throws(CompletionCode) {
        let link = try bmc.heardFrom(request.slot, context)
        bmc.logCardEntry(request.record, slot: link.slot, sequence: request.sequence)
        // Confirmed once on disk, whether it was logged now or before (a resend).
        bmc.sel.whenDurable { [unowned bmc] saved in
            guard saved else { return reply(.failure(.unspecified)) }
            reply(.success(LinkSELConfirmation(confirmed: bmc.sel.confirmedSequence(slot: link.slot))))
        }
    }

    static func heartbeat(_ bmc: BMC, _ request: LinkHeartbeat, _ context: RequestContext) throws(CompletionCode) -> LinkAcknowledgement {
        _ = try bmc.heardFrom(request.slot, context)
        return try bmc.linkAcknowledgement()
    }
}
