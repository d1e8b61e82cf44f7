import Foundation
@testable import IPMICore
import NIOCore
import NIOEmbedded
import XCTest

/// A platform that records what it is asked and answers as told: at once, or when the test
/// says (`held`), to exercise deferred replies.
final class RecordingPlatform: PlatformActions, @unchecked Sendable {
    var actions: [PlatformAction] = []
    var outcome = PlatformActionOutcome.done
    var holds = false
    var held: [@Sendable (PlatformActionOutcome) -> Void] = []
    var unsupported: Set<String> = []

    func supports(_ action: PlatformAction) -> Bool { !unsupported.contains(action.name) }

    func perform(_ action: PlatformAction, reason: String, completion: @escaping @Sendable (PlatformActionOutcome) -> Void) {
        actions.append(action)
        if holds { held.append(completion) } else { completion(outcome) }
    }
}

/// The Chassis netfn against a BMC in the test process: every command's completion codes
/// for short, long and out-of-range requests, what the platform is asked, and replies
/// deferred until the platform is done.
final class ChassisCommandTests: XCTestCase {
    private var bmc: TestBMC!
    private var console: RMCPPlusConsole!
    private let platform = RecordingPlatform()

    override func setUpWithError() throws {
        bmc = try TestBMC()
        bmc.bmc.platform = platform
        console = try bmc.openSession()
    }

    override func tearDown() { try? FileManager.default.removeItem(atPath: bmc.stateDirectory) }

    private func call(_ command: UInt8, _ data: [UInt8] = []) throws -> IPMIResponse {
        try bmc.call(&console, .chassis, command, data)
    }

    private func code(_ command: UInt8, _ data: [UInt8] = []) throws -> UInt8 {
        try call(command, data).completionCode.rawValue
    }

    func testBadRequestsGetTheSpecsCompletionCodes() throws {
        let cases: [(UInt8, [UInt8], UInt8, String)] = [
            (0x00, [0], 0xC7, "Get Chassis Capabilities long"),
            (0x01, [0], 0xC7, "Get Chassis Status long"),
            (0x02, [], 0xC7, "Chassis Control short"),
            (0x02, [1, 0], 0xC7, "Chassis Control long"),
            (0x02, [6], 0xCC, "Chassis Control action 6"),
            (0x02, [0x11], 0xCC, "Chassis Control reserved bits"),
            (0x04, [5, 0, 0], 0xC7, "Chassis Identify long"),
            (0x04, [5, 2], 0xCC, "Chassis Identify reserved force bits"),
            (0x05, [0, 0x20, 0x20, 0x20], 0xC7, "Set Chassis Capabilities short"),
            (0x05, [0, 0x20, 0x20, 0x20, 0x20, 0x20, 0], 0xC7, "Set Chassis Capabilities long"),
            (0x05, [0x04, 0x20, 0x20, 0x20, 0x20], 0xCC, "Set Chassis Capabilities reserved flag"),
            (0x06, [], 0xC7, "Set Power Restore Policy short"),
            (0x06, [4], 0xCC, "Set Power Restore Policy 4"),
            (0x06, [2, 0], 0xC7, "Set Power Restore Policy long"),
            (0x07, [1], 0xC7, "Get System Restart Cause long"),
            (0x08, [], 0xC7, "Set System Boot Options short"),
            (0x08, [0x05, 0x80, 0x04, 0, 0], 0xC7, "boot flags short"),
            (0x08, [0x05, 0x80, 0x04, 0, 0, 0, 0], 0xC7, "boot flags long"),
            (0x08, [0x05, 0x80, 0x28, 0, 0, 0], 0xCC, "boot flags reserved device 0xA"),
            (0x08, [0x00, 3], 0xCC, "set in progress 3"),
            (0x08, [0x03, 0x20], 0xCC, "valid bit clearing reserved bit"),
            (0x08, [0x07, 5] + [UInt8](repeating: 0, count: 16), 0xC9, "mailbox block 5"),
            (0x08, [0x07, 0] + [UInt8](repeating: 0, count: 17), 0xC7, "mailbox block too long"),
            (0x08, [0x08, 0], 0x80, "parameter 8"),
            (0x08, [0x60, 0], 0x80, "OEM parameter"),
            (0x09, [5, 0], 0xC7, "Get System Boot Options short"),
            (0x09, [5, 0, 0, 0], 0xC7, "Get System Boot Options long"),
            (0x09, [8, 0, 0], 0x80, "Get parameter 8"),
            (0x09, [7, 5, 0], 0xC9, "Get mailbox block 5"),
            (0x09, [0x85, 0, 0], 0xCC, "Get with bit 7 set"),
            (0x0A, [], 0xC7, "Set Front Panel Enables short"),
            (0x0A, [0x10], 0xCC, "Set Front Panel Enables reserved bits"),
            (0x0B, [], 0xC7, "Set Power Cycle Interval short"),
            (0x0B, [1, 2], 0xC7, "Set Power Cycle Interval long"),
            (0x0F, [0], 0xC7, "Get POH Counter long"),
            (0x03, [], 0xC1, "Chassis Reset (not implemented)"),
        ]
        for (command, data, expected, name) in cases {
            XCTAssertEqual(try code(command, data), expected, name)
        }
        XCTAssertEqual(platform.actions, [], "no bad request reached the platform")
        // Still answering.
        XCTAssertEqual(try code(0x01), 0)
    }

