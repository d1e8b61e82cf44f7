import Foundation
import IPMICore
import XCTest

/// The state directory and its files: absolute, private to the daemon's user, and never
/// written or read through a symlink someone planted.
final class StateFileHardeningTests: XCTestCase {
    private var folder = ""

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("ipmigod-statefiles-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: folder)
    }

    func testSymlinkPlantedAtATemporaryPathIsNotFollowed() throws {
        let state = folder + "/state"
        let store = try StateStore(directory: state)
        let victim = folder + "/victim"
        try "precious\n".write(toFile: victim, atomically: false, encoding: .utf8)
        XCTAssertEqual(symlink(victim, state + "/users.json.tmp"), 0)

        try store.save(["answer": 42], as: "users.json")
        XCTAssertEqual(try String(contentsOfFile: victim, encoding: .utf8), "precious\n", "the link's target is untouched")
        XCTAssertEqual(try store.load([String: Int].self, from: "users.json"), ["answer": 42])
        let attributes = try FileManager.default.attributesOfItem(atPath: state + "/users.json")
        XCTAssertEqual(attributes[.type] as? FileAttributeType, .typeRegular)
        XCTAssertFalse(FileManager.default.fileExists(atPath: state + "/users.json.tmp"))
    }

    func testStateFileThatIsASymlinkIsNeitherReadNorWrittenThrough() throws {
        let state = folder + "/state"
        let store = try StateStore(directory: state)
        let victim = folder + "/victim.json"
        try "{\"answer\": 7}".write(toFile: victim, atomically: false, encoding: .utf8)
        XCTAssertEqual(symlink(victim, state + "/lan.json"), 0)

        XCTAssertThrowsError(try store.load([String: Int].self, from: "lan.json"), "a link is refused (ELOOP)")
        try store.save(["answer": 1], as: "lan.json")
        XCTAssertEqual(try String(contentsOfFile: victim, encoding: .utf8), "{\"answer\": 7}", "replaced, not written through")
        XCTAssertEqual(try store.load([String: Int].self, from: "lan.json"), ["answer": 1])
    }

    func testRelativeStateDirectoryBecomesAbsolute() throws {
        let previous = FileManager.default.currentDirectoryPath
        XCTAssertTrue(FileManager.default.changeCurrentDirectoryPath(folder))
        defer { FileManager.default.changeCurrentDirectoryPath(previous) }
        let prepared = try StateDirectory.prepare("relative/state")
        XCTAssertTrue(prepared.hasPrefix("/"), prepared)
        XCTAssertEqual(prepared, URL(fileURLWithPath: folder + "/relative/state").resolvingSymlinksInPath().path)
        var status = stat()
        XCTAssertEqual(stat(prepared, &status), 0)
        XCTAssertEqual(status.st_mode & 0o777, 0o700, "created private")
    }

    func testStateDirectoryOthersMayWriteOrOwnIsRefused() throws {
        let state = folder + "/state"
        try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: true)
        XCTAssertEqual(chmod(state, 0o777), 0)
        XCTAssertThrowsError(try StateDirectory.prepare(state)) { error in
            XCTAssertTrue("\(error)".contains("writable by group or others (mode 777)"), "\(error)")
        }
        XCTAssertEqual(chmod(state, 0o770), 0)
        XCTAssertThrowsError(try StateDirectory.prepare(state), "group-writable too")
        XCTAssertEqual(chmod(state, 0o755), 0)
        XCTAssertNoThrow(try StateDirectory.prepare(state))
        if geteuid() == 0 {
            XCTAssertEqual(chown(state, 65534, 65534), 0)
            XCTAssertThrowsError(try StateDirectory.prepare(state)) { error in
                XCTAssertTrue("\(error)".contains("owned by uid 65534"), "\(error)")
            }
        }
    }

    func testUserDefaultFollowsXDGStateHome() {
        let saved = (ProcessInfo.processInfo.environment["XDG_STATE_HOME"], ProcessInfo.processInfo.environment["HOME"])
        defer {
            if let state = saved.0 { setenv("XDG_STATE_HOME", state, 1) } else { unsetenv("XDG_STATE_HOME") }
            if let home = saved.1 { setenv("HOME", home, 1) }
        }
        setenv("XDG_STATE_HOME", "/somewhere/state", 1)
        XCTAssertEqual(StateDirectory.userDefault("simulate"), "/somewhere/state/ipmigod/simulate")
        unsetenv("XDG_STATE_HOME")
        setenv("HOME", "/home/op", 1)
        XCTAssertEqual(StateDirectory.userDefault("simulate"), "/home/op/.local/state/ipmigod/simulate")
    }
}
