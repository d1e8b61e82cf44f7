import Foundation
import IPMICore
import NIOCore
import XCTest

/// The FRU image encoder, and FRU device 0 as Get FRU Inventory Area Info, Read and Write
/// FRU Data see it.
final class FRUTests: XCTestCase {
    var stateDirectory: String!

    override func setUp() {
        stateDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("ipmigod-fru-\(UUID().uuidString)").path
    }

    override func tearDown() {
        try? FileManager.default.removeItem(atPath: stateDirectory)
    }

    static let january15 = ISO8601DateFormatter().date(from: "2026-01-15T08:00:00Z")!

    /// A 32x100G switch, with fields long enough to spread over several 8-byte blocks.
    static var switchInventory: FRUConfiguration {
        var fru = FRUConfiguration()
        fru.chassis = FRUConfiguration.Chassis()
        fru.chassis?.partNumber = "SIM-32X100G-CH"
        fru.chassis?.serialNumber = "SIMCH0000001"
        fru.board = FRUConfiguration.Board()
        fru.board?.manufactured = january15
        fru.board?.manufacturer = "ipmigod"
        fru.board?.productName = String(repeating: "B", count: FRUConfiguration.maximumFieldLength)
        fru.board?.serialNumber = "SIMBD0000001"
        fru.product = FRUConfiguration.Product()
        fru.product?.manufacturer = "ipmigod"
        fru.product?.name = "Simulated 32x100G Switch"
        fru.product?.version = "1"
        fru.product?.assetTag = "ASSET-0001"
        return fru
    }

    // MARK: Encoder

    func testEncodesAKnownLayout() {
        var fru = FRUConfiguration()
        fru.chassis = FRUConfiguration.Chassis()
        fru.chassis?.partNumber = "CP"
        fru.chassis?.serialNumber = "CS"
        fru.board = FRUConfiguration.Board()
        fru.board?.manufactured = Self.january15
        fru.board?.manufacturer = "ACME"
        fru.board?.productName = "MB"
        fru.board?.serialNumber = "B1"
        fru.board?.partNumber = "P"
        fru.product = FRUConfiguration.Product()
        fru.product?.manufacturer = "ACME"
        fru.product?.name = "SW"
        fru.product?.partNumber = "M1"
        fru.product?.version = "1"
        fru.product?.serialNumber = "S1"

        XCTAssertEqual(FRUEncoder.image(for: fru), [UInt8](hex: """
            01 00 01 03 06 00 00 F5
            01 02 17 C2 43 50 C2 43  53 C1 00 00 00 00 00 78
            01 03 00 60 17 F1 C4 41  43 4D 45 C2 4D 42 C2 42  31 C2 50 00 C0 C1 00 A1
            01 03 00 C4 41 43 4D 45  C2 53 57 C2 4D 31 C2 31  00 C2 53 31 C0 C0 C1 FC
            """))
        // Header: chassis at 8, board at 24, product at 48; chassis type 17h (rack mount);
        // board date F11760h minutes after 1996; a one-character field ("P", "1") padded
        // with a NUL because C1h means end of fields; empty asset tag and FRU file IDs are C0h.
    }

    func testEveryAreaIsPaddedToEightBytesAndSumsToZero() throws {
        let image = FRUEncoder.image(for: Self.switchInventory)
        XCTAssertEqual(image[0..<8].reduce(0, &+), 0, "header checksum")
        let offsets = image[2...4].map { Int($0) * 8 }
        XCTAssertEqual(offsets.count, 3)
        for (name, offset) in zip(["chassis", "board", "product"], offsets) {
            XCTAssertGreaterThanOrEqual(offset, 8, name)
            XCTAssertEqual(image[offset], 0x01, "\(name) format version")
            let area = Array(image[offset..<offset + Int(image[offset + 1]) * 8])
            XCTAssertEqual(area.reduce(0, &+), 0, "\(name) checksum")
            let end = try XCTUnwrap(area.lastIndex(of: 0xC1), name)
            XCTAssertLessThanOrEqual(area.count - end - 2, 7, "\(name): at most 7 bytes of padding")
            XCTAssertTrue(area[(end + 1)..<(area.count - 1)].allSatisfy { $0 == 0 }, "\(name) pads with zeros")
        }
        XCTAssertEqual(offsets[1] + Int(image[offsets[1] + 1]) * 8, offsets[2], "areas follow each other")
        XCTAssertEqual(offsets[2] + Int(image[offsets[2] + 1]) * 8, image.count)
        // The 63-character board product name is one type/length byte FFh and the text.
        let name = [UInt8(0xFF)] + [UInt8](repeating: UInt8(ascii: "B"), count: 63)
        XCTAssertNotNil(image.firstRange(of: name))
    }

    func testAnEmptyInventoryIsAHeaderPointingNowhere() {
        XCTAssertEqual(FRUEncoder.image(for: FRUConfiguration()), [0x01, 0, 0, 0, 0, 0, 0, 0xFF])
    }

