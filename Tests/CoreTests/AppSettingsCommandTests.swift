import Foundation
import IPMICore
import NIOCore
import XCTest

/// The App, event, SOL, LAN 20..25/50/51, security key and DCMI commands: answers as the spec
/// lays them out, the completion code for every malformed request, and persistence.
final class AppSettingsCommandTests: XCTestCase {
    private var test: TestBMC!
    private var console: RMCPPlusConsole!

    override func setUpWithError() throws {
        test = try TestBMC(sensors: [
            SensorDefinition(number: 40, name: "PSU1 Pin", sensorType: 0x0B, kind: .threshold, entityID: 0x0A, unit: 6,
                             linearization: Linearization(m: 2)),
            SensorDefinition(number: 41, name: "PSU2 Pin", sensorType: 0x0B, kind: .threshold, entityID: 0x0A,
                             entityInstance: 2, unit: 6, linearization: Linearization(m: 2)),
        ])
        console = try test.openSession()
    }

    /// Sends a request; returns the completion code and data.
    private func call(_ netFn: NetFn, _ command: UInt8, _ data: [UInt8] = []) throws -> (code: UInt8, data: [UInt8]) {
        var console = self.console!
        let response = try test.call(&console, netFn, command, data)
        self.console = console
        return (response.completionCode.rawValue, Array(response.data.readableBytesView))
    }

    private func code(_ netFn: NetFn, _ command: UInt8, _ data: [UInt8] = []) throws -> UInt8 {
        try call(netFn, command, data).code
    }

    /// The same state directory, as after a restart (or kill -9: every save is fsynced first).
    private func restart(suite: UInt8 = 3) throws {
        test = try TestBMC(stateDirectory: test.stateDirectory)
        console = try test.openSession(suite: suite)
    }

    func testGlobalEnablesAndMessageFlags() throws {
        XCTAssertEqual(try call(.app, 0x2F).data, [0x08])
        XCTAssertEqual(try code(.app, 0x2E, [0x00]), 0x00)
        XCTAssertEqual(try call(.app, 0x2F).data, [0x00])
        XCTAssertEqual(try code(.app, 0x2E, [0x01]), 0xCC) // no receive message queue over LAN
        XCTAssertEqual(try code(.app, 0x2E, []), 0xC7)
        XCTAssertEqual(try code(.app, 0x2E, [0x08, 0]), 0xC7)
        XCTAssertEqual(try code(.app, 0x2F, [0]), 0xC7)
        try restart()
        XCTAssertEqual(try call(.app, 0x2F).data, [0x00])

        XCTAssertEqual(try call(.app, 0x31).data, [0x00])
        XCTAssertEqual(try code(.app, 0x30, [0x0B]), 0x00)
        XCTAssertEqual(try code(.app, 0x30, [0x04]), 0xCC)
        XCTAssertEqual(try code(.app, 0x30), 0xC7)
        XCTAssertEqual(try code(.app, 0x33), 0x80) // empty queue: data not available
        XCTAssertEqual(try code(.app, 0x35), 0x80)
    }

