import IPMICore
import NIOCore

/// An RMCP+ session with the daemon over a socket of its own: the handshake, requests, and
/// Close Session, each a blocking round trip.
struct ConsoleSession {
    /// The one user the benchmark's config defines.
    static let userName = "admin"
    static let password = "admin"

    struct Refused: Error, CustomStringConvertible {
        let command: String
        let code: CompletionCode
        var description: String { "\(command) answered \(code)" }
    }

    private var console: RMCPPlusConsole
    private let socket: UDPSocket

    /// Open Session, RAKP 1 to 4: four round trips.
    init(suite: CipherSuite, socket: UDPSocket) throws {
        var console = RMCPPlusConsole(suite: suite, userName: Self.userName, password: Self.password)
        let rakp1 = try console.rakp1(after: socket.exchange(console.openSessionRequest()))
        let rakp3 = try console.rakp3(after: socket.exchange(rakp1))
        try console.establish(after: socket.exchange(rakp3))
        self.console = console
        self.socket = socket
    }

    mutating func getDeviceID() throws {
        try call(.app, 0x01, "Get Device ID")
    }

    /// Set Session Privilege Level to administrator, as ipmitool does after the handshake:
    /// ipmi_sim, as the spec has it, starts an RMCP+ session at user level.
    mutating func raisePrivilegeToAdministrator() throws {
        try call(.app, 0x3B, "Set Session Privilege Level", [0x04])
    }

    /// Add SEL Entry: a system event record (the BMC assigns the ID and timestamp).
    mutating func addSELEntry() throws {
        try call(.storage, 0x44, "Add SEL Entry", [0, 0, 0x02, 0, 0, 0, 0, 0x20, 0x00, 0x04, 0x01, 0x01, 0x01, 0x57, 90, 80])
    }

    /// Set Sensor Reading and Event Status, operation 01: write the raw reading (events follow
    /// from the sensor's thresholds as if its source had read it).
    mutating func setSensorReading(sensor: UInt8, raw: UInt8) throws {
        try call(.sensorEvent, 0x30, "Set Sensor Reading", [sensor, 0x01, raw])
    }

    /// Get System GUID: the 16 bytes as the BMC sends them.
    mutating func getSystemGUID() throws -> [UInt8] {
        try call(.app, 0x37, "Get System GUID")
    }

    /// Frees the daemon's session slot; the session is unusable afterwards.
    mutating func close() throws {
        try call(.app, 0x3C, "Close Session", withUnsafeBytes(of: console.managedSessionID.littleEndian, Array.init))
    }

    /// The response data, after the completion code.
    @discardableResult
    private mutating func call(_ netFn: NetFn, _ command: UInt8, _ name: String, _ data: [UInt8] = []) throws -> [UInt8] {
        let reply = try socket.exchange(console.request(netFn, command, data))
        let response = try console.response(reply)
        guard response.completionCode == .ok else { throw Refused(command: name, code: response.completionCode) }
        return Array(response.data.readableBytesView)
    }
}
