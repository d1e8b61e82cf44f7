import NIOCore

/// The Chassis network function (netfn 0x00): power control, identify, the restore policy,
/// boot options and power-on hours. Privileges per IPMI 2.0 appendix G.
public enum ChassisCommands {
    public static let table: [CommandSpec] = [
        CommandSpec(0x00, "Get Chassis Capabilities", .user, getCapabilities),
        CommandSpec(0x01, "Get Chassis Status", .user, getStatus),
        CommandSpec(0x02, "Chassis Control", .operator, deferring: control),
        CommandSpec(0x04, "Chassis Identify", .operator, deferring: identify),
        CommandSpec(0x05, "Set Chassis Capabilities", .administrator, setCapabilities),
        CommandSpec(0x06, "Set Power Restore Policy", .operator, setPowerRestorePolicy),
        CommandSpec(0x07, "Get System Restart Cause", .user, getSystemRestartCause),
        CommandSpec(0x08, "Set System Boot Options", .operator, deferring: setSystemBootOptions),
        CommandSpec(0x09, "Get System Boot Options", .operator, getSystemBootOptions),
        CommandSpec(0x0A, "Set Front Panel Enables", .administrator, setFrontPanelEnables),
        CommandSpec(0x0B, "Set Power Cycle Interval", .administrator, setPowerCycleInterval),
        CommandSpec(0x0F, "Get POH Counter", .user, getPOHCounter),
    ]

    // MARK: Status and capabilities

    static func getCapabilities(_ bmc: BMC, _: EmptyRequest, _: RequestContext) -> GetChassisCapabilitiesResponse {
        GetChassisCapabilitiesResponse(capabilities: bmc.chassisSettings.capabilities)
    }

    static func setCapabilities(_ bmc: BMC, _ request: SetChassisCapabilitiesRequest,
                                _: RequestContext) throws(CompletionCode) -> EmptyResponse {
        try bmc.saveThenApply(\.chassisSettings, as: BMC.chassisFile) { $0.capabilities = request.capabilities }
        return EmptyResponse()
    }

    static func getStatus(_ bmc: BMC, _: EmptyRequest, _: RequestContext) -> GetChassisStatusResponse {
        GetChassisStatusResponse(
            isPoweredOn: bmc.chassis.isPoweredOn, restorePolicy: bmc.chassisSettings.restorePolicy,
            lastPowerEvent: bmc.chassis.lastPowerEvent, identify: bmc.chassis.identify,
            frontPanelDisables: bmc.chassisSettings.frontPanelDisables)
    }

    static func setFrontPanelEnables(_ bmc: BMC, _ request: SetFrontPanelEnablesRequest,
                                     _: RequestContext) throws(CompletionCode) -> EmptyResponse {
        try bmc.saveThenApply(\.chassisSettings, as: BMC.chassisFile) { $0.frontPanelDisables = request.disables }
        return EmptyResponse()
    }

    static func getSystemRestartCause(_ bmc: BMC, _: EmptyRequest, _: RequestContext) -> GetSystemRestartCauseResponse {
        GetSystemRestartCauseResponse(cause: bmc.chassis.restartCause, channel: bmc.chassis.restartChannel)
    }

    static func getPOHCounter(_ bmc: BMC, _: EmptyRequest, _: RequestContext) -> GetPOHCounterResponse {
        GetPOHCounterResponse(minutes: bmc.chassisSettings.powerOnMinutes)
    }

    // MARK: Power

    static func control(_ bmc: BMC, _ request: ChassisControlRequest, _ context: RequestContext,
                        _ reply: Reply<EmptyResponse>) {
        bmc.controlChassis(request.action, cause: .chassisControl, channel: bmc.configuration.channel.number,
                           reason: "Chassis Control from \(context.remote)") { reply($0) }
    }

    static func setPowerRestorePolicy(_ bmc: BMC, _ request: SetPowerRestorePolicyRequest,
                                      _: RequestContext) throws(CompletionCode) -> SetPowerRestorePolicyResponse {
        if let policy = request.policy {
            try bmc.saveThenApply(\.chassisSettings, as: BMC.chassisFile) { $0.restorePolicy = policy }
        }
        return SetPowerRestorePolicyResponse()
    }

    static func setPowerCycleInterval(_ bmc: BMC, _ request: SetPowerCycleIntervalRequest,
                                      _: RequestContext) throws(CompletionCode) -> EmptyResponse {
        try bmc.saveThenApply(\.chassisSettings, as: BMC.chassisFile) { $0.powerCycleInterval = request.seconds }
        return EmptyResponse()
    }

    static func identify(_ bmc: BMC, _ request: ChassisIdentifyRequest, _: RequestContext,
                         _ reply: Reply<EmptyResponse>) {
        bmc.identify(interval: request.interval, force: request.force) { reply($0) }
    }

    // MARK: Boot options