    func testSystemInfoParameters() throws {
        let hostName = Array(ProcessInfo.processInfo.hostName.utf8.prefix(14))
        let systemName = try call(.app, 0x59, [0, 2, 0, 0])
        XCTAssertEqual(systemName.code, 0)
        XCTAssertEqual(Array(systemName.data.prefix(4 + hostName.count)), [0x11, 0, 1, UInt8(ProcessInfo.processInfo.hostName.utf8.count)] + hostName)

        let name = Array("sonic-leaf-01.example.net".utf8) // 25 bytes: two blocks
        XCTAssertEqual(try code(.app, 0x58, [3, 0, 0, UInt8(name.count)] + name[0..<14]), 0)
        XCTAssertEqual(try code(.app, 0x58, [3, 1] + name[14...]), 0)
        XCTAssertEqual(try call(.app, 0x59, [0, 3, 0, 0]).data, [0x11, 0, 0, 25] + name[0..<14])
        XCTAssertEqual(try call(.app, 0x59, [0, 3, 1, 0]).data, [0x11, 1] + name[14...] + [0, 0, 0, 0, 0])
        XCTAssertEqual(try code(.app, 0x58, [4, 0, 1, 3] + Array("NOS".utf8)), 0) // volatile OS name
        XCTAssertEqual(try call(.app, 0x59, [0x80, 1, 0, 0]).data, [0x11])

        XCTAssertEqual(try code(.app, 0x58, [3, 0, 0x07, 1, 0x41]), 0xCC) // unknown encoding
        XCTAssertEqual(try code(.app, 0x58, [3, 17, 0x41]), 0xC9) // past the last block
        XCTAssertEqual(try code(.app, 0x58, [3, 1] + [UInt8](repeating: 0x41, count: 17)), 0xC7)
        XCTAssertEqual(try code(.app, 0x58, [3]), 0xC7)
        XCTAssertEqual(try code(.app, 0x58, [9, 0, 0, 1, 0x41]), 0x80)
        XCTAssertEqual(try code(.app, 0x59, [0, 9, 0, 0]), 0x80)
        XCTAssertEqual(try code(.app, 0x59, [0, 1, 0]), 0xC7)
        XCTAssertEqual(try code(.app, 0x59, [0, 1, 17, 0]), 0xC9)
        XCTAssertEqual(try code(.app, 0x58, [0, 1]), 0)
        XCTAssertEqual(try code(.app, 0x58, [0, 1]), 0x81) // set in progress already claimed
        XCTAssertEqual(try code(.app, 0x58, [0, 3]), 0xCC)

        try restart()
        XCTAssertEqual(try call(.app, 0x59, [0, 3, 1, 0]).data, [0x11, 1] + name[14...] + [0, 0, 0, 0, 0])
        XCTAssertEqual(try call(.app, 0x59, [0, 4, 0, 0]).data, [0x11, 0] + [UInt8](repeating: 0, count: 16))
        XCTAssertEqual(try call(.app, 0x59, [0, 0, 0, 0]).data, [0x11, 0]) // the lock does not survive
    }

    func testSessionInfoSelectors() throws {
        let current = try call(.app, 0x3D, [0x00])
        XCTAssertEqual(current.code, 0)
        let handle = current.data[0]
        XCTAssertEqual(try call(.app, 0x3D, [0xFE, handle]).data, current.data)
        XCTAssertEqual(try code(.app, 0x3D, [0xFE, handle &+ 1]), 0xCC)
        var id = console.managedSessionID
        let idBytes = withUnsafeBytes(of: &id) { Array($0) } // little endian, as on the wire
        XCTAssertEqual(try call(.app, 0x3D, [0xFF] + idBytes).data, current.data)
        XCTAssertEqual(try code(.app, 0x3D, [0xFE]), 0xC7)
        XCTAssertEqual(try code(.app, 0x3D, [0xFF, 1, 2]), 0xC7)
    }

    func testUserPayloadAccessAndPayloadVersion() throws {
        XCTAssertEqual(try call(.app, 0x4D, [1, 2]).data, [0, 0, 0, 0])
        XCTAssertEqual(try code(.app, 0x4C, [1, 0x42, 0x02, 0, 0, 0]), 0) // disable SOL
        XCTAssertEqual(try code(.app, 0x4C, [1, 0x02, 0x02, 0, 0, 0]), 0xCC) // no SOL payload to enable
        XCTAssertEqual(try code(.app, 0x4C, [1, 0x02, 0x01, 0, 0, 0]), 0xCC) // reserved bit
        XCTAssertEqual(try code(.app, 0x4C, [1, 0x02, 0, 0, 0]), 0xC7)
        XCTAssertEqual(try code(.app, 0x4D, [1, 30]), 0xCC)
        XCTAssertEqual(try code(.app, 0x4D, [5, 2]), 0xCC)
        XCTAssertEqual(try call(.app, 0x4F, [1, 0]).data, [0x10])
        XCTAssertEqual(try code(.app, 0x4F, [1, 1]), 0x80)
    }

