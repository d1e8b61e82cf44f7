/// PEF configuration parameters (IPMI 2.0 section 30.3, table 30-6) as bytes on the wire.
extension PEFEngine {
    public enum Parameter: UInt8 {
        case setInProgress = 0, control = 1, actionControl = 2, startupDelay = 3, alertStartupDelay = 4
        case filterCount = 5, filter = 6, filterData1 = 7, policyCount = 8, policy = 9, systemGUID = 10
        case alertStringCount = 11, alertStringKeys = 12, alertStrings = 13
    }

    /// The parameter revision in every Get response.
    public static let parameterRevision: UInt8 = 0x11

    /// The data of a parameter after the revision byte. Selectors name table entries
    /// (1-based for filters and policies, 0-based for alert strings).
    public func parameter(_ id: UInt8, set: UInt8, block: UInt8) throws(CompletionCode) -> [UInt8] {
        guard let parameter = Parameter(rawValue: id) else { throw PEFEngine.parameterNotSupported }
        switch parameter {
        case .setInProgress: return [setInProgress]
        case .control: return [tables.control]
        case .actionControl: return [tables.actionControl]
        case .startupDelay: return [tables.startupDelay]
        case .alertStartupDelay: return [tables.alertStartupDelay]
        case .filterCount: return [UInt8(PEFTables.filterCount)]
        case .filter:
            let index = try filterIndex(set)
            return [set] + tables.filters[index].bytes
        case .filterData1:
            let index = try filterIndex(set)
            return [set, tables.filters[index].configuration]
        case .policyCount: return [UInt8(PEFTables.policyCount)]
        case .policy:
            let index = try policyIndex(set)
            return [set] + tables.policies[index].bytes
        case .systemGUID: return [tables.guidControl] + tables.guid
        case .alertStringCount: return [UInt8(PEFTables.alertStringCount)]
        case .alertStringKeys:
            let index = try stringIndex(set)
            return [set] + tables.stringKeys[index]
        case .alertStrings:
            let index = try stringIndex(set)
            guard (1...PEFTables.alertStringBlocks).contains(Int(block)) else { throw .parameterOutOfRange }
            let start = (Int(block) - 1) * PEFTables.blockSize
            let text = tables.strings[index]
            let slice = text.indices.contains(start) ? Array(text[start..<min(text.count, start + PEFTables.blockSize)]) : []
            return [set, block] + slice + [UInt8](repeating: 0, count: PEFTables.blockSize - slice.count)
        }
    }

    /// Sets a parameter from the request data after the parameter selector byte.
    public func setParameter(_ id: UInt8, data: [UInt8]) throws(CompletionCode) {
        guard let parameter = Parameter(rawValue: id) else { throw PEFEngine.parameterNotSupported }
        switch parameter {
        case .setInProgress:
            try expect(data, count: 1)
            switch data[0] & 0x03 {
            case 0: setInProgress = 0
            case 1:
                guard setInProgress == 0 else { throw PEFEngine.setInProgressAlready }
                setInProgress = 1
            case 2: setInProgress = 0 // commit write: every set is committed as it is made
            default: throw .invalidDataField
            }
        case .control:
            try expect(data, count: 1)
            try change { $0.control = data[0] & 0x0F }
        case .actionControl:
            try expect(data, count: 1)
            try change { $0.actionControl = data[0] & 0x3F }
        case .startupDelay:
            try expect(data, count: 1)
            try change { $0.startupDelay = data[0] }
        case .alertStartupDelay:
            try expect(data, count: 1)
            try change { $0.alertStartupDelay = data[0] }
        case .filterCount, .policyCount, .alertStringCount:
            throw PEFEngine.writeToReadOnlyParameter
        case .filter:
            try expect(data, count: 1 + EventFilter.size)
            let index = try filterIndex(data[0])
            try change { $0.filters[index] = EventFilter(bytes: Array(data.dropFirst())) }
        case .filterData1:
            try expect(data, count: 2)
            let index = try filterIndex(data[0])
            try change { $0.filters[index].configuration = data[1] }
        case .policy:
            try expect(data, count: 4)
            let index = try policyIndex(data[0])
            try change { $0.policies[index] = AlertPolicyEntry(bytes: Array(data.dropFirst())) }
        case .systemGUID:
            try expect(data, count: 17)
            try change {
                $0.guidControl = data[0] & 0x01
                $0.guid = Array(data.dropFirst())
            }
        case .alertStringKeys:
            try expect(data, count: 3)
            let index = try stringIndex(data[0])
            try change { $0.stringKeys[index] = [data[1] & 0x7F, data[2] & 0x7F] }
        case .alertStrings:
            // Set selector, block selector, then up to 16 bytes of the block.
            guard data.count >= 3, data.count <= 2 + PEFTables.blockSize else { throw .requestDataLengthInvalid }
            let index = try stringIndex(data[0])
            guard (1...PEFTables.alertStringBlocks).contains(Int(data[1])) else { throw .parameterOutOfRange }
            let start = (Int(data[1]) - 1) * PEFTables.blockSize
            try change { tables in
                var text = tables.strings[index]
                if text.count < start + PEFTables.blockSize {
                    text += [UInt8](repeating: 0, count: start + PEFTables.blockSize - text.count)
                }
                let block = Array(data.dropFirst(2))
                text.replaceSubrange(start..<start + PEFTables.blockSize,
                                     with: block + [UInt8](repeating: 0, count: PEFTables.blockSize - block.count))
                // Keep up to the last non-NUL byte: the string ends at its first NUL anyway.
                while text.last == 0 { text.removeLast() }
                tables.strings[index] = text
            }
        }
    }

    /// Set Last Processed Event ID (the software one is kept across restarts).
    func setLastProcessed(bmc isBMC: Bool, recordID: UInt16) throws(CompletionCode) {
        if isBMC {
            lastBMCProcessedID = recordID
        } else {
            try change { $0.lastSoftwareProcessedID = recordID }
        }
    }

    private func expect(_ data: [UInt8], count: Int) throws(CompletionCode) {
        guard data.count == count else { throw .requestDataLengthInvalid }
    }

    private func filterIndex(_ selector: UInt8) throws(CompletionCode) -> Int {
        let number = Int(selector & 0x7F)
        guard (1...PEFTables.filterCount).contains(number) else { throw .parameterOutOfRange }
        return number - 1
    }

    private func policyIndex(_ selector: UInt8) throws(CompletionCode) -> Int {
        let number = Int(selector & 0x7F)
        guard (1...PEFTables.policyCount).contains(number) else { throw .parameterOutOfRange }
        return number - 1
    }

    private func stringIndex(_ selector: UInt8) throws(CompletionCode) -> Int {
        let number = Int(selector & 0x7F)
        guard number <= PEFTables.alertStringCount else { throw .parameterOutOfRange }
        return number
    }
}

extension PEFEngine {
    /// Completion codes of the configuration-parameter commands (IPMI 2.0 section 30.3).
    static let parameterNotSupported = CompletionCode(0x80)
    static let setInProgressAlready = CompletionCode(0x81)
    static let writeToReadOnlyParameter = CompletionCode(0x82)
}