    func testStatusControlAndRestartCause() throws {
        var status = try call(0x01)
        XCTAssertEqual(Array(status.data.readableBytesView), [0x01, 0x00, 0x40, 0xF0])
        XCTAssertEqual(try code(0x02, [0]), 0)
        XCTAssertEqual(platform.actions, [.powerOff])
        status = try call(0x01)
        XCTAssertEqual(status.data.getInteger(at: status.data.readerIndex, as: UInt8.self)! & 1, 0, "off")
        // Cycle, reset, interrupt or soft-off of a chassis that is off: nothing happens (0xD5).
        for action: UInt8 in [2, 3, 4, 5] { XCTAssertEqual(try code(0x02, [action]), 0xD5) }
        XCTAssertEqual(try code(0x02, [1]), 0)
        XCTAssertEqual(try code(0x02, [2]), 0)
        XCTAssertEqual(platform.actions, [.powerOff, .powerOn, .powerCycle])
        status = try call(0x01)
        XCTAssertEqual(Array(status.data.readableBytesView), [0x01, 0x10, 0x40, 0xF0], "on, last powered on by command")
        XCTAssertEqual(Array(try call(0x07).data.readableBytesView), [0x01, 0x01], "chassis control, channel 1")
    }

    func testRefusedWithoutAHookAndFailuresPassedOn() throws {
        platform.unsupported = ["power_cycle"]
        XCTAssertEqual(try code(0x02, [2]), 0xD5)
        platform.outcome = .failed(.timeout)
        XCTAssertEqual(try code(0x02, [3]), 0xC3)
        XCTAssertTrue(bmc.bmc.chassis.recentActions.contains { $0.action == "power_cycle" && $0.outcome.contains("0xD5") })
    }

    func testIdentifyAsksThePlatformOnlyWhenTheLightChanges() throws {
        XCTAssertEqual(try code(0x04, [5]), 0)
        XCTAssertEqual(try code(0x04, [10]), 0)
        XCTAssertEqual(try code(0x04, [0, 1]), 0)
        var status = try call(0x01)
        XCTAssertEqual(status.data.getInteger(at: status.data.readerIndex + 2, as: UInt8.self), 0x60, "indefinite")
        XCTAssertEqual(try code(0x04, [0]), 0)
        XCTAssertEqual(platform.actions, [.identifyOn, .identifyOff])
        status = try call(0x01)
        XCTAssertEqual(status.data.getInteger(at: status.data.readerIndex + 2, as: UInt8.self), 0x40, "off")
    }

    func testBootFlagsPersistentAndNextBoot() throws {
        XCTAssertEqual(try code(0x08, [0x00, 1]), 0)
        XCTAssertEqual(try code(0x08, [0x00, 1]), 0x81, "set in progress twice")
        XCTAssertEqual(try code(0x08, [0x05, 0x80, 0x04, 0, 0, 0]), 0, "PXE next boot")
        XCTAssertEqual(try code(0x08, [0x00, 0]), 0)
        XCTAssertEqual(platform.actions, [.setBootDevice(selector: 1, persistent: false)])
        XCTAssertEqual(Array(try call(0x09, [5, 0, 0]).data.readableBytesView), [1, 5, 0x80, 0x04, 0, 0, 0])
        // Used up by the next restart.
        XCTAssertEqual(try code(0x02, [3]), 0)
        XCTAssertEqual(Array(try call(0x09, [5, 0, 0]).data.readableBytesView), [1, 5, 0x00, 0x04, 0, 0, 0])
        XCTAssertEqual(platform.actions.last, .setBootDevice(selector: 0, persistent: false))

        XCTAssertEqual(try code(0x08, [0x05, 0xC0, 0x08, 0, 0, 0]), 0, "disk, persistent")
        XCTAssertEqual(try code(0x02, [3]), 0)
        XCTAssertEqual(Array(try call(0x09, [5, 0, 0]).data.readableBytesView), [1, 5, 0xC0, 0x08, 0, 0, 0])
        XCTAssertEqual(try code(0x06, [1]), 0)
        // Non-volatile: a new BMC on the same state directory has them.
        let again = try TestBMC(stateDirectory: bmc.stateDirectory)
        XCTAssertEqual(again.bmc.bootFlags.bytes, [0xC0, 0x08, 0, 0, 0])
        XCTAssertEqual(again.bmc.chassisSettings.restorePolicy, .previous)

        XCTAssertEqual(try code(0x08, [0x07, 1, 0xAA, 0xBB]), 0)
        XCTAssertEqual(Array(try call(0x09, [7, 1, 0]).data.readableBytesView.prefix(5)), [1, 7, 1, 0xAA, 0xBB])
    }

