/// RMCP+ and RAKP message status codes (IPMI 2.0 table 13-15).
public enum RMCPPlusStatus: UInt8, Sendable, Error {
    case ok = 0x00
    case insufficientResources = 0x01
    case invalidSessionID = 0x02
    case invalidPayloadType = 0x03
    case invalidAuthenticationAlgorithm = 0x04
    case invalidIntegrityAlgorithm = 0x05
    case noMatchingAuthenticationPayload = 0x06
    case noMatchingIntegrityPayload = 0x07
    case inactiveSessionID = 0x08
    case invalidRole = 0x09
    case unauthorizedRole = 0x0A
    case insufficientResourcesForRole = 0x0B
    case invalidNameLength = 0x0C
    case unauthorizedName = 0x0D
    case unauthorizedGUID = 0x0E
    case invalidIntegrityCheckValue = 0x0F
    case invalidConfidentialityAlgorithm = 0x10
    case noCipherSuiteMatch = 0x11
    case illegalParameter = 0x12
}