    static func setSystemBootOptions(_ bmc: BMC, _ request: SetSystemBootOptionsRequest, _ context: RequestContext,
                                     _ reply: Reply<EmptyResponse>) throws(CompletionCode) {
        let data = request.data
        func expect(_ count: Int) throws(CompletionCode) {
            guard data.count == count else { throw .requestDataLengthInvalid }
        }
        switch request.parameter {
        case 0:
            try expect(1)
            let value = data[0]
            guard value <= 2 else { throw .invalidDataField }
            // 81h: "set in progress" while not in "set complete". Changes apply at once, so a commit completes.
            if value == 1 && bmc.chassis.boot.setInProgress == 1 { throw CompletionCode(0x81) }
            bmc.chassis.boot.setInProgress = value == 1 ? 1 : 0
        case 1:
            try expect(1)
            try bmc.saveThenApply(\.chassisSettings, as: BMC.chassisFile) { $0.boot.servicePartitionSelector = data[0] }
        case 2:
            try expect(1)
            guard data[0] & 0xFC == 0 else { throw .invalidDataField }
            try bmc.saveThenApply(\.chassisSettings, as: BMC.chassisFile) { $0.boot.servicePartitionScan = data[0] }
        case 3:
            try expect(1)
            guard data[0] & 0xE0 == 0 else { throw .invalidDataField }
            try bmc.saveThenApply(\.chassisSettings, as: BMC.chassisFile) { $0.boot.validBitClearing = data[0] }
            bmc.restartBootFlagTimer()
        case 4:
            try expect(2)
            let mask = data[0]
            bmc.chassis.boot.acknowledge = bmc.chassis.boot.acknowledge & ~mask | data[1] & mask
        case 5:
            try expect(5)
            return try setBootFlags(bmc, BootFlags(bytes: data), marksInvalid: request.marksInvalid, reply)
        case 6:
            try expect(9)
            bmc.chassis.boot.initiatorInfo = data
        case 7:
            guard data.count >= 2, data.count <= 17 else { throw .requestDataLengthInvalid }
            let block = Int(data[0])
            guard block < VolatileBootOptions.mailboxBlocks else { throw .parameterOutOfRange }
            bmc.chassis.boot.mailbox.replaceSubrange(block * 16 ..< block * 16 + data.count - 1, with: data[1...])
        default:
            throw CompletionCode(0x80) // parameter not supported
        }
        markLocked(bmc, parameter: request.parameter, request.marksInvalid)
        reply(.success(EmptyResponse()))
    }

    /// Boot flags tell the platform the device for the next (or every) boot first; they are
    /// reported, and kept if persistent, once it has. Clearing valid flags tells it "none".
    private static func setBootFlags(_ bmc: BMC, _ flags: BootFlags, marksInvalid: Bool,
                                     _ reply: Reply<EmptyResponse>) throws(CompletionCode) {
        guard BootFlags.isDefined(flags.deviceSelector) else { throw .invalidDataField }
        let store = { () throws(CompletionCode) in
            try bmc.saveThenApply(\.chassisSettings, as: BMC.chassisFile) {
                $0.boot.flags = flags.isPersistent && flags.isValid ? flags : nil
            }
            bmc.chassis.boot.flags = flags
            markLocked(bmc, parameter: 5, marksInvalid)
            bmc.restartBootFlagTimer()
        }
        let device = flags.isValid ? flags.deviceSelector : 0
        let action = PlatformAction.setBootDevice(selector: device, persistent: flags.isPersistent)
        // No override, and either none was in force or no platform could have set one: nothing to undo.
        guard device != 0 || bmc.bootFlags.isValid && bmc.bootFlags.deviceSelector != 0 && bmc.platform?.supports(action) == true else {
            return reply(Result { () throws(CompletionCode) in try store(); return EmptyResponse() })
        }
        bmc.perform(action, reason: "Set System Boot Options") { outcome in
            guard outcome == .done else { return reply(outcome) }
            reply(Result { () throws(CompletionCode) in try store(); return EmptyResponse() })
        }
    }

    /// Bit 7 of Set System Boot Options' first byte: the parameter reads back invalid/locked.
    private static func markLocked(_ bmc: BMC, parameter: UInt8, _ marksInvalid: Bool) {
        let bit: UInt8 = 1 << parameter
        bmc.chassis.boot.lockedParameters = marksInvalid ? bmc.chassis.boot.lockedParameters | bit
            : bmc.chassis.boot.lockedParameters & ~bit
    }

    static func getSystemBootOptions(_ bmc: BMC, _ request: GetSystemBootOptionsRequest,
                                     _: RequestContext) throws(CompletionCode) -> GetSystemBootOptionsResponse {
        let boot = bmc.chassis.boot
        let saved = bmc.chassisSettings.boot
        let data: [UInt8]
        switch request.parameter {
        case 0: data = [boot.setInProgress]
        case 1: data = [saved.servicePartitionSelector]
        case 2: data = [saved.servicePartitionScan]
        case 3: data = [saved.validBitClearing]
        case 4: data = [0x00, boot.acknowledge]
        case 5: data = bmc.bootFlags.bytes
        case 6: data = boot.initiatorInfo
        case 7:
            let block = Int(request.setSelector)
            guard block < VolatileBootOptions.mailboxBlocks else { throw .parameterOutOfRange }
            data = [request.setSelector] + boot.mailbox[block * 16 ..< block * 16 + 16]
        default:
            throw CompletionCode(0x80) // parameter not supported
        }
        return GetSystemBootOptionsResponse(parameter: request.parameter,
                                            isLocked: boot.lockedParameters & 1 << request.parameter != 0, data: data)
    }
}
