import CNetSNMP

/// The net-snmp library the alert sender runs on. Isolated before first use so that it
/// reads no system snmp config or MIB files and writes nothing outside the state directory.
public enum SNMPLibrary {
    public static var version: String { String(cString: ipmigod_snmp_version()) }

    public static func isolate(persistentDirectory: String) {
        ipmigod_snmp_isolate(persistentDirectory)
    }
}
