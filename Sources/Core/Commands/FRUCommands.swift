extension StorageCommands {
    /// FRU inventory device commands (IPMI 2.0 section 34); privileges from appendix G.
    static let fruCommands: [CommandSpec] = [
        CommandSpec(0x10, "Get FRU Inventory Area Info", .user, getFRUInventoryAreaInfo),
        CommandSpec(0x11, "Read FRU Data", .user, readFRUData),
        CommandSpec(0x12, "Write FRU Data", .operator, writeFRUData),
    ]

    static func getFRUInventoryAreaInfo(
        _ bmc: BMC, _ request: FRUDeviceRequest, _: RequestContext
    ) throws(CompletionCode) -> FRUInventoryAreaInfoResponse {
        let fru = try bmc.fruDevice(request.deviceID)
        return FRUInventoryAreaInfoResponse(size: UInt16(fru.size))
    }

    static func readFRUData(_ bmc: BMC, _ request: ReadFRUDataRequest, _: RequestContext) throws(CompletionCode) -> ReadFRUDataResponse {
        let fru = try bmc.fruDevice(request.deviceID)
        // A read running past the end returns what there is, as the response's count allows;
        // one starting past the end has nothing to return.
        let count = min(Int(request.count), ReadFRUDataResponse.maximumCount)
        guard let data = fru.read(at: Int(request.offset), count: count) else { throw .parameterOutOfRange }
        return ReadFRUDataResponse(data: data)
    }

    static func writeFRUData(_ bmc: BMC, _ request: WriteFRUDataRequest, _: RequestContext) throws(CompletionCode) -> WriteFRUDataResponse {
        let fru = try bmc.fruDevice(request.deviceID)
        do throws(FRUInventory.WriteError) {
            try fru.write(request.data, at: Int(request.offset))
        } catch {
            switch error {
            case .outOfRange:
                throw .parameterOutOfRange
            case .notSaved(let failure):
                bmc.logger.error("cannot save the FRU inventory: \(failure)")
                throw .unspecified
            }
        }
        return WriteFRUDataResponse(countWritten: UInt8(request.data.count))
    }
}

extension BMC {
    /// The FRU device a request names: only device 0 exists (0xCB for any other).
    func fruDevice(_ id: UInt8) throws(CompletionCode) -> FRUInventory {
        guard id == FRUInventory.deviceID else { throw .notPresent }
        return fru
    }
}