    func testPowerRestorePolicyAnswersWhatIsSupported() throws {
        let response = try call(0x06, [3])
        XCTAssertEqual(Array(response.data.readableBytesView), [0x07])
        XCTAssertEqual(bmc.bmc.chassisSettings.restorePolicy, .alwaysOff, "3 changes nothing")
        XCTAssertEqual(try code(0x06, [2]), 0)
        XCTAssertEqual(try call(0x01).data.getInteger(at: 0, as: UInt8.self)! >> 5 & 3, 2)
    }

    func testDeferredReplyGoesOutWhenThePlatformIsDoneAndRetransmissionsAreNotRunAgain() throws {
        platform.holds = true
        let request = try console.request(.chassis, 0x02, [2])
        var output = ByteBuffer()
        guard case .later(let pending) = bmc.bmc.handleDatagram(request, from: bmc.remote, now: bmc.now, into: &output) else {
            return XCTFail("expected a deferred answer")
        }
        var sent: [ByteBuffer] = []
        pending.whenReady { sent.append($0) }
        // The console retransmits (same rqSeq, new session sequence): the hook is not run twice.
        console.requestSequence -= 1
        let again = try console.request(.chassis, 0x02, [2])
        XCTAssertEqual(bmc.bmc.handleDatagram(again, from: bmc.remote, now: bmc.now, into: &output), .none)
        XCTAssertEqual(platform.actions, [.powerCycle])
        // freeipmi retransmits with a new rqSeq: not run again either; the answer carries the new one.
        let freeipmiStyle = try console.request(.chassis, 0x02, [2])
        XCTAssertEqual(bmc.bmc.handleDatagram(freeipmiStyle, from: bmc.remote, now: bmc.now, into: &output), .none)
        XCTAssertEqual(platform.actions, [.powerCycle])
        // Meanwhile other requests are answered.
        XCTAssertEqual(try bmc.call(&console, .app, 0x01).completionCode, .ok)
        XCTAssertTrue(sent.isEmpty)
        platform.held.removeFirst()(.failed(.timeout))
        XCTAssertEqual(sent.count, 1)
        let response = try console.response(sent[0])
        XCTAssertEqual(response.completionCode, .timeout)
        XCTAssertEqual(response.command, 0x02)
        XCTAssertEqual(response.requesterSequence, console.requestSequence - 1, "the latest retransmission's rqSeq")
        // A retransmission that crossed the answer gets the same answer; the hook still ran once.
        let sequence = console.requestSequence
        console.requestSequence = response.requesterSequence - 1
        let late = try console.request(.chassis, 0x02, [2])
        console.requestSequence = sequence
        output.clear()
        XCTAssertEqual(bmc.bmc.handleDatagram(late, from: bmc.remote, now: bmc.now, into: &output), .sendNow)
        XCTAssertEqual(try console.response(output).completionCode, .timeout)
        XCTAssertEqual(platform.actions, [.powerCycle])
        // A different request runs.
        platform.holds = false
        XCTAssertEqual(try code(0x02, [3]), 0)
        XCTAssertEqual(platform.actions, [.powerCycle, .hardReset])
    }

    func testAnAnswerForASessionClosedMeanwhileIsDropped() throws {
        platform.holds = true
        var output = ByteBuffer()
        guard case .later(let pending) = bmc.bmc.handleDatagram(try console.request(.chassis, 0x02, [2]), from: bmc.remote,
                                                                 now: bmc.now, into: &output) else {
            return XCTFail("expected a deferred answer")
        }
        var sent = 0
        pending.whenReady { _ in sent += 1 }
        let id = console.managedSessionID
        XCTAssertEqual(try bmc.call(&console, .app, 0x3C, [UInt8(id & 0xFF), UInt8(id >> 8 & 0xFF), UInt8(id >> 16 & 0xFF),
                                                         UInt8(id >> 24)]).completionCode, .ok)
        platform.held.removeFirst()(.done)
        XCTAssertEqual(sent, 0)
        XCTAssertTrue(bmc.bmc.inFlight.isEmpty)
        XCTAssertTrue(bmc.bmc.chassis.isPoweredOn, "the cycle itself happened")
    }