    func testPlatformEventMessageGoesIntoTheSEL() throws {
        XCTAssertEqual(try code(.sensorEvent, 0x02, [0x04, 0x01, 0x30, 0x01, 0x57, 0x20, 0x30]), 0)
        let (record, _) = try XCTUnwrap(test.bmc.sel.entry(0))
        XCTAssertEqual(Array(record.bytes[7...15]), [0x81, 0x10, 0x04, 0x01, 0x30, 0x01, 0x57, 0x20, 0x30])
        XCTAssertEqual(try code(.sensorEvent, 0x02, [0x04, 0x01, 0x30, 0x01]), 0xC7)
        XCTAssertEqual(try code(.sensorEvent, 0x02, [0x04, 0x01, 0x30, 0x01, 1, 2, 3, 4]), 0xC7)
        XCTAssertEqual(try code(.sensorEvent, 0x02, [0x02, 0x01, 0x30, 0x01, 0x57]), 0xCC)
        XCTAssertEqual(test.bmc.sel.entryCount, 1)

        XCTAssertEqual(try call(.sensorEvent, 0x01).data, [0x20, 0x00])
        XCTAssertEqual(try code(.sensorEvent, 0x00, [0xFF, 0x00]), 0)
        XCTAssertEqual(try call(.sensorEvent, 0x01).data, [0xFF, 0x00])
        XCTAssertEqual(try code(.sensorEvent, 0x00, [0x20, 0x04]), 0xCC)
        XCTAssertEqual(try code(.sensorEvent, 0x00, [0x20]), 0xC7)
    }

    func testSOLParameters() throws {
        XCTAssertEqual(try call(.transport, 0x22, [1, 1, 0, 0]).data, [0x11, 0x00]) // disabled
        XCTAssertEqual(try call(.transport, 0x22, [1, 7, 0, 0]).data, [0x11, 0x01])
        XCTAssertEqual(try call(.transport, 0x22, [1, 8, 0, 0]).data, [0x11, 0x6F, 0x02])
        XCTAssertEqual(try code(.transport, 0x21, [1, 5, 0x07]), 0)
        XCTAssertEqual(try code(.transport, 0x21, [1, 2, 0x43]), 0)
        XCTAssertEqual(try code(.transport, 0x21, [1, 3, 0x10, 0x20]), 0)
        XCTAssertEqual(try code(.transport, 0x21, [1, 5, 0x03]), 0xCC) // no such bit rate
        XCTAssertEqual(try code(.transport, 0x21, [1, 2, 0x01]), 0xCC) // callback cannot run SOL
        XCTAssertEqual(try code(.transport, 0x21, [1, 3, 0x00, 0x20]), 0xCC)
        XCTAssertEqual(try code(.transport, 0x21, [1, 4, 0x08, 0x20]), 0xCC)
        XCTAssertEqual(try code(.transport, 0x21, [1, 1, 0x02]), 0xCC)
        XCTAssertEqual(try code(.transport, 0x21, [1, 1, 0x01]), 0xCC) // no SOL payload to enable
        XCTAssertEqual(try code(.transport, 0x21, [1, 1, 0x00]), 0)
        XCTAssertEqual(try code(.transport, 0x21, [1, 7, 0x01]), 0x82)
        XCTAssertEqual(try code(.transport, 0x21, [1, 3, 0x10]), 0xC7)
        XCTAssertEqual(try code(.transport, 0x21, [1, 9, 0x10]), 0x80)
        XCTAssertEqual(try code(.transport, 0x21, [2, 1, 0x00]), 0xCC)
        XCTAssertEqual(try code(.transport, 0x22, [1, 1, 0]), 0xC7)
        XCTAssertEqual(try code(.transport, 0x22, [1, 9, 0, 0]), 0x80)
        XCTAssertEqual(try code(.transport, 0x21, [1, 6, 0x09]), 0) // volatile
        try restart()
        XCTAssertEqual(try call(.transport, 0x22, [1, 5, 0, 0]).data, [0x11, 0x07])
        XCTAssertEqual(try call(.transport, 0x22, [1, 6, 0, 0]).data, [0x11, 0x07])
        XCTAssertEqual(try call(.transport, 0x22, [1, 2, 0, 0]).data, [0x11, 0x43])
        XCTAssertEqual(try call(.transport, 0x22, [1, 3, 0, 0]).data, [0x11, 0x10, 0x20])
    }

