import NIOCore

extension SensorEventCommands {
    /// PEF and alerting commands (IPMI 2.0 chapter 30). Privileges as appendix G; PET
    /// Acknowledge also outside a session, as `ipmi-pet --pet-acknowledge` sends it.
    static let pefCommands: [CommandSpec] = [
        CommandSpec(0x10, "Get PEF Capabilities", .user, getPEFCapabilities),
        CommandSpec(0x11, "Arm PEF Postpone Timer", .administrator, armPostponeTimer),
        CommandSpec(0x12, "Set PEF Configuration Parameters", .administrator, setPEFParameter),
        CommandSpec(0x13, "Get PEF Configuration Parameters", .operator, getPEFParameter),
        CommandSpec(0x14, "Set Last Processed Event ID", .administrator, setLastProcessed),
        CommandSpec(0x15, "Get Last Processed Event ID", .administrator, getLastProcessed),
        CommandSpec(0x16, "Alert Immediate", .administrator, alertImmediate),
        CommandSpec(0x17, "PET Acknowledge", .none, petAcknowledge),
    ]

    /// PEF version 1.5 (0x51), the actions supported, the event filter table size.
    static func getPEFCapabilities(_ bmc: BMC, _: EmptyRequest, _: RequestContext) -> RawResponse {
        RawResponse([0x51, PEFActions.supported.rawValue, UInt8(PEFTables.filterCount)])
    }

    static func armPostponeTimer(_ bmc: BMC, _ request: ArmPostponeTimerRequest, _: RequestContext) -> RawResponse {
        RawResponse([bmc.pef.armPostponeTimer(request.value)])
    }

    static func setPEFParameter(_ bmc: BMC, _ request: SetPEFParameterRequest, _: RequestContext) throws(CompletionCode) -> EmptyResponse {
        try bmc.pef.setParameter(request.parameter, data: request.data)
        return EmptyResponse()
    }

    static func getPEFParameter(_ bmc: BMC, _ request: GetPEFParameterRequest, _: RequestContext) throws(CompletionCode) -> RawResponse {
        let data = try bmc.pef.parameter(request.parameter, set: request.set, block: request.block)
        return RawResponse([PEFEngine.parameterRevision] + (request.revisionOnly ? [] : data))
    }

    static func setLastProcessed(_ bmc: BMC, _ request: SetLastProcessedRequest, _: RequestContext) throws(CompletionCode) -> EmptyResponse {
        try bmc.pef.setLastProcessed(bmc: request.isBMC, recordID: request.recordID)
        return EmptyResponse()
    }

    /// The SEL's last addition and record, and how far software and the BMC have processed it.
    /// Until PEF has processed an event since start, the BMC's mark is the SEL's last record:
    /// the pipeline evaluates each event as it is logged.
    static func getLastProcessed(_ bmc: BMC, _: EmptyRequest, _: RequestContext) -> LastProcessedResponse {
        let lastRecord = bmc.sel.entry(SELRecord.lastEntryID)?.record.recordID ?? 0xFFFF
        return LastProcessedResponse(lastAddTime: bmc.sel.lastAddTime, lastRecordID: lastRecord,
                                     lastSoftwareProcessedID: bmc.pef.tables.lastSoftwareProcessedID,
                                     lastBMCProcessedID: bmc.pef.lastBMCProcessedID ?? lastRecord)
    }

    /// Accepted and handed to the alert sender; the status is what it last reported.
    static func alertImmediate(_ bmc: BMC, _ request: AlertImmediateCommand, _: RequestContext) throws(CompletionCode) -> RawResponse {
        switch request.operation {
        case .initiate:
            guard bmc.pef.alertImmediateStatus != 0xFF else { throw CompletionCode(0x81) } // alert already in progress
            bmc.pef.alertImmediate(AlertImmediateRequest(channel: request.channel,
                                                         destinationSelector: request.destinationSelector,
                                                         alertStringSelector: request.alertStringSelector,
                                                         event: request.event))
            return RawResponse([])
        case .getStatus:
            return RawResponse([bmc.pef.alertImmediateStatus])
        case .clearStatus:
            bmc.pef.alertImmediateStatus = 0
            return RawResponse([])
        }
    }

    /// Accepted only from the address the PET went to and naming it in every field: anyone
    /// on the network may send this without a session, and an accepted one stops the
    /// alert's retries. Anything else is refused with 0xCC, counted and logged (rate-limited).
    static func petAcknowledge(_ bmc: BMC, _ request: PETAcknowledgeRequest, _ context: RequestContext) throws(CompletionCode) -> EmptyResponse {
        let acknowledgement = request.acknowledgement
        guard bmc.pef.acknowledge(acknowledgement, from: context.remote.ipv4) else {
            bmc.drop("PET Acknowledge refused", "sequence \(acknowledgement.sequenceNumber) names no PET sent to this address",
                     from: context.remote, now: context.now)
            throw .invalidDataField
        }
        return EmptyResponse()
    }
}
