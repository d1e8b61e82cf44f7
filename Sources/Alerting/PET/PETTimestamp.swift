/// PET counts local time in seconds from 1998-01-01 00:00, IPMI's SEL from 1970-01-01.
public enum PETTimestamp {
    /// Seconds from 1970-01-01 to 1998-01-01 (28 years, 7 of them leap).
    public static let epochOffset: UInt32 = 883_612_800
    /// 0 means "unspecified" in the PET.
    public static let unspecified: UInt32 = 0
    /// 0xFFFF means "UTC offset unspecified".
    public static let unspecifiedUTCOffset: Int16 = -1

    /// The PET timestamp for a SEL timestamp. SEL times before 1998 are the BMC's
    /// "seconds since initialization" (IPMI 2.0 section 37.1), not dates: unspecified.
    public static func fromSEL(_ selSeconds: UInt32) -> UInt32 {
        selSeconds > epochOffset ? selSeconds - epochOffset : unspecified
    }
}
