import Foundation
@testable import IPMICore
import XCTest

/// LAN configuration parameters: wire encoding of the config, Set validation, persistence,
/// and the alert destinations the PET sender sees.
final class LANParameterTests: XCTestCase {
    private var directory: String!

    override func setUp() {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("ipmigod-lan-\(UUID().uuidString)").path
    }

    override func tearDown() { try? FileManager.default.removeItem(atPath: directory) }

    private var configuration: LANConfiguration {
        var lan = LANConfiguration()
        lan.ipAddress = [192, 0, 2, 10]
        lan.subnetMask = [255, 255, 255, 0]
        lan.macAddress = [2, 0, 0, 0, 0, 1]
        lan.vlanID = 0x123
        lan.communityString = "public"
        lan.destinations = [
            AlertDestination(selector: 1, address: [127, 0, 0, 2], port: 1162, isAcknowledged: true, ackTimeout: 5, retries: 2),
            AlertDestination(selector: 3, address: [127, 0, 0, 4], version: .v3,
                             v3: .init(user: "u", authPassphrase: "authpass1", privPassphrase: "privpass1")),
        ]
        return lan
    }

    private func parameters() throws -> LANParameters {
        try LANParameters(configuration: configuration, store: StateStore(directory: directory))
    }

    private func save(_ store: StateStore) -> ([StoredLANValue]) throws(CompletionCode) -> Void {
        { values throws(CompletionCode) in
            do { try store.save(values, as: LANParameters.stateFile) } catch { throw .unspecified }
        }
    }

    private func get(_ lan: LANParameters, _ parameter: LANParameter, selector: UInt8 = 0) throws -> [UInt8] {
        try lan.get(parameter, selector: selector, channel: LANChannelConfiguration())
    }

    private func XCTAssertThrowsCode(_ code: UInt8, _ body: () throws(CompletionCode) -> Void, line: UInt = #line) {
        do throws(CompletionCode) {
            try body()
            XCTFail("expected completion code \(code)", line: line)
        } catch {
            XCTAssertEqual(error.rawValue, code, line: line)
        }
    }

    func testConfigIsEncodedAsTheSpecLaysItOut() throws {
        let lan = try parameters()
        XCTAssertEqual(try get(lan, .ipAddress), [192, 0, 2, 10])
        XCTAssertEqual(try get(lan, .ipAddressSource), [1])
        XCTAssertEqual(try get(lan, .macAddress), [2, 0, 0, 0, 0, 1])
        XCTAssertEqual(try get(lan, .vlanID), [0x23, 0x81]) // ID low byte, enable bit + ID high nibble
        XCTAssertEqual(try get(lan, .communityString), Array("public".utf8) + [UInt8](repeating: 0, count: 12))
        XCTAssertEqual(try get(lan, .destinationCount), [15])
        XCTAssertEqual(try get(lan, .destinationType, selector: 1), [1, 0x80, 5, 2])
        XCTAssertEqual(try get(lan, .destinationAddress, selector: 1), [1, 0, 0, 127, 0, 0, 2, 0, 0, 0, 0, 0, 0])
        XCTAssertEqual(try get(lan, .destinationAddress, selector: 9), [9, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])
        XCTAssertThrowsError(try get(lan, .destinationType, selector: 16))
        XCTAssertEqual(lan.bmcIPv4, [192, 0, 2, 10])
    }

    func testChannelParametersIndexPrivilegesBySuiteID() {
        var channel = LANChannelConfiguration()
        channel.cipherSuites = [CipherSuitePolicy(id: 3, maximumPrivilege: .administrator),
                                CipherSuitePolicy(id: 17, maximumPrivilege: .operator),
                                CipherSuitePolicy(id: 2, maximumPrivilege: .user)]
        channel.legacyAuthTypes = [.user: [.md5], .administrator: [.md5, .straightPassword]]
        XCTAssertEqual(channel.cipherSuiteEntries, [0, 3, 17, 2])
        XCTAssertEqual(channel.cipherSuitePrivileges, [0, 0x00, 0x42, 0, 0, 0, 0, 0, 0])
        XCTAssertEqual(channel.authTypeSupport, 0x14)
        XCTAssertEqual(channel.authTypeEnables, [0, 0x04, 0, 0x14, 0])
    }

