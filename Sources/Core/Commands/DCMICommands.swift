/// DCMI 1.5 on the Group Extension netfn (2Ch, group DCh): what management stacks use to name
/// a BMC and scrape its power. Privileges as DCMI 1.5 table 6-1 (reads at User, writes at
/// Administrator).
public enum DCMICommands {
    public static let table: [CommandSpec] = [
        CommandSpec(0x01, "Get DCMI Capabilities Info", .user, getCapabilities),
        CommandSpec(0x02, "Get Power Reading", .user, getPowerReading),
        CommandSpec(0x09, "Get Management Controller Identifier String", .user, getIdentifierString),
        CommandSpec(0x0A, "Set Management Controller Identifier String", .administrator, setIdentifierString),
    ]

    /// At most 16 bytes of a string per request.
    static let maximumTransfer: UInt8 = 16
    /// DCMI 1.5 (major, minor), and the capability parameters' revision.
    static let conformance: [UInt8] = [0x01, 0x05, 0x02]
    /// Get Power Reading's modes: system power statistics; enhanced (rolling averages).
    static let systemPowerStatistics: UInt8 = 1

    static func getCapabilities(_ bmc: BMC, _ request: GetDCMICapabilitiesRequest, _: RequestContext) throws(CompletionCode) -> DCMIResponse {
        let data: [UInt8]
        switch request.parameter {
        case 1:
            // Supported capabilities: byte 1 reserved (revision 2); power management (Get
            // Power Reading); byte 3's access bits are reserved in revision 2 too.
            data = [0x00, 0x01, 0x00]
        case 2:
            // Mandatory platform attributes: SEL size and rollover, two reserved bytes, and
            // no temperature sampling (ipmigod has no DCMI temperature commands).
            let entries = UInt16(bmc.configuration.sel.capacity & 0x0FFF)
                | (bmc.configuration.sel.overwritesWhenFull ? 0x8000 : 0)
            data = [UInt8(truncatingIfNeeded: entries), UInt8(truncatingIfNeeded: entries >> 8), 0, 0, 0]
        case 3:
            // Optional platform attributes: power is managed by the BMC itself (20h), channel 0.
            data = [0x40, 0x00]
        case 4:
            // Manageability access: the LAN channel; no secondary LAN, no serial.
            data = [bmc.configuration.channel.number, 0xFF, 0xFF]
        case 5:
            data = [0] // no rolling-average time periods: enhanced statistics are not offered
        default:
            throw .invalidDataField
        }
        return DCMIResponse(conformance + data)
    }

    static func getPowerReading(_ bmc: BMC, _ request: GetPowerReadingRequest, _ context: RequestContext) throws(CompletionCode) -> PowerReadingResponse {
        guard request.mode == systemPowerStatistics else { throw .invalidDataField } // enhanced: no time periods
        let statistics = bmc.powerStatistics
        func watts(_ value: Double?) -> UInt16 { UInt16(clamping: Int((value ?? 0).rounded())) }
        return PowerReadingResponse(
            current: watts(statistics.current), minimum: watts(statistics.count > 0 ? statistics.minimum : nil),
            maximum: watts(statistics.count > 0 ? statistics.maximum : nil), average: watts(statistics.average),
            timestamp: bmc.sel.time,
            periodMilliseconds: statistics.periodMilliseconds(now: context.now.uptimeNanoseconds),
            isActive: statistics.current != nil)
    }

    static func getIdentifierString(_ bmc: BMC, _ request: GetIdentifierStringRequest, _: RequestContext) -> DCMIResponse {
        let string = bmc.settings.managementControllerID.bytes
        let start = min(Int(request.offset), string.count)
        let present = Array(string[start..<min(start + Int(request.count), string.count)])
        return DCMIResponse([UInt8(string.count)] + present + [UInt8](repeating: 0, count: Int(request.count) - present.count))
    }

    /// Writes at an offset; a NUL in the data ends the string there, so ipmitool's chunked
    /// write (the last chunk carries the NUL) sets exactly the string it was given. Answers the
    /// string's length after the write.
    static func setIdentifierString(_ bmc: BMC, _ request: SetIdentifierStringRequest, _: RequestContext) throws(CompletionCode) -> DCMIResponse {
        try bmc.saveThenApply(\.settings.managementControllerID, as: ManagementControllerIdentifier.stateFile) { identifier in
            identifier.write(request.bytes, at: Int(request.offset))
        }
        return DCMIResponse([UInt8(bmc.settings.managementControllerID.bytes.count)])
    }
}