    func testCipherSuitePrivilegesAreEnforced() throws {
        // Suite 3 down to User: a new session of suite 3 cannot be Administrator; suite 17 still can.
        let privileges = try call(.transport, 0x02, [1, 24, 0, 0]).data
        XCTAssertEqual(privileges.count, 10)
        var lowered = Array(privileges.dropFirst())
        lowered[1 + 3 / 2] = lowered[1 + 3 / 2] & 0x0F | 0x20
        var suite17 = try test.openSession(suite: 17)
        XCTAssertEqual(try test.call(&suite17, .transport, 0x01, [1, 24] + lowered).completionCode, .ok)
        // The open suite-3 session is capped at once: an Administrator command is refused.
        XCTAssertEqual(try code(.app, 0x2E, [0x08]), 0xD4)
        XCTAssertEqual(try call(.app, 0x3B, [0x04]).code, 0x81) // cannot raise it back
        XCTAssertEqual(try call(.app, 0x3B, [0x00]).data, [0x02])
        console = suite17
        XCTAssertThrowsError(try test.openSession(suite: 3, privilege: .administrator))
        XCTAssertNoThrow(try test.openSession(suite: 3, privilege: .user))
        XCTAssertNoThrow(try test.openSession(suite: 17, privilege: .administrator))
        var unused = lowered
        unused[1] &= 0x0F // suite 1 offered: "unused" is not a privilege for it
        XCTAssertEqual(try code(.transport, 0x01, [1, 24] + unused), 0xCC)
        XCTAssertEqual(try code(.transport, 0x01, [1, 24] + lowered.dropLast()), 0xC7)
        try restart(suite: 17)
        XCTAssertThrowsError(try test.openSession(suite: 3, privilege: .administrator))

        XCTAssertEqual(try call(.transport, 0x02, [1, 50, 0, 0]).data, [0x11, 0x00]) // IPv4 only
        XCTAssertEqual(try call(.transport, 0x02, [1, 51, 0, 0]).data, [0x11, 0x00])
        XCTAssertEqual(try code(.transport, 0x01, [1, 51, 0x01]), 0xCC)
        XCTAssertEqual(try call(.transport, 0x02, [1, 64, 0, 0]).data, [0x11, 0x00]) // no IPv6 routers
        XCTAssertEqual(try call(.transport, 0x02, [1, 65, 0, 0]).data, [0x11] + [UInt8](repeating: 0, count: 16))
        XCTAssertEqual(try code(.transport, 0x01, [1, 64, 0x00]), 0)
        XCTAssertEqual(try code(.transport, 0x01, [1, 64, 0x01]), 0xCC)
        XCTAssertEqual(try code(.transport, 0x01, [1, 66, 0, 0, 0, 0, 0]), 0xC7)
        XCTAssertEqual(try code(.transport, 0x02, [1, 73, 0, 0]), 0x80)
        XCTAssertEqual(try code(.transport, 0x01, [1, 50, 0x00]), 0x82)
        XCTAssertEqual(try code(.transport, 0x01, [1, 20, 0x00, 0x80]), 0xCC) // VLAN 0 enabled
        XCTAssertEqual(try code(.transport, 0x01, [1, 20, 0x64, 0x80]), 0)
        XCTAssertEqual(try code(.transport, 0x01, [1, 21, 0x08]), 0xCC)
        XCTAssertEqual(try code(.transport, 0x01, [1, 25, 1, 0x20, 0, 0]), 0xCC)
        XCTAssertEqual(try code(.transport, 0x01, [1, 25, 1, 0x10, 0x64, 0x00]), 0)
    }

