@testable import IPMICore
import XCTest

/// The BMC's pooled generator hands out each byte once, across refills, and never zeros.
final class SecureRandomTests: XCTestCase {
    func testDrawsAcrossRefillsAreFreshAndNotZero() {
        var random = SecureRandom()
        // 7-byte draws straddle the 256-byte pool's refills; 600 bytes in one draw spans three.
        var draws = Set<[UInt8]>()
        for _ in 0..<1000 { draws.insert(random.bytes(7)) }
        XCTAssertEqual(draws.count, 1000, "a 56-bit draw repeated")
        XCTAssertFalse(draws.contains([UInt8](repeating: 0, count: 7)))
        let long = random.bytes(600)
        XCTAssertEqual(long.count, 600)
        // Each 8-byte word of a long draw is random: none is zero, none repeats.
        let words = stride(from: 0, to: 600, by: 8).map { Array(long[$0..<min($0 + 8, 600)]) }
        XCTAssertEqual(Set(words).count, words.count)
        XCTAssertFalse(words.contains { $0.allSatisfy { $0 == 0 } })
    }

    func testTwoGeneratorsDiffer() {
        var first = SecureRandom()
        var second = SecureRandom()
        XCTAssertNotEqual(first.bytes(32), second.bytes(32))
        XCTAssertNotEqual(first.next(), second.next())
    }
}
