import NIOCore

extension StorageCommands {
    /// SDR repository commands (IPMI 2.0 chapter 33).
    static let sdrRepositoryCommands: [CommandSpec] = [
        CommandSpec(0x20, "Get SDR Repository Info", .user, getSDRRepositoryInfo),
        CommandSpec(0x21, "Get SDR Repository Allocation Info", .user, getSDRAllocationInfo),
        CommandSpec(0x22, "Reserve SDR Repository", .user, reserveSDRRepository),
        CommandSpec(0x23, "Get SDR", .user, getSDR),
        CommandSpec(0x24, "Add SDR", .operator, addSDR),
        CommandSpec(0x25, "Partial Add SDR", .operator, partialAddSDR),
        CommandSpec(0x26, "Delete SDR", .operator, deleteSDR),
        CommandSpec(0x27, "Clear SDR Repository", .operator, clearSDRRepository),
        // The SDR repository and the SEL share the BMC's one clock.
        CommandSpec(0x28, "Get SDR Repository Time", .user, getSELTime),
        CommandSpec(0x29, "Set SDR Repository Time", .operator, setSELTime),
        CommandSpec(0x2A, "Enter SDR Repository Update Mode", .operator, enterSDRUpdateMode),
        CommandSpec(0x2B, "Exit SDR Repository Update Mode", .operator, exitSDRUpdateMode),
    ]

    static func getSDRRepositoryInfo(_ bmc: BMC, _: EmptyRequest, _: RequestContext) -> GetSDRRepositoryInfoResponse {
        GetSDRRepositoryInfoResponse(recordCount: UInt16(clamping: bmc.sdr.entries.count),
                                     freeBytes: UInt16(min(bmc.sdr.freeBytes, 0xFFFE)),
                                     lastAddition: bmc.sdr.lastAddition, lastErase: bmc.sdr.lastErase)
    }

    static func getSDRAllocationInfo(_ bmc: BMC, _: EmptyRequest, _: RequestContext) -> RawResponse {
        let units = SDRRepository.allocationUnits
        let free = units - bmc.sdr.usedUnits
        return RawResponse([
            UInt8(truncatingIfNeeded: units), UInt8(units >> 8),
            UInt8(SDRRepository.allocationUnitSize), 0x00,
            UInt8(truncatingIfNeeded: free), UInt8(truncatingIfNeeded: free >> 8),
            UInt8(truncatingIfNeeded: free), UInt8(truncatingIfNeeded: free >> 8),
            UInt8((5 + 255 + 15) / 16),
        ])
    }

    static func reserveSDRRepository(_ bmc: BMC, _: EmptyRequest, _: RequestContext) -> UInt16Response {
        UInt16Response(value: bmc.sdr.reserve())
    }

    static func getSDR(_ bmc: BMC, _ request: GetRecordRequest, _: RequestContext) throws(CompletionCode) -> GetSDRResponse {
        try bmc.readSDR(request)
    }

    static func addSDR(_ bmc: BMC, _ request: RemainingBytesRequest, _: RequestContext) throws(CompletionCode) -> UInt16Response {
        let now = bmc.sel.time
        return UInt16Response(value: try bmc.changeSDR { sdr throws(CompletionCode) in try sdr.add(request.bytes, now: now) })
    }

    static func partialAddSDR(_ bmc: BMC, _ request: PartialAddRequest, _: RequestContext) throws(CompletionCode) -> UInt16Response {
        try bmc.sdr.checkReservation(request.reservation)
        let now = bmc.sel.time
        // Pieces before the last change nothing durable: only the last one is saved.
        let id = try bmc.changeSDR(saving: request.isLast) { sdr throws(CompletionCode) in
            try sdr.partialAdd(recordID: request.recordID, offset: request.offset, data: request.data,
                               isLast: request.isLast, now: now)
        }
        return UInt16Response(value: id)
    }

    static func deleteSDR(_ bmc: BMC, _ request: ReservedRecordRequest, _: RequestContext) throws(CompletionCode) -> UInt16Response {
        try bmc.sdr.checkReservation(request.reservation)
        let now = bmc.sel.time
        return UInt16Response(value: try bmc.changeSDR { sdr throws(CompletionCode) in try sdr.delete(request.recordID, now: now) })
    }

    static func clearSDRRepository(_ bmc: BMC, _ request: ClearRepositoryRequest, _: RequestContext) throws(CompletionCode) -> ClearRepositoryResponse {
        if request.action == .initiateErase {
            try bmc.sdr.checkReservation(request.reservation)
            let now = bmc.sel.time
            try bmc.changeSDR { $0.clear(now: now) }
        }
        // Asking for the status needs no reservation: the erasure asked about cancelled it.
        return ClearRepositoryResponse()
    }

    static func enterSDRUpdateMode(_ bmc: BMC, _: EmptyRequest, _: RequestContext) -> EmptyResponse {
        bmc.sdr.isInUpdateMode = true
        return EmptyResponse()
    }

    static func exitSDRUpdateMode(_ bmc: BMC, _: EmptyRequest, _: RequestContext) -> EmptyResponse {
        bmc.sdr.isInUpdateMode = false
        return EmptyResponse()
    }
}

public struct GetSDRRepositoryInfoResponse: CommandResponse {
    public var recordCount: UInt16
    public var freeBytes: UInt16
    public var lastAddition: UInt32
    public var lastErase: UInt32

    public func write(to buffer: inout ByteBuffer) {
        buffer.writeInteger(SDRRecord.version)
        buffer.writeInteger(recordCount, endianness: .little)
        buffer.writeInteger(freeBytes, endianness: .little)
        buffer.writeInteger(lastAddition, endianness: .little)
        buffer.writeInteger(lastErase, endianness: .little)
        // Modal and non-modal updates; delete, partial add, reserve and allocation info supported.
        buffer.writeInteger(UInt8(0x60 | 0x08 | 0x04 | 0x02 | 0x01))
    }
}

/// All the request's data bytes (Add SDR's record, a timestamp).
public struct RemainingBytesRequest: CommandRequest {
    public var bytes: [UInt8]
    public init(from reader: inout RequestReader) throws(CompletionCode) {
        bytes = try reader.bytes(reader.remaining)
    }
}

extension BMC {
    /// Get SDR and Get Device SDR: a record, or part of one, and the ID of the next.
    func readSDR(_ request: GetRecordRequest) throws(CompletionCode) -> GetSDRResponse {
        // A partial read needs the reservation, so the record cannot change between pieces.
        if request.offset != 0 { try sdr.checkReservation(request.reservation) }
        guard let index = sdr.index(of: request.recordID) else { throw .notPresent }
        let bytes = recordBytes(sdr.entries[index])
        guard request.offset <= bytes.count else { throw .parameterOutOfRange }
        let end = request.count.map { min(bytes.count, request.offset + $0) } ?? bytes.count
        return GetSDRResponse(nextRecordID: sdr.nextID(after: index), data: bytes[request.offset..<end])
    }
}

extension BMC {
    /// Changes the SDR repository through the one save-then-apply rule: on a copy, whose
    /// client changes are saved before the copy becomes the repository.
    func changeSDR<Outcome>(saving: Bool = true,
                            _ change: (inout SDRRepository) throws(CompletionCode) -> Outcome) throws(CompletionCode) -> Outcome {
        try saveThenApply(\.sdr, as: BMC.sdrFile, saving: { saving ? $0.changes : nil }, change)
    }
}
