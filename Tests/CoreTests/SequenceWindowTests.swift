import IPMICore
import XCTest

final class SequenceWindowTests: XCTestCase {
    func testAcceptsEachNumberOnceWithinTheWindow() {
        var window = SequenceWindow(initial: 100, ahead: 8, behind: 8)
        XCTAssertTrue(window.accept(101))
        XCTAssertFalse(window.accept(101), "a replay is refused")
        XCTAssertTrue(window.accept(105), "a gap within the window is fine")
        XCTAssertTrue(window.accept(103), "an older number not yet seen is fine")
        XCTAssertFalse(window.accept(103))
        XCTAssertFalse(window.accept(114), "too far ahead")
        XCTAssertTrue(window.accept(113))
        XCTAssertFalse(window.accept(104), "too far behind")
        XCTAssertFalse(window.accept(0), "zero is never a valid session sequence number")
    }

    func testFirstPacketSetsTheWindowWhenNoInitialValue() {
        var window = SequenceWindow(initial: nil, ahead: 16, behind: 16)
        XCTAssertTrue(window.accept(5000))
        XCTAssertFalse(window.accept(5000))
        XCTAssertTrue(window.accept(5001))
    }

    func testWrapsAroundZero() {
        var window = SequenceWindow(initial: UInt32.max - 1, ahead: 8, behind: 8)
        XCTAssertTrue(window.accept(UInt32.max))
        XCTAssertTrue(window.accept(2), "numbers continue past the wrap")
        XCTAssertFalse(window.accept(UInt32.max))
    }
}