    func testSetValuesPersistAndWinOverTheConfig() throws {
        let store = try StateStore(directory: directory)
        let lan = try parameters()
        let community = Array("newcomm".utf8) + [UInt8](repeating: 0, count: 11)
        try lan.set(.communityString, data: community, persist: save(store))
        try lan.set(.destinationAddress, data: [4, 0, 0, 127, 0, 0, 9, 0, 0, 0, 0, 0, 0], persist: save(store))
        try lan.set(.destinationAddress, data: [0, 0, 0, 127, 0, 0, 8, 0, 0, 0, 0, 0, 0], persist: save(store))
        XCTAssertEqual(lan.communityString, "newcomm")

        let reloaded = try parameters()
        XCTAssertEqual(try get(reloaded, .communityString), community)
        XCTAssertEqual(reloaded.destination(selector: 4)?.address, [127, 0, 0, 9])
        XCTAssertNil(reloaded.destination(selector: 0), "destination 0 is volatile")
        XCTAssertEqual(lan.destination(selector: 0)?.address, [127, 0, 0, 8])
    }

    func testDestinationsKeepWhatOnlyTheConfigCanSay() throws {
        let store = try StateStore(directory: directory)
        let lan = try parameters()
        XCTAssertEqual(lan.destination(selector: 1),
                       AlertDestination(selector: 1, address: [127, 0, 0, 2], port: 1162, community: "public",
                                        isAcknowledged: true, ackTimeout: 5, retries: 2))
        XCTAssertNil(lan.destination(selector: 2))

        try lan.set(.destinationAddress, data: [3, 0, 0, 127, 0, 0, 44, 0, 0, 0, 0, 0, 0], persist: save(store))
        let v3 = try XCTUnwrap(lan.destination(selector: 3))
        XCTAssertEqual(v3.address, [127, 0, 0, 44])
        XCTAssertEqual(v3.version, .v3)
        XCTAssertEqual(v3.v3?.user, "u")
        XCTAssertNil(v3.community)

        try lan.set(.destinationAddress, data: [2, 0, 0, 127, 0, 0, 3, 0, 0, 0, 0, 0, 0], persist: save(store))
        try lan.set(.destinationType, data: [2, 0x80, 7, 0x0F], persist: save(store))
        XCTAssertEqual(lan.destination(selector: 2),
                       AlertDestination(selector: 2, address: [127, 0, 0, 3], port: 162, version: .v1, community: "public",
                                        isAcknowledged: true, ackTimeout: 7, retries: 7))
        try lan.set(.destinationType, data: [2, 0x06, 7, 0], persist: save(store)) // OEM 1: not a PET
        XCTAssertNil(lan.destination(selector: 2))
    }

    func testSetRefusesWhatItCannotHonour() throws {
        let lan = try parameters()
        let never: ([StoredLANValue]) throws(CompletionCode) -> Void = { _ throws(CompletionCode) in XCTFail("saved") }
        XCTAssertThrowsCode(0x82) { () throws(CompletionCode) in try lan.set(.destinationCount, data: [3], persist: never) }
        XCTAssertThrowsCode(0xC7) { () throws(CompletionCode) in try lan.set(.ipAddress, data: [1, 2, 3], persist: never) }
        XCTAssertThrowsCode(0xC9) { () throws(CompletionCode) in try lan.set(.destinationType, data: [16, 0, 3, 3], persist: never) }
        XCTAssertThrowsCode(0xCC) { () throws(CompletionCode) in
            try lan.set(.destinationAddress, data: [1, 0x10, 0] + [UInt8](repeating: 0, count: 10), persist: never)
        }
    }

    func testFailedSaveLeavesTheOldValue() throws {
        let lan = try parameters()
        XCTAssertThrowsCode(0xFF) { () throws(CompletionCode) in
            try lan.set(.ipAddress, data: [10, 0, 0, 1]) { _ throws(CompletionCode) in throw .unspecified }
        }
        XCTAssertEqual(lan.bmcIPv4, [192, 0, 2, 10])
    }

    func testSetInProgressIsALock() throws {
        let lan = try parameters()
        let never: ([StoredLANValue]) throws(CompletionCode) -> Void = { _ throws(CompletionCode) in XCTFail("saved") }
        try lan.set(.setInProgress, data: [1], persist: never)
        XCTAssertEqual(try get(lan, .setInProgress), [1])
        XCTAssertThrowsCode(0x81) { () throws(CompletionCode) in try lan.set(.setInProgress, data: [1], persist: never) }
        try lan.set(.setInProgress, data: [2], persist: never) // commit: everything is already in force
        XCTAssertEqual(try get(lan, .setInProgress), [0])
        XCTAssertThrowsCode(0xCC) { () throws(CompletionCode) in try lan.set(.setInProgress, data: [3], persist: never) }
    }
}