    func testManufacturingDateIsMinutesSince1996InThreeBytes() {
        XCTAssertEqual(FRUDate.minutes(Self.january15), 0xF1_1760)
        XCTAssertNil(FRUDate.minutes(FRUDate.epoch), "zero means unspecified")
        XCTAssertEqual(FRUDate.minutes(FRUDate.representable.upperBound), 0xFF_FFFF)
        XCTAssertNil(FRUDate.minutes(FRUDate.representable.upperBound.addingTimeInterval(60)))
    }

    // MARK: Inventory

    func testAWrittenImageIsSavedAndTakesOverFromTheConfig() throws {
        let store = try StateStore(directory: stateDirectory)
        let inventory = try FRUInventory(configuration: Self.switchInventory, store: store)
        XCTAssertEqual(inventory.size, FRUInventory.capacity)
        XCTAssertEqual(Array(inventory.image.prefix(8)), Array(FRUEncoder.image(for: Self.switchInventory).prefix(8)))

        try inventory.write([0xAA, 0xBB], at: FRUInventory.capacity - 2)
        XCTAssertThrowsError(try inventory.write([0xCC], at: FRUInventory.capacity))
        let reloaded = try FRUInventory(configuration: FRUConfiguration(), store: store)
        XCTAssertEqual(reloaded.image, inventory.image, "the saved image, not the (now empty) config")
        XCTAssertEqual(reloaded.read(at: FRUInventory.capacity - 2, count: 10).map(Array.init), [0xAA, 0xBB])
        XCTAssertNil(reloaded.read(at: FRUInventory.capacity, count: 1))
        XCTAssertFalse(FileManager.default.fileExists(atPath: store.path("fru-0.bin.tmp")))
    }

    // MARK: Commands

    func testReadAndWriteFRUDataOverLAN() throws {
        let bmc = try TestBMC(stateDirectory: stateDirectory)
        var admin = try bmc.openSession()

        let info = try bmc.call(&admin, .storage, 0x10, [0x00])
        XCTAssertEqual(info.completionCode, .ok)
        XCTAssertEqual(Array(info.data.readableBytesView), [0x00, 0x04, 0x00], "1024 bytes, accessed by bytes")

        let header = try bmc.call(&admin, .storage, 0x11, [0x00, 0x00, 0x00, 0x08])
        XCTAssertEqual(Array(header.data.readableBytesView), [0x08, 0x01, 0, 0, 0, 0, 0, 0, 0xFF])
        let tail = try bmc.call(&admin, .storage, 0x11, [0x00, 0xFC, 0x03, 0x10])
        XCTAssertEqual(Array(tail.data.readableBytesView), [0x04, 0, 0, 0, 0], "a read running past the end is cut short")
        let most = try bmc.call(&admin, .storage, 0x11, [0x00, 0x00, 0x00, 0xFF])
        XCTAssertEqual(most.data.readableBytes, 1 + ReadFRUDataResponse.maximumCount, "fits an IPMI 1.5 packet")
        XCTAssertEqual(try bmc.call(&admin, .storage, 0x11, [0x00, 0x00, 0x04, 0x01]).completionCode, .parameterOutOfRange)
        XCTAssertEqual(try bmc.call(&admin, .storage, 0x11, [0x01, 0x00, 0x00, 0x08]).completionCode, .notPresent)
        XCTAssertEqual(try bmc.call(&admin, .storage, 0x11, [0x00, 0x00, 0x00]).completionCode, .requestDataLengthInvalid)

        let write = try bmc.call(&admin, .storage, 0x12, [0x00, 0x08, 0x00, 0xDE, 0xAD, 0xBE])
        XCTAssertEqual(write.completionCode, .ok)
        XCTAssertEqual(Array(write.data.readableBytesView), [0x03], "count written")
        XCTAssertEqual(try bmc.call(&admin, .storage, 0x12, [0x00, 0xFE, 0x03, 1, 2, 3]).completionCode, .parameterOutOfRange)
        XCTAssertEqual(try bmc.call(&admin, .storage, 0x12, [0x00, 0x00, 0x00] + [UInt8](repeating: 0, count: 256)).completionCode,
                       .requestDataFieldLengthLimitExceeded)
        XCTAssertEqual(try bmc.call(&admin, .storage, 0x12, [0x00, 0x00, 0x00]).completionCode, .requestDataLengthInvalid)

        var watcher = try bmc.openSession(user: "watcher", password: "watcher-password-20b", privilege: .user)
        XCTAssertEqual(try bmc.call(&watcher, .storage, 0x11, [0x00, 0x08, 0x00, 0x03]).completionCode, .ok)
        XCTAssertEqual(try bmc.call(&watcher, .storage, 0x12, [0x00, 0x08, 0x00, 0x00]).completionCode, .insufficientPrivilege)

        // The write was durable before it was acknowledged: a new BMC on the same state reads it.
        let restarted = try TestBMC(stateDirectory: stateDirectory)
        var again = try restarted.openSession()
        let readBack = try restarted.call(&again, .storage, 0x11, [0x00, 0x08, 0x00, 0x03])
        XCTAssertEqual(Array(readBack.data.readableBytesView), [0x03, 0xDE, 0xAD, 0xBE])
    }
}
