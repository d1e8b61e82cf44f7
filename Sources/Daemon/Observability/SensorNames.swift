import IPMICore

/// Names for sensor types and units as freeipmi prints them (IPMI 2.0 tables 42-3 and 43-15):
/// the exporter's `type` label, and the status page's units.
enum SensorNames {
    static func type(_ code: UInt8) -> String {
        let names = [
            "Reserved", "Temperature", "Voltage", "Current", "Fan", "Physical Security", "Platform Security Violation Attempt",
            "Processor", "Power Supply", "Power Unit", "Cooling Device", "Other Units Based Sensor", "Memory", "Drive Slot",
            "POST Memory Resize", "System Firmware Progress", "Event Logging Disabled", "Watchdog 1", "System Event",
            "Critical Interrupt", "Button/Switch", "Module/Board", "Microcontroller/Coprocessor", "Add In Card", "Chassis",
            "Chip Set", "Other FRU", "Cable/Interconnect", "Terminator", "System Boot Initiated", "Boot Error", "OS Boot",
            "OS Critical Stop", "Slot/Connector", "System ACPI Power State", "Watchdog 2", "Platform Alert", "Entity Presence",
            "Monitor ASIC/IC", "LAN", "Management Subsystem Health", "Battery", "Session Audit", "Version Change", "FRU State",
        ]
        if Int(code) < names.count { return names[Int(code)] }
        return code >= 0xC0 ? "OEM Reserved" : "Unknown"
    }

    /// The unit as ipmitool and freeipmi abbreviate the common ones.
    static func unit(_ code: UInt8) -> String {
        switch code {
        case 1: "C"
        case 2: "F"
        case 3: "K"
        case 4: "V"
        case 5: "A"
        case 6: "W"
        case 7: "J"
        case 18: "RPM"
        case 19: "Hz"
        default: ""
        }
    }
}