    func testBMCKeyIsNeededOnceSetAndNeverReadBack() throws {
        let key = Array("two-key-secret".utf8)
        XCTAssertEqual(try call(.app, 0x56, [1, 1, 1] + key).data, [0x00])
        XCTAssertEqual(try call(.app, 0x56, [1, 0, 1]).data, [0x00]) // lock state only, no key
        XCTAssertEqual(try code(.app, 0x56, [1, 1, 1] + [UInt8](repeating: 1, count: 21)), 0x82)
        XCTAssertEqual(try code(.app, 0x56, [1, 1, 1]), 0x81)
        XCTAssertEqual(try call(.app, 0x56, [1, 0, 0]).data, [0x00]) // K_R: read, and set only to zero
        XCTAssertEqual(try code(.app, 0x56, [1, 1, 0] + [UInt8](repeating: 0, count: 20)), 0)
        XCTAssertEqual(try code(.app, 0x56, [1, 1, 0, 1]), 0xCC)
        XCTAssertEqual(try code(.app, 0x56, [1, 0, 2]), 0xCC)
        XCTAssertEqual(try code(.app, 0x56, [1, 2, 1]), 0xCC) // not lockable
        XCTAssertEqual(try code(.app, 0x56, [1, 3, 1]), 0xCC)
        XCTAssertEqual(try code(.app, 0x56, [1, 0, 1, 5]), 0xC7)
        XCTAssertEqual(try code(.app, 0x56, [1, 0]), 0xC7)

        XCTAssertThrowsError(try test.openSession()) { error in
            XCTAssertEqual(error as? RMCPPlusConsole.ConsoleError, .badIntegrityCheckValue)
        }
        try restart2(key: key + [UInt8](repeating: 0, count: 6))
        // All zero clears it.
        XCTAssertEqual(try code(.app, 0x56, [1, 1, 1] + [UInt8](repeating: 0, count: 20)), 0)
        XCTAssertNoThrow(try test.openSession())
    }

    /// A restart, logging in with K_G.
    private func restart2(key: [UInt8]) throws {
        test = try TestBMC(stateDirectory: test.stateDirectory)
        var keyed = RMCPPlusConsole(suite: CipherSuite.supported(id: 3)!, userName: "admin", password: "admin")
        keyed.bmcKey = key
        let rakp1 = try keyed.rakp1(after: try XCTUnwrapAnswer(test.send(keyed.openSessionRequest())))
        let rakp3 = try keyed.rakp3(after: try XCTUnwrapAnswer(test.send(rakp1)))
        try keyed.establish(after: try XCTUnwrapAnswer(test.send(rakp3)))
        console = keyed
        XCTAssertEqual(try call(.app, 0x38, [0x8E, 4]).data[2] & 0x20, 0x20) // K_G set
    }

