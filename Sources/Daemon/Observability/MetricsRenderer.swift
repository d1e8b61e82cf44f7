import IPMICore

/// `/metrics`: the sensor, SEL, chassis and BMC-info metrics under the Prometheus IPMI
/// exporter's names, labels and state values (so its dashboards read them unchanged), and the
/// BMC's own `ipmigod_*` metrics.
///
/// Rendered straight from the published snapshots rather than through swift-metrics and
/// swift-prometheus: every value here already lives in the snapshot, and a scrape must show
/// one consistent moment of each BMC. A metrics registry would need the BMC's loop to push
/// every change into locked shared objects (the request path included), would keep series
/// of sensors and members that are gone, and cannot write the exporter's HELP texts or drop
/// a family when a collector has nothing (as `ipmi_chassis_power_state` must be).
enum MetricsRenderer {
    /// The exporter's metric for a sensor unit; others are `ipmi_sensor_*` with a `type` label.
    private static let sensorFamilies: [(unit: UInt8, value: String, help: String, state: String, what: String)] = [
        (1, "ipmi_temperature_celsius", "Temperature reading in degree Celsius.", "ipmi_temperature_state", "temperature"),
        (18, "ipmi_fan_speed_rpm", "Fan speed in rotations per minute.", "ipmi_fan_speed_state", "fan speed"),
        (4, "ipmi_voltage_volts", "Voltage reading in Volts.", "ipmi_voltage_state", "voltage"),
        (5, "ipmi_current_amperes", "Current reading in Amperes.", "ipmi_current_state", "current"),
        (6, "ipmi_power_watts", "Power reading in Watts.", "ipmi_power_state", "power"),
    ]

