extension StorageCommands {
    /// The System Event Log commands (IPMI 2.0 chapter 31), with appendix G's privileges:
    /// reading needs User, changing needs Operator.
    static let selCommands: [CommandSpec] = [
        CommandSpec(0x40, "Get SEL Info", .user, getSELInfo),
        CommandSpec(0x41, "Get SEL Allocation Info", .user, getSELAllocationInfo),
        CommandSpec(0x42, "Reserve SEL", .user, reserveSEL),
        CommandSpec(0x43, "Get SEL Entry", .user, getSELEntry),
        CommandSpec(0x44, "Add SEL Entry", .operator, addSELEntry),
        CommandSpec(0x45, "Partial Add SEL Entry", .operator, partialAddSELEntry),
        CommandSpec(0x46, "Delete SEL Entry", .operator, deleteSELEntry),
        CommandSpec(0x47, "Clear SEL", .operator, clearSEL),
        CommandSpec(0x48, "Get SEL Time", .user, getSELTime),
        CommandSpec(0x49, "Set SEL Time", .operator, setSELTime),
        CommandSpec(0x5C, "Get SEL Time UTC Offset", .user, getSELTimeUTCOffset),
        CommandSpec(0x5D, "Set SEL Time UTC Offset", .operator, setSELTimeUTCOffset),
    ]

    // MARK: Reading

    static func getSELInfo(_ bmc: BMC, _: EmptyRequest, _: RequestContext) -> GetSELInfoResponse {
        GetSELInfoResponse(entries: UInt16(bmc.sel.entryCount), freeBytes: UInt16(clamping: bmc.sel.freeBytes),
                           lastAddTime: bmc.sel.lastAddTime, lastEraseTime: bmc.sel.lastEraseTime,
                           overflowed: bmc.sel.hasOverflowed)
    }

    static func getSELAllocationInfo(_ bmc: BMC, _: EmptyRequest, _: RequestContext) -> GetSELAllocationInfoResponse {
        GetSELAllocationInfoResponse(units: UInt16(bmc.sel.configuration.capacity),
                                     freeUnits: UInt16(bmc.sel.freeBytes / SELRecord.size))
    }

    static func reserveSEL(_ bmc: BMC, _: EmptyRequest, _: RequestContext) -> SELReservationResponse {
        SELReservationResponse(reservation: bmc.sel.reserve())
    }

    static func getSELEntry(_ bmc: BMC, _ request: GetRecordRequest, _: RequestContext) throws(CompletionCode) -> GetSELEntryResponse {
        let offset = request.offset
        // Whole-record reads need no reservation: freeipmi sends a stale one, ipmitool none.
        if offset != 0 { try bmc.sel.checkReservation(request.reservation) }
        guard let (record, next) = bmc.sel.entry(request.recordID) else { throw .notPresent }
        guard offset < SELRecord.size else { throw .parameterOutOfRange }
        let count = request.count ?? SELRecord.size - offset
        guard offset + count <= SELRecord.size else { throw .cannotReturnRequestedBytes }
        return GetSELEntryResponse(nextRecordID: next, record: record, bytes: offset..<offset + count)
    }

    // MARK: Changing

    static func addSELEntry(_ bmc: BMC, _ request: AddSELEntryRequest, _: RequestContext) throws(CompletionCode) -> SELRecordIDResponse {
        SELRecordIDResponse(recordID: try bmc.sel.add(request.record))
    }

    static func partialAddSELEntry(
        _ bmc: BMC, _ request: PartialAddRequest, _: RequestContext
    ) throws(CompletionCode) -> SELRecordIDResponse {
        let id = try bmc.sel.partialAdd(reservation: request.reservation, recordID: request.recordID,
                                        offset: request.offset, data: request.data, isLast: request.isLast)
        return SELRecordIDResponse(recordID: id)
    }

    static func deleteSELEntry(
        _ bmc: BMC, _ request: ReservedRecordRequest, _: RequestContext
    ) throws(CompletionCode) -> SELRecordIDResponse {
        try bmc.sel.checkReservation(request.reservation)
        return SELRecordIDResponse(recordID: try bmc.sel.delete(request.recordID))
    }

    static func clearSEL(_ bmc: BMC, _ request: ClearRepositoryRequest, _ context: RequestContext) throws(CompletionCode) -> ClearRepositoryResponse {
        switch request.action {
        case .initiateErase:
            try bmc.sel.checkReservation(request.reservation)
            try bmc.sel.clear()
            bmc.logger.notice("SEL cleared", metadata: [
                "user": "\(context.session?.userID ?? 0)", "remote": "\(context.remote)",
            ])
        case .getErasureStatus:
            // Not checked against the reservation: the clear being asked about cancelled it.
            break
        }
        return ClearRepositoryResponse()
    }

    // MARK: Clock

    static func getSELTime(_ bmc: BMC, _: EmptyRequest, _: RequestContext) -> SELTime {
        SELTime(seconds: bmc.sel.time)
    }

    static func setSELTime(_ bmc: BMC, _ request: SELTime, _: RequestContext) throws(CompletionCode) -> EmptyResponse {
        try bmc.sel.setTime(request.seconds)
        return EmptyResponse()
    }

    static func getSELTimeUTCOffset(_ bmc: BMC, _: EmptyRequest, _: RequestContext) -> SELUTCOffset {
        SELUTCOffset(minutes: bmc.sel.utcOffset)
    }

    static func setSELTimeUTCOffset(_ bmc: BMC, _ request: SELUTCOffset, _: RequestContext) throws(CompletionCode) -> EmptyResponse {
        try bmc.sel.setUTCOffset(request.minutes)
        return EmptyResponse()
    }
}
