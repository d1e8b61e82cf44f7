import Foundation
@testable import IPMICore
import XCTest

/// On a switch (`lan.interface`), LAN parameters 3, 5, 6, 12 and 13 follow the management
/// interface and, with 4, are read-only; without an interface they are the config's and settable.
final class LANInterfaceTests: XCTestCase {
    private var directory: String!

    override func setUp() {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("ipmigod-lanif-\(UUID().uuidString)").path
    }

    override func tearDown() { try? FileManager.default.removeItem(atPath: directory) }

    private func parameters(interface: String?) throws -> LANParameters {
        var lan = LANConfiguration()
        lan.interface = interface
        if interface == nil {
            lan.ipAddress = [192, 0, 2, 10]
            lan.subnetMask = [255, 255, 255, 0]
        }
        return try LANParameters(configuration: lan, store: StateStore(directory: directory))
    }

    private func get(_ lan: LANParameters, _ parameter: LANParameter) throws -> [UInt8] {
        try lan.get(parameter, selector: 0, channel: LANChannelConfiguration())
    }

    private func setCode(_ lan: LANParameters, _ parameter: LANParameter, _ data: [UInt8]) -> UInt8 {
        do throws(CompletionCode) {
            try lan.set(parameter, data: data) { _ throws(CompletionCode) in }
            return 0
        } catch {
            return error.rawValue
        }
    }

    private let first = LANInterfaceAddresses(ipAddress: [192, 0, 2, 10], subnetMask: [255, 255, 255, 0],
                                              macAddress: [2, 0, 0, 0, 0, 0x10], defaultGateway: [192, 0, 2, 1],
                                              defaultGatewayMAC: [2, 0, 0, 0, 0, 1])

    func testFollowsTheInterfaceAndReportsWhatChanged() throws {
        let lan = try parameters(interface: "eth0")
        XCTAssertEqual(try get(lan, .ipAddress), [0, 0, 0, 0]) // unknown until read
        XCTAssertEqual(Set(lan.follow(first)), [.ipAddress, .subnetMask, .macAddress, .defaultGateway, .defaultGatewayMAC])
        XCTAssertEqual(try get(lan, .ipAddress), [192, 0, 2, 10])
        XCTAssertEqual(try get(lan, .defaultGatewayMAC), [2, 0, 0, 0, 0, 1])
        XCTAssertEqual(lan.follow(first), [])

        var second = first
        second.ipAddress = [192, 0, 2, 20]
        second.subnetMask = [255, 255, 255, 128]
        XCTAssertEqual(lan.follow(second), [.ipAddress, .subnetMask])
        XCTAssertEqual(try get(lan, .ipAddress), [192, 0, 2, 20])
        XCTAssertEqual(try get(lan, .subnetMask), [255, 255, 255, 128])
        XCTAssertEqual(lan.bmcIPv4, [192, 0, 2, 20]) // the PETs' agent address
        XCTAssertEqual(try get(lan, .ipAddressSource), [LANConfiguration.AddressSource.static.rawValue])

        XCTAssertEqual(Set(lan.follow(.unknown)), [.ipAddress, .subnetMask, .macAddress, .defaultGateway, .defaultGatewayMAC])
        XCTAssertEqual(try get(lan, .ipAddress), [0, 0, 0, 0])
    }

    func testInterfaceParametersAreReadOnlyOnlyWithAnInterface() throws {
        let owned: [(LANParameter, [UInt8])] = [
            (.ipAddress, [192, 0, 2, 99]), (.ipAddressSource, [2]), (.macAddress, [2, 0, 0, 0, 0, 0x99]),
            (.subnetMask, [255, 255, 0, 0]), (.defaultGateway, [192, 0, 2, 254]), (.defaultGatewayMAC, [2, 0, 0, 0, 0, 0xfe]),
        ]
        let switchLAN = try parameters(interface: "eth0")
        switchLAN.follow(first)
        for (parameter, data) in owned {
            XCTAssertEqual(setCode(switchLAN, parameter, data), 0x82, "\(parameter)")
        }
        XCTAssertEqual(try get(switchLAN, .ipAddress), [192, 0, 2, 10])
        XCTAssertEqual(setCode(switchLAN, .backupGateway, [192, 0, 2, 2]), 0) // not the interface's
        XCTAssertEqual(setCode(switchLAN, .communityString, LANConfiguration.communityBytes("x")), 0)

        let simulated = try parameters(interface: nil)
        XCTAssertEqual(simulated.follow(first), []) // the config's and the clients', not an interface's
        for (parameter, data) in owned {
            XCTAssertEqual(setCode(simulated, parameter, data), 0, "\(parameter)")
            XCTAssertEqual(try get(simulated, parameter), data)
        }
    }

    /// Addresses set over IPMI while no interface was configured stay in lan.json, but the
    /// interface's win once the config names one.
    func testSavedAddressesGiveWayToTheInterface() throws {
        let store = try StateStore(directory: directory)
        try store.save([StoredLANValue(key: LANParameterKey(.ipAddress), data: [192, 0, 2, 99]),
                        StoredLANValue(key: LANParameterKey(.ipAddressSource), data: [2]),
                        StoredLANValue(key: LANParameterKey(.backupGateway), data: [192, 0, 2, 2])],
                       as: LANParameters.stateFile)
        let lan = try parameters(interface: "eth0")
        XCTAssertEqual(try get(lan, .ipAddress), [0, 0, 0, 0])
        XCTAssertEqual(try get(lan, .ipAddressSource), [LANConfiguration.AddressSource.static.rawValue])
        XCTAssertEqual(try get(lan, .backupGateway), [192, 0, 2, 2])
        lan.follow(first)
        XCTAssertEqual(try get(lan, .ipAddress), [192, 0, 2, 10])
    }
}