    func testDeferralsAreBoundedPerSession() throws {
        platform.holds = true
        for interval in 1...UInt8(BMC.maximumDeferralsPerSession) {
            var output = ByteBuffer()
            _ = bmc.bmc.handleDatagram(try console.request(.chassis, 0x04, [interval]), from: bmc.remote, now: bmc.now, into: &output)
        }
        XCTAssertEqual(try code(0x04, [9]), 0xC0)
        XCTAssertEqual(platform.actions.count, BMC.maximumDeferralsPerSession)
    }

    func testClocksClearNextBootFlagsCountIdentifyDownAndPowerOnMinutes() throws {
        let loop = EmbeddedEventLoop()
        bmc.bmc.timers = BMCTimers(loop: loop)
        bmc.bmc.startChassis()
        // With a loop, even an immediate platform answers through it: the reply is deferred.
        func call(_ command: UInt8, _ data: [UInt8]) throws -> IPMIResponse {
            var output = ByteBuffer()
            let request = try console.request(.chassis, command, data)
            switch bmc.bmc.handleDatagram(request, from: bmc.remote, now: bmc.now, into: &output) {
            case .later(let pending):
                var packet: ByteBuffer?
                pending.whenReady { packet = $0 }
                loop.run()
                return try console.response(XCTUnwrap(packet))
            case .sendNow: return try console.response(output)
            case .none: throw NoAnswer()
            }
        }
        XCTAssertEqual(try call(0x08, [0x05, 0x80, 0x04, 0, 0, 0]).completionCode, .ok)
        loop.advanceTime(by: .seconds(59))
        XCTAssertTrue(bmc.bmc.bootFlags.isValid)
        loop.advanceTime(by: .seconds(2))
        XCTAssertFalse(bmc.bmc.bootFlags.isValid, "no Chassis Control within 60 s")
        XCTAssertEqual(platform.actions.last, .setBootDevice(selector: 0, persistent: false))
        // Parameter 3 bit 3 keeps them.
        XCTAssertEqual(try call(0x08, [0x03, 0x08]).completionCode, .ok)
        XCTAssertEqual(try call(0x08, [0x05, 0x80, 0x04, 0, 0, 0]).completionCode, .ok)
        loop.advanceTime(by: .seconds(61))
        XCTAssertTrue(bmc.bmc.bootFlags.isValid)

        XCTAssertEqual(try call(0x04, [5]).completionCode, .ok)
        loop.advanceTime(by: .seconds(4))
        XCTAssertNotEqual(bmc.bmc.chassis.identify, .off)
        loop.advanceTime(by: .seconds(1))
        XCTAssertEqual(bmc.bmc.chassis.identify, .off)
        XCTAssertEqual(platform.actions.suffix(2), [.identifyOn, .identifyOff])

        XCTAssertEqual(bmc.bmc.chassisSettings.powerOnMinutes, 2, "two minutes have passed, powered")
        XCTAssertEqual(try call(0x02, [0]).completionCode, .ok)
        loop.advanceTime(by: .seconds(120))
        XCTAssertEqual(bmc.bmc.chassisSettings.powerOnMinutes, 2, "not counted while off")
        let again = try TestBMC(stateDirectory: bmc.stateDirectory)
        XCTAssertEqual(again.bmc.chassisSettings.powerOnMinutes, 2, "saved")
        try loop.syncShutdownGracefully()
    }

    func testPEFPowerActionReachesThePlatform() throws {
        bmc.bmc.performPEFPowerAction(.powerCycle)
        XCTAssertEqual(platform.actions, [.powerCycle])
        XCTAssertEqual(bmc.bmc.chassis.restartCause, .pefPowerCycle)
    }

    func testPrivileges() throws {
        var user = try bmc.openSession(user: "watcher", password: "watcher-password-20b", privilege: .user)
        XCTAssertEqual(try bmc.call(&user, .chassis, 0x01).completionCode, .ok)
        XCTAssertEqual(try bmc.call(&user, .chassis, 0x0F).completionCode, .ok)
        XCTAssertEqual(try bmc.call(&user, .chassis, 0x02, [0]).completionCode, .insufficientPrivilege)
        XCTAssertEqual(try bmc.call(&user, .chassis, 0x09, [5, 0, 0]).completionCode, .insufficientPrivilege)
        XCTAssertEqual(platform.actions, [])
    }
}