    func testDCMI() throws {
        let capabilities = try call(.groupExtension, 0x01, [0xDC, 1])
        XCTAssertEqual(capabilities.data, [0xDC, 0x01, 0x05, 0x02, 0x00, 0x01, 0x00])
        for parameter: UInt8 in 2...5 { XCTAssertEqual(try code(.groupExtension, 0x01, [0xDC, parameter]), 0) }
        XCTAssertEqual(try code(.groupExtension, 0x01, [0xDC, 6]), 0xCC)
        XCTAssertEqual(try code(.groupExtension, 0x01, [0xDD, 1]), 0xCC)
        XCTAssertEqual(try code(.groupExtension, 0x01, [0xDC]), 0xC7)

        // Power: no reading yet, then two supplies summed, with min/max/average over the period.
        XCTAssertEqual(try call(.groupExtension, 0x02, [0xDC, 1, 0, 0]).data.last, 0x00)
        test.bmc.record([SensorSample(sensor: 0, value: 100), SensorSample(sensor: 1, value: 50)])
        test.bmc.record([SensorSample(sensor: 0, value: 120), SensorSample(sensor: 1, value: 60)])
        let reading = try call(.groupExtension, 0x02, [0xDC, 1, 0, 0]).data
        XCTAssertEqual(reading.count, 18)
        XCTAssertEqual(Array(reading[0..<9]), [0xDC, 180, 0, 150, 0, 180, 0, 165, 0])
        XCTAssertEqual(reading[17], 0x40)
        XCTAssertEqual(try code(.groupExtension, 0x02, [0xDC, 2, 1, 0]), 0xCC)
        XCTAssertEqual(try code(.groupExtension, 0x02, [0xDC, 1, 0]), 0xC7)

        // Identifier string: host name by default; chunked writes ending in a NUL.
        let host = Array(ProcessInfo.processInfo.hostName.utf8.prefix(16))
        XCTAssertEqual(try call(.groupExtension, 0x09, [0xDC, 0, UInt8(host.count)]).data,
                       [0xDC, UInt8(ProcessInfo.processInfo.hostName.utf8.count)] + host)
        let name = Array("rack7-leaf-switch-03".utf8) + [0]
        XCTAssertEqual(try call(.groupExtension, 0x0A, [0xDC, 0, 16] + name[0..<16]).code, 0)
        XCTAssertEqual(try call(.groupExtension, 0x0A, [0xDC, 16, 5] + name[16...]).data, [0xDC, 20])
        XCTAssertEqual(try code(.groupExtension, 0x0A, [0xDC, 0, 17] + [UInt8](repeating: 0x41, count: 17)), 0xC9)
        XCTAssertEqual(try code(.groupExtension, 0x0A, [0xDC, 60, 5] + [UInt8](repeating: 0x41, count: 5)), 0xC9)
        XCTAssertEqual(try code(.groupExtension, 0x0A, [0xDC, 0, 4, 0x41]), 0xC7)
        XCTAssertEqual(try code(.groupExtension, 0x09, [0xDC, 0, 17]), 0xC9)
        XCTAssertEqual(try code(.groupExtension, 0x09, [0xDC, 0]), 0xC7)
        try restart()
        XCTAssertEqual(try call(.groupExtension, 0x09, [0xDC, 16, 4]).data, [0xDC, 20] + Array("h-03".utf8))
        XCTAssertEqual(try code(.groupExtension, 0x03, [0xDC]), 0xC1)
    }

    /// Every command added here, sent empty, one byte short of its shortest form or 40 bytes
    /// long, answers an error code (never success, never a crash) and the BMC keeps answering.
    func testMalformedRequestsAreRefused() throws {
        let commands: [(NetFn, UInt8, shortest: Int)] = [
            (.app, 0x2E, 1), (.app, 0x30, 1), (.app, 0x3D, 1), (.app, 0x4C, 6), (.app, 0x4D, 2), (.app, 0x4F, 2),
            (.app, 0x56, 3), (.app, 0x58, 2), (.app, 0x59, 4), (.sensorEvent, 0x00, 2), (.sensorEvent, 0x02, 5),
            (.transport, 0x21, 3), (.transport, 0x22, 4), (.groupExtension, 0x01, 2), (.groupExtension, 0x02, 4),
            (.groupExtension, 0x09, 3), (.groupExtension, 0x0A, 3),
        ]
        for (netFn, command, shortest) in commands {
            let short = [UInt8](repeating: 0x01, count: shortest - 1)
            XCTAssertNotEqual(try code(netFn, command, short), 0, "\(netFn) \(command) short")
            let long = [UInt8](repeating: 0xFF, count: 40)
            XCTAssertNotEqual(try code(netFn, command, long), 0, "\(netFn) \(command) long")
        }
        for (netFn, command) in [(NetFn.app, UInt8(0x2F)), (.app, 0x31), (.app, 0x33), (.app, 0x35), (.sensorEvent, 0x01)] {
            XCTAssertEqual(try code(netFn, command, [0]), 0xC7, "\(netFn) \(command)")
        }
        XCTAssertEqual(try call(.app, 0x01).code, 0) // still answering
    }
}
