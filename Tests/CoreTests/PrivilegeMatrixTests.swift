@testable import IPMICore
import NIOCore
import XCTest

/// Every command of every table, outside a session and in a session at every privilege
/// level: below the command's privilege the answer is D4h and nothing runs; at or above it,
/// the command's own answer (whatever its completion code for an empty request), never D4h.
final class PrivilegeMatrixTests: XCTestCase {
    /// Commands whose handler answers D4h by design even when the table lets the level in.
    private static let refusedByHandler: Set<CommandKey> = [
        // Only through the IPMI 1.5 activation path, which carries the challenge it answers.
        CommandKey(.app, 0x3A),
    ]

    func testEveryCommandAtEveryPrivilegeLevel() throws {
        let bmc = try TestBMC(maximumSessions: 16)
        let commands = bmc.bmc.dispatcher.commands.sorted { ($0.key.netFn.rawValue, $0.key.command) < ($1.key.netFn.rawValue, $1.key.command) }
        XCTAssertGreaterThan(commands.count, 40)

        var checked = 0
        for (key, spec) in commands where !Self.refusedByHandler.contains(key) {
            let sessionless = try RMCPPlusConsole.sessionlessResponse(XCTUnwrapAnswer(bmc.send(RMCPPlusConsole.sessionless(key.netFn, key.command))))
            assertAnswer(sessionless.completionCode, level: .none, spec: spec, key: key)
            checked += 1
        }
        for level in [PrivilegeLevel.callback, .user, .operator, .administrator] {
            for (key, spec) in commands where !Self.refusedByHandler.contains(key) {
                // A fresh session per command: some commands change the session they run in.
                var console = try bmc.openSession(suite: 17, privilege: level)
                let response = try bmc.call(&console, key.netFn, key.command)
                assertAnswer(response.completionCode, level: level, spec: spec, key: key)
                _ = bmc.send(try console.request(.app, 0x3C, withUnsafeBytes(of: console.managedSessionID.littleEndian) { Array($0) }))
                checked += 1
            }
        }
        XCTAssertEqual(checked, (commands.count - Self.refusedByHandler.count) * 5)
    }

    private func assertAnswer(_ code: CompletionCode, level: PrivilegeLevel, spec: CommandSpec, key: CommandKey,
                              file: StaticString = #filePath, line: UInt = #line) {
        let name = "\(spec.name) (netfn \(key.netFn), 0x\(String(key.command, radix: 16))) at \(level.name)"
        if level < spec.privilege {
            XCTAssertEqual(code, .insufficientPrivilege, "\(name): below \(spec.privilege.name)", file: file, line: line)
        } else {
            XCTAssertNotEqual(code, .insufficientPrivilege, "\(name): allowed from \(spec.privilege.name)", file: file, line: line)
        }
    }
}
