import IPMICore
import XCTest
@testable import ipmigod

/// `--chassis N`'s layout: the management module on the listen port, line card k on the port + k,
/// each card linking to the module as simulate mode's administrator.
final class ChassisLayoutTests: XCTestCase {
    func testTheManagementModuleAndItsLineCards() throws {
        var configuration = try DaemonConfiguration.parse(EmbeddedConfiguration.simulate, file: EmbeddedConfiguration.simulateFileName)
        configuration.bmc.stateDirectory = "/state"
        let sessions = configuration.bmc.limits.maximumSessions
        let plans = ChassisLayout(slots: 3, listen: ListenAddress("127.0.0.1:7000")).members(of: configuration)
        XCTAssertEqual(plans.count, 4)
        XCTAssertEqual(plans.map { $0.listen.first?.port }, [7000, 7001, 7002, 7003])
        XCTAssertEqual(plans.map(\.configuration.stateDirectory), ["/state/members/0", "/state/members/1", "/state/members/2", "/state/members/3"])
        XCTAssertEqual(plans[0].configuration.chassisRole.managementModule?.slotCount, 3)
        XCTAssertEqual(plans[0].configuration.limits.maximumSessions, sessions + 3, "room for every card's session")
        XCTAssertEqual(plans[0].configuration.ipmbAddress, 0x20)
        for k in 1...3 {
            let card = try XCTUnwrap(plans[k].configuration.chassisRole.lineCard, "member \(k)")
            XCTAssertEqual(Int(card.slot), k)
            XCTAssertEqual(card.managementModuleHost, "127.0.0.1")
            XCTAssertEqual(card.managementModulePort, 7000)
            XCTAssertEqual(card.userName, "admin")
            XCTAssertEqual(card.password, Array("admin".utf8))
            XCTAssertEqual(card.cipherSuite, 17)
            XCTAssertEqual(plans[k].configuration.ipmbAddress, SlotAddress.ipmbAddress(slot: UInt8(k)))
            XCTAssertNotEqual(plans[k].configuration.device.systemGUID, plans[0].configuration.device.systemGUID)
        }
    }

    func testAWildcardListenAddressIsReachedOnLoopback() {
        XCTAssertEqual(ChassisLayout.reachable("0.0.0.0"), "127.0.0.1")
        XCTAssertEqual(ChassisLayout.reachable("::"), "::1")
        XCTAssertEqual(ChassisLayout.reachable("192.0.2.7"), "192.0.2.7")
    }
}
