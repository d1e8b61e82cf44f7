/// An IPMI completion code (IPMI 2.0 table 5-2). Handlers throw one to fail a request.
public struct CompletionCode: Error, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt8
    public init(_ rawValue: UInt8) { self.rawValue = rawValue }

    public static let ok = CompletionCode(0x00)
    public static let nodeBusy = CompletionCode(0xC0)
    public static let invalidCommand = CompletionCode(0xC1)
    public static let invalidCommandForLUN = CompletionCode(0xC2)
    public static let timeout = CompletionCode(0xC3)
    public static let outOfSpace = CompletionCode(0xC4)
    public static let reservationCanceled = CompletionCode(0xC5)
    public static let requestDataTruncated = CompletionCode(0xC6)
    public static let requestDataLengthInvalid = CompletionCode(0xC7)
    public static let requestDataFieldLengthLimitExceeded = CompletionCode(0xC8)
    public static let parameterOutOfRange = CompletionCode(0xC9)
    public static let cannotReturnRequestedBytes = CompletionCode(0xCA)
    public static let notPresent = CompletionCode(0xCB)
    public static let invalidDataField = CompletionCode(0xCC)
    public static let illegalForSensorOrRecordType = CompletionCode(0xCD)
    public static let cannotProvideResponse = CompletionCode(0xCE)
    public static let duplicateRequest = CompletionCode(0xCF)
    public static let sdrRepositoryInUpdateMode = CompletionCode(0xD0)
    public static let firmwareUpdateMode = CompletionCode(0xD1)
    public static let initializationInProgress = CompletionCode(0xD2)
    public static let destinationUnavailable = CompletionCode(0xD3)
    public static let insufficientPrivilege = CompletionCode(0xD4)
    public static let notSupportedInPresentState = CompletionCode(0xD5)
    public static let subFunctionDisabled = CompletionCode(0xD6)
    public static let unspecified = CompletionCode(0xFF)

    public var description: String {
        "0x" + String(rawValue, radix: 16, uppercase: true)
    }
}
