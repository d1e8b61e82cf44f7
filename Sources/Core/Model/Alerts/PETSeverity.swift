/// The PET severity byte (PET v1.0 table 3; the same codes as the PEF filter's severity).
public enum PETSeverity: UInt8, Sendable {
    case unspecified = 0x00
    case monitor = 0x01
    case information = 0x02
    case ok = 0x04
    case nonCritical = 0x08
    case critical = 0x10
    case nonRecoverable = 0x20
}
