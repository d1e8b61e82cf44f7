import IPMICore
import XCTest

/// Values from a real exchange: ipmitool 1.8.19 `-vvvv` with cipher suite 17, user admin/admin.
final class RAKPKnownAnswerTests: XCTestCase {
    let exchange = RAKPExchange(
        authentication: .hmacSHA256, consoleSessionID: 0xA0A2_A3A4, managedSessionID: 0x6BA2_CC76,
        consoleRandom: [UInt8](hex: "a3 90 e0 02 cb df db d7 5a 69 04 2c 09 71 57 85"),
        managedRandom: [UInt8](hex: "80 98 35 12 9f 35 ac 36 96 21 d2 1a 79 cd 8a 40"),
        managedGUID: [UInt8](hex: "e0 a1 c7 5e 2b 1d 3d 4c 9e 4f 00 00 00 00 00 01"),
        role: 0x14, userName: Array("admin".utf8))
    let key = Array("admin".utf8) + [UInt8](repeating: 0, count: 15)

    func testRAKP2AuthCodeMatchesIpmitool() {
        XCTAssertEqual(exchange.rakp2AuthCode(userKey: key), [UInt8](hex: """
            f1 d7 2b 9d e7 eb 9c f2 3e b6 8f 60 40 cc 1e b9 2d f1 31 a2 ff bb 21 aa 6b 14 54 df 2e 36 2f f3
            """))
    }

    func testRAKP3AuthCodeMatchesIpmitool() {
        XCTAssertEqual(exchange.rakp3AuthCode(userKey: key), [UInt8](hex: """
            cc 92 96 84 3f 9b 5e 1d 0b 6a c7 d6 bf 3d 4e f9 de 52 0b 5c 22 7b 8e 86 e9 d0 ff ef 06 f0 28 26
            """))
    }

    func testSessionIntegrityKeyAndRAKP4MatchIpmitool() {
        let sik = exchange.sessionIntegrityKey(bmcKey: key)
        XCTAssertEqual(sik, [UInt8](hex: """
            17 96 31 1c a5 25 2b f5 f0 88 fd fd e2 b3 32 80 8e c8 cc f6 34 fc f8 a7 24 cf 47 c1 0a c7 86 c1
            """))
        XCTAssertEqual(exchange.rakp4IntegrityCheckValue(sessionIntegrityKey: sik),
                       [UInt8](hex: "57 a8 9e f9 94 07 de 5f 03 aa cf 34 fd 55 5a ce"))
    }

    func testPasswordPaddingDoesNotChangeHMAC() {
        // HMAC pads keys to the block size, so K_UID may be the bare or the 20-byte padded password.
        XCTAssertEqual(exchange.rakp2AuthCode(userKey: Array("admin".utf8)), exchange.rakp2AuthCode(userKey: key))
    }
}
