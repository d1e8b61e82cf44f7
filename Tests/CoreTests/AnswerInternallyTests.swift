import IPMICore
import NIOCore
import XCTest

/// `BMC.answerInternally`: requests outside any LAN session (a line card's bridged requests,
/// Send Message to the BMC's own address) go through the same tables and checks.
final class AnswerInternallyTests: XCTestCase {
    private func answer(_ bmc: BMC, _ netFn: NetFn, _ command: UInt8, _ data: [UInt8] = [],
                        privilege: PrivilegeLevel = .administrator) -> (CompletionCode, [UInt8])? {
        var result: (CompletionCode, [UInt8])?
        bmc.answerInternally(netFn: netFn, command: command, data: data, privilege: privilege) { result = ($0, $1) }
        return result
    }

    func testGetDeviceIDAnswersWithItsData() throws {
        let test = try TestBMC()
        let (code, data) = try XCTUnwrap(answer(test.bmc, .app, 0x01, privilege: .user))
        XCTAssertEqual(code, .ok)
        XCTAssertEqual(data.count, 15)
        XCTAssertEqual(data[9...10], [0x34, 0x12]) // product ID 0x1234, little-endian
    }

    func testPrivilegeAndUnknownCommandsAreRefused() throws {
        let test = try TestBMC()
        // Set User Name needs administrator.
        XCTAssertEqual(answer(test.bmc, .app, 0x45, [5] + Array(repeating: 0x41, count: 16), privilege: .user)?.0,
                       .insufficientPrivilege)
        XCTAssertEqual(answer(test.bmc, .app, 0xEE)?.0, .invalidCommand)
        // Too short: Get Sensor Reading with no sensor number.
        XCTAssertEqual(answer(test.bmc, .sensorEvent, 0x2D)?.0, .requestDataLengthInvalid)
        // OEM privilege is capped at administrator, not refused.
        XCTAssertEqual(answer(test.bmc, .app, 0x01, privilege: .oem)?.0, .ok)
    }

    func testASELAddAnswersOnceDurable() throws {
        let test = try TestBMC()
        let record: [UInt8] = [0, 0, 0x02, 0, 0, 0, 0, 0x20, 0, 0x04, 0x01, 0x01, 0x01, 0x52, 0, 0]
        let (code, data) = try XCTUnwrap(answer(test.bmc, .storage, 0x44, record))
        XCTAssertEqual(code, .ok)
        XCTAssertEqual(data.count, 2)
        XCTAssertEqual(test.bmc.sel.entryCount, 1)
    }
}