    static func render(_ members: [MemberSnapshot]) -> String {
        var out = PrometheusText()
        func each(_ body: (MemberSnapshot, inout PrometheusText) -> Void) {
            for member in members {
                out.commonLabels = member.member.isEmpty ? [] : [("member", member.member)]
                body(member, &out)
            }
            out.commonLabels = []
        }

        out.family("ipmi_up", .gauge, "'1' if a scrape of the IPMI device was successful, '0' otherwise.")
        each { member, out in
            for collector in ["bmc", "ipmi", "sel"] { out.sample("ipmi_up", [("collector", collector)], 1) }
            if member.bmc.chassisPowerOn != nil { out.sample("ipmi_up", [("collector", "chassis")], 1) }
        }

        out.family("ipmi_bmc_info", .gauge, "Constant metric with value '1' providing details about the BMC.")
        each { member, out in
            out.sample("ipmi_bmc_info", [("firmware_revision", member.bmc.device.firmwareRevision),
                                         ("manufacturer_id", Manufacturers.name(member.bmc.device.manufacturerID)),
                                         ("system_firmware_version", member.bmc.device.systemFirmwareVersion)], 1)
        }

        if members.contains(where: { $0.bmc.chassisPowerOn != nil }) {
            out.family("ipmi_chassis_power_state", .gauge, "Current power state (1=on, 0=off).")
            each { member, out in
                if let on = member.bmc.chassisPowerOn { out.sample("ipmi_chassis_power_state", on ? 1 : 0) }
            }
        }

        out.family("ipmi_sel_logs_count", .gauge, "Current number of log entries in the SEL.")
        each { member, out in out.sample("ipmi_sel_logs_count", member.bmc.sel.entries) }
        out.family("ipmi_sel_free_space_bytes", .gauge, "Current free space remaining for new SEL entries.")
        each { member, out in out.sample("ipmi_sel_free_space_bytes", member.bmc.sel.freeBytes) }

        for family in sensorFamilies {
            out.family(family.value, .gauge, family.help)
            each { member, out in
                for sensor in member.bmc.sensors where sensor.isThreshold && sensor.unit == family.unit {
                    out.sample(family.value, labels(sensor), reading(sensor))
                }
            }
            out.family(family.state, .gauge, "Reported state of a \(family.what) sensor (0=nominal, 1=warning, 2=critical).")
            each { member, out in
                for sensor in member.bmc.sensors where sensor.isThreshold && sensor.unit == family.unit {
                    out.sample(family.state, labels(sensor), state(sensor))
                }
            }
        }
        let namedUnits = Set(sensorFamilies.map(\.unit))
        func isGeneric(_ sensor: BMCSnapshot.SensorStatus) -> Bool { !(sensor.isThreshold && namedUnits.contains(sensor.unit)) }
        out.family("ipmi_sensor_value", .gauge, "Generic data read from an IPMI sensor of unknown type, relying on labels for context.")
        each { member, out in
            for sensor in member.bmc.sensors where isGeneric(sensor) {
                out.sample("ipmi_sensor_value", labels(sensor, typed: true), reading(sensor))
            }
        }
        out.family("ipmi_sensor_state", .gauge, "Indicates the severity of the state reported by an IPMI sensor (0=nominal, 1=warning, 2=critical).")
        each { member, out in
            for sensor in member.bmc.sensors where isGeneric(sensor) {
                out.sample("ipmi_sensor_state", labels(sensor, typed: true), state(sensor))
            }
        }

        // The BMC's own.
        out.family("ipmigod_alerts_total", .counter,
                   "PET alerts by destination and outcome (sent, acknowledged, retried, failed, dropped from a full queue).")
        each { member, out in
            for destination in member.destinations {
                let c = destination.counters
                for (outcome, count) in [("sent", c.sent), ("acknowledged", c.acknowledged), ("retried", c.retried),
                                         ("failed", c.failed), ("dropped", c.dropped)] {
                    out.sample("ipmigod_alerts_total", [("destination", String(destination.selector)), ("outcome", outcome)], count)
                }
            }
        }
        out.family("ipmigod_alert_queue_depth", .gauge, "Alerts waiting to be sent, by destination.")
        each { member, out in
            for destination in member.destinations {
                out.sample("ipmigod_alert_queue_depth", [("destination", String(destination.selector))], destination.queueDepth)
            }
        }
        out.family("ipmigod_pet_sequence", .gauge, "The sequence number the next Platform Event Trap gets.")
        each { member, out in out.sample("ipmigod_pet_sequence", Int(member.petSequence)) }
        out.family("ipmigod_events_logged_total", .counter, "Events logged (SEL, then PEF) since the daemon started.")
        each { member, out in out.sample("ipmigod_events_logged_total", member.bmc.eventsLogged) }
        out.family("ipmigod_alerts_raised_total", .counter, "Alerts PEF raised since the daemon started.")
        each { member, out in out.sample("ipmigod_alerts_raised_total", member.bmc.alertsRaised) }
        out.family("ipmigod_sessions_active", .gauge, "Active IPMI sessions.")
        each { member, out in out.sample("ipmigod_sessions_active", member.bmc.sessionsActive) }
        out.family("ipmigod_sessions_capacity", .gauge, "The most IPMI sessions that may be active at once.")
        each { member, out in out.sample("ipmigod_sessions_capacity", member.bmc.sessionCapacity) }
        out.family("ipmigod_sessions_refused_total", .counter, "Session setups refused (no free slot, unknown user, wrong role, failed RAKP).")
        each { member, out in out.sample("ipmigod_sessions_refused_total", member.bmc.drops["session refused"] ?? 0) }
        out.family("ipmigod_authentication_failures_total", .counter,
                   "Failed logins by user: wrong password (also a setup abandoned after RAKP 2) or unknown name (user=\"\").")
        each { member, out in
            for (id, count) in member.bmc.counters.authenticationFailures.enumerated() where count > 0 {
                out.sample("ipmigod_authentication_failures_total", [("user", userLabel(id, member))], count)
            }
        }
        out.family("ipmigod_lockouts_total", .counter, "Users locked out after repeated login failures, by user.")
        each { member, out in
            for (id, count) in member.bmc.counters.lockouts.enumerated() where count > 0 {
                out.sample("ipmigod_lockouts_total", [("user", userLabel(id, member))], count)
            }
        }
        out.family("ipmigod_requests_total", .counter, "IPMI requests answered, by netfn, command and completion code.")
        each { member, out in
            for entry in member.bmc.counters.requests.all {
                out.sample("ipmigod_requests_total", [("netfn", hex(entry.netFn)), ("command", hex(entry.command)),
                                                      ("completion_code", hex(entry.completionCode))], Double(entry.count))
            }
        }
        out.family("ipmigod_packets_dropped_total", .counter, "Packets dropped without an answer, by reason (malformed ones among them).")
        each { member, out in
            for (reason, count) in member.bmc.drops.sorted(by: { $0.key < $1.key }) {
                out.sample("ipmigod_packets_dropped_total", [("reason", reason)], count)
            }
        }
        out.family("ipmigod_hook_runs_total", .counter, "Platform hooks run, by hook.")
        each { member, out in
            for (hook, count) in member.bmc.counters.hookRuns.sorted(by: { $0.key < $1.key }) {
                out.sample("ipmigod_hook_runs_total", [("hook", hook)], count)
            }
        }
        out.family("ipmigod_hook_failures_total", .counter, "Platform hooks that failed, by hook.")
        each { member, out in
            for (hook, count) in member.bmc.counters.hookFailures.sorted(by: { $0.key < $1.key }) {
                out.sample("ipmigod_hook_failures_total", [("hook", hook)], count)
            }
        }
        if members.contains(where: { !$0.bmc.lineCardLinks.isEmpty }) {
            out.family("ipmigod_line_card_link_up", .gauge, "A management module's link to the line card in each slot: 1 up, 0 down or never seen.")
            each { member, out in
                for (slot, up) in member.bmc.lineCardLinks.sorted(by: { $0.key < $1.key }) {
                    out.sample("ipmigod_line_card_link_up", [("slot", "\(slot)")], up ? 1 : 0)
                }
            }
        }
        out.family("ipmigod_sel_write_seconds", .summary, "Time the SEL's disk writes took (write and fdatasync, batched).")
        each { member, out in
            out.sample("ipmigod_sel_write_seconds_sum", member.timings.selWrites.seconds)
            out.sample("ipmigod_sel_write_seconds_count", member.timings.selWrites.count)
        }
        out.family("ipmigod_poll_duration_seconds", .summary, "Time spent reading sensors, by source kind (per poll of a group).")
        each { member, out in
            for (source, summary) in member.timings.polls.sorted(by: { $0.key < $1.key }) {
                out.sample("ipmigod_poll_duration_seconds_sum", [("source", source)], summary.seconds)
                out.sample("ipmigod_poll_duration_seconds_count", [("source", source)], summary.count)
            }
        }
        out.family("ipmigod_snapshot_timestamp_seconds", .gauge, "When the BMC published the state these metrics show.")
        each { member, out in out.sample("ipmigod_snapshot_timestamp_seconds", Double(member.bmc.time)) }
        return out.text
    }

    private static func hex(_ byte: UInt8) -> String {
        "0x" + (byte < 0x10 ? "0" : "") + String(byte, radix: 16)
    }

    private static func userLabel(_ id: Int, _ member: MemberSnapshot) -> String {
        id == 0 ? "" : member.bmc.userNames[UInt8(id)] ?? String(id)
    }

    static func labels(_ sensor: BMCSnapshot.SensorStatus, typed: Bool = false) -> [(String, String)] {
        var labels = [("id", String(sensor.recordID)), ("name", sensor.name)]
        if typed { labels.append(("type", SensorNames.type(sensor.sensorType))) }
        return labels
    }

    /// The reading as freeipmi prints it (two decimals), NaN for discrete sensors and while
    /// there is none.
    static func reading(_ sensor: BMCSnapshot.SensorStatus) -> Double {
        guard sensor.isThreshold, let value = sensor.value else { return .nan }
        return (value * 100).rounded() / 100
    }

    /// 0 nominal, 1 warning, 2 critical; NaN while the sensor has no reading (freeipmi's N/A).
    static func state(_ sensor: BMCSnapshot.SensorStatus) -> Double {
        sensor.raw == nil && sensor.isThreshold ? .nan : Double(sensor.severity.rawValue)
    }
}
