/// The configuration `ipmigod --simulate` runs on: conf/ipmigod-simulate.yaml, embedded so the
/// binary needs no files. A test keeps the two identical.
enum EmbeddedConfiguration {
    static let simulateFileName = "<embedded simulate config>"

    static let simulate = #"""
# ipmigod in simulate mode: a simulated white-box switch for testing NMS alerting and
# IPMI clients without hardware. This is the configuration `ipmigod --simulate` embeds;
# copy it and start `ipmigod --config FILE` to change it.
#
# Simulate mode is the only place a default password exists (admin/admin). It listens on
# loopback only; use --listen to expose it deliberately.

listen:
  - "127.0.0.1:6230"

# The only directory the daemon writes to (users, SEL, settings). --state-dir overrides it.
state_directory: /tmp/ipmigod-simulate

device:
  device_id: 0x20
  device_revision: 1
  firmware_revision: "1.00"
  manufacturer_id: 0          # IANA enterprise number of the switch vendor
  product_id: 0x5E32
  system_guid: "5ec7a1e0-1d2b-4c3d-9e4f-000000000001"

limits:
  max_sessions: 16
  idle_timeout: 60            # seconds without a packet before a session is closed

lan_channel:
  number: 1
  privilege_limit: administrator
  # IPMI 1.5 authentication types allowed at each privilege level.
  auth_types:
    callback: [md5, password]
    user: [md5, password]
    operator: [md5, password]
    administrator: [md5, password]
  # RMCP+ cipher suites offered, with the highest privilege each may reach. Simulate mode
  # offers every suite ipmigod implements except 0, so every client can be tried.
  cipher_suites:
    - { id: 1, max_privilege: administrator }
    - { id: 2, max_privilege: administrator }
    - { id: 3, max_privilege: administrator }
    - { id: 6, max_privilege: administrator }
    - { id: 7, max_privilege: administrator }
    - { id: 8, max_privilege: administrator }
    - { id: 11, max_privilege: administrator }
    - { id: 12, max_privilege: administrator }
    - { id: 15, max_privilege: administrator }
    - { id: 16, max_privilege: administrator }
    - { id: 17, max_privilege: administrator }

# Users seed the user table on first start; after that the table in the state directory,
# changed with ipmitool user ..., is what counts.
users:
  - { id: 2, name: admin, password: admin, privilege: administrator }
  - { id: 3, name: operator, password: operator, privilege: operator }
  - { id: 4, name: monitor, password: monitor, privilege: user }
"""#
}
