import Foundation
import IPMICore
import NIOCore
import NIOEmbedded
import XCTest

/// The BMC watchdog (IPMI 2.0 chapter 27): the countdown model on its own, then through the
/// BMC on a loop whose time the test moves, with a platform that records what it is asked.
final class WatchdogTests: XCTestCase {
    /// Records platform actions and succeeds at once.
    final class RecordingPlatform: PlatformActions, @unchecked Sendable {
        var performed: [(action: PlatformAction, reason: String)] = []
        func supports(_ action: PlatformAction) -> Bool { true }
        func perform(_ action: PlatformAction, reason: String,
                     completion: @escaping @Sendable (PlatformActionOutcome) -> Void) {
            performed.append((action, reason))
            completion(.done)
        }
    }

    let start = NIODeadline.uptimeNanoseconds(5_000_000_000)

    func smsOS(_ action: WatchdogTimeoutAction = .hardReset, countdown: UInt16 = 10,
               interrupt: WatchdogPreTimeoutInterrupt = .none, interval: UInt8 = 0) -> WatchdogSettings {
        WatchdogSettings(timerUse: .smsOS, timeoutAction: action, preTimeoutInterrupt: interrupt,
                         preTimeoutInterval: interval, initialCountdown: countdown)
    }

    // MARK: The model

    func testCountsDownIn100msUnitsAndExpiresOnce() throws {
        var watchdog = BMCWatchdog()
        XCTAssertThrowsError(try watchdog.reset(now: start)) { XCTAssertEqual($0 as? CompletionCode, CompletionCode(0x80)) }
        watchdog.set(smsOS(), dontStop: false, clearing: 0, now: start)
        XCTAssertFalse(watchdog.isRunning, "Set alone does not start it")
        XCTAssertEqual(watchdog.presentCountdown(now: start + .seconds(5)), 10)
        XCTAssertNil(watchdog.nextDeadline)

        try watchdog.reset(now: start)
        XCTAssertEqual(watchdog.nextDeadline, start + .seconds(1))
        XCTAssertEqual(watchdog.presentCountdown(now: start + .milliseconds(250)), 8, "rounded up")
        XCTAssertEqual(watchdog.presentCountdown(now: start + .milliseconds(999)), 1)
        XCTAssertNil(watchdog.advance(now: start + .milliseconds(999)))
        XCTAssertEqual(watchdog.advance(now: start + .seconds(1)), .expired(smsOS()))
        XCTAssertFalse(watchdog.isRunning)
        XCTAssertEqual(watchdog.presentCountdown(now: start + .seconds(2)), 0)
        XCTAssertEqual(watchdog.expirationFlags, 0x10, "SMS/OS is bit 4")
        XCTAssertNil(watchdog.advance(now: start + .seconds(3)), "an expired timer stays quiet")

        watchdog.set(smsOS(), dontStop: false, clearing: 0x02, now: start)
        XCTAssertEqual(watchdog.expirationFlags, 0x10, "only the flags named are cleared")
        watchdog.set(smsOS(), dontStop: false, clearing: 0x10, now: start)
        XCTAssertEqual(watchdog.expirationFlags, 0)
    }

    func testResetInTimeKeepsItFromExpiring() throws {
        var watchdog = BMCWatchdog()
        watchdog.set(smsOS(), dontStop: false, clearing: 0, now: start)
        var now = start
        try watchdog.reset(now: now)
        for _ in 0..<20 {
            now = now + .milliseconds(900)
            XCTAssertNil(watchdog.advance(now: now))
            try watchdog.reset(now: now)
        }
        XCTAssertTrue(watchdog.isRunning)
        XCTAssertEqual(watchdog.expirationFlags, 0)
    }

    func testDontStopKeepsARunningTimerRunningFromTheNewCountdown() throws {
        var watchdog = BMCWatchdog()
        watchdog.set(smsOS(countdown: 100), dontStop: true, clearing: 0, now: start)
        XCTAssertFalse(watchdog.isRunning, "a stopped timer stays stopped")
        try watchdog.reset(now: start)
        watchdog.set(smsOS(countdown: 20), dontStop: true, clearing: 0, now: start + .seconds(3))
        XCTAssertTrue(watchdog.isRunning)
        XCTAssertEqual(watchdog.nextDeadline, start + .seconds(5))
        watchdog.set(smsOS(countdown: 30), dontStop: false, clearing: 0, now: start + .seconds(4))
        XCTAssertFalse(watchdog.isRunning)
        XCTAssertEqual(watchdog.presentCountdown(now: start + .seconds(9)), 30)
    }

    func testPreTimeoutInterruptComesFirstAndThenOnlySetRestarts() throws {
        var watchdog = BMCWatchdog()
        let settings = smsOS(countdown: 50, interrupt: .nmi, interval: 2)
        watchdog.set(settings, dontStop: false, clearing: 0, now: start)
        try watchdog.reset(now: start)
        XCTAssertEqual(watchdog.nextDeadline, start + .seconds(3))
        XCTAssertFalse(watchdog.preTimeoutInterruptFlag)
        XCTAssertEqual(watchdog.advance(now: start + .seconds(3)), .preTimeout(settings))
        XCTAssertTrue(watchdog.preTimeoutInterruptFlag, "for Get Message Flags")
        XCTAssertThrowsError(try watchdog.reset(now: start + .seconds(4))) {
            XCTAssertEqual($0 as? CompletionCode, .notSupportedInPresentState)
        }
        XCTAssertEqual(watchdog.nextDeadline, start + .seconds(5))
        XCTAssertEqual(watchdog.advance(now: start + .seconds(5)), .expired(settings))
        try watchdog.reset(now: start + .seconds(6))
        XCTAssertEqual(watchdog.nextDeadline, start + .seconds(9), "a new countdown has its interrupt again")
    }

    func testEventsCarryTheWatchdogSensorAndTheSpecOffsets() {
        let sensor = WatchdogSensor(among: [])
        XCTAssertEqual(sensor.number, 0xFE)
        let event = sensor.event(for: .expired(smsOS(.powerCycle, interrupt: .nmi)))
        XCTAssertEqual(event.sensorType, 0x23)
        XCTAssertEqual(event.eventReadingType, 0x6F)
        XCTAssertEqual(event.eventData1, 0xC3, "power cycle; event data 2 is a sensor-specific extension")
        XCTAssertEqual(event.eventData2, 0x24, "NMI, SMS/OS")
        XCTAssertEqual(sensor.event(for: .preTimeout(smsOS())).offset, 8, "timer interrupt")
        let configured = SensorDefinition(number: 0x30, name: "Watchdog", sensorType: 0x23,
                                          kind: .discrete(eventReadingType: 0x6F, states: WatchdogSensor.states),
                                          entityID: 0x07, isEventOnly: true)
        let others = (1...0xFE).map {
            SensorDefinition(number: UInt8($0), name: "S\($0)", sensorType: 0x01, kind: .threshold, entityID: 7)
        }
        XCTAssertEqual(WatchdogSensor(among: [configured]).number, 0x30, "the configured one, so the SDR names it")
        XCTAssertEqual(WatchdogSensor(among: Array(others.dropLast())).number, 0xFE)
        XCTAssertEqual(WatchdogSensor(among: Array(others.dropFirst())).number, 0x01, "the highest free number")
    }

    // MARK: Through the BMC

    struct Harness {
        let test: TestBMC
        let loop = EmbeddedEventLoop()
        let platform = RecordingPlatform()
        let sink = PEFPipelineTests.PEFSink()
        var console: RMCPPlusConsole

        init() throws {
            test = try TestBMC()
            test.bmc.timers = BMCTimers(loop: loop)
            test.bmc.platform = platform
            test.bmc.alertSink = sink
            console = try test.openSession()
        }

        mutating func call(_ command: UInt8, _ data: [UInt8] = []) throws -> (CompletionCode, [UInt8]) {
            let response = try test.call(&console, .app, command, data)
            return (response.completionCode, Array(response.data.readableBytesView))
        }

        func lastSELEntry() -> [UInt8]? { test.bmc.sel.entry(SELRecord.lastEntryID)?.record.bytes }
    }

    func testExpiryLogsTheEventAlertsAndTakesItsAction() throws {
        var bmc = try Harness()
        // SMS/OS, hard reset, no pre-timeout, clear nothing, 1 s.
        XCTAssertEqual(try bmc.call(0x24, [0x04, 0x01, 0x00, 0x00, 0x0A, 0x00]).0, .ok)
        XCTAssertEqual(try bmc.call(0x25).1, [0x04, 0x01, 0x00, 0x00, 0x0A, 0x00, 0x0A, 0x00], "set, not running")
        XCTAssertEqual(try bmc.call(0x22).0, .ok)
        bmc.loop.advanceTime(by: .milliseconds(900))
        XCTAssertEqual(try bmc.call(0x25).1, [0x44, 0x01, 0x00, 0x00, 0x0A, 0x00, 0x01, 0x00], "running, 100 ms left")
        XCTAssertEqual(try bmc.call(0x22).0, .ok, "reset in time")
        bmc.loop.advanceTime(by: .milliseconds(900))
        XCTAssertTrue(bmc.platform.performed.isEmpty)
        XCTAssertNil(bmc.lastSELEntry())

        bmc.loop.advanceTime(by: .milliseconds(100))
        XCTAssertEqual(bmc.platform.performed.map(\.action), [.hardReset])
        XCTAssertEqual(bmc.platform.performed.first?.reason, "watchdog expired")
        let entry = try XCTUnwrap(bmc.lastSELEntry())
        XCTAssertEqual(Array(entry[10...15]), [0x23, 0xFE, 0x6F, 0xC1, 0x04, 0xFF], "Watchdog 2, hard reset, SMS/OS")
        XCTAssertEqual(bmc.sink.alerts.count, 1, "the default PEF filters alert on an expiry")
        XCTAssertEqual(bmc.sink.alerts.first?.event.sensorType, 0x23)
        XCTAssertEqual(try bmc.call(0x25).1, [0x04, 0x01, 0x00, 0x10, 0x0A, 0x00, 0x00, 0x00], "stopped, SMS/OS expired")

        bmc.loop.advanceTime(by: .seconds(5))
        XCTAssertEqual(bmc.platform.performed.count, 1, "once")
        XCTAssertEqual(try bmc.call(0x24, [0x04, 0x00, 0x00, 0x10, 0x0A, 0x00]).0, .ok)
        XCTAssertEqual(try bmc.call(0x25).1[3], 0x00, "flag cleared by Set")
    }

    func testDontLogAndNoActionAndTheInterrupt() throws {
        var bmc = try Harness()
        // Don't log, power down, 0.5 s.
        XCTAssertEqual(try bmc.call(0x24, [0x84, 0x02, 0x00, 0x00, 0x05, 0x00]).0, .ok)
        XCTAssertEqual(try bmc.call(0x22).0, .ok)
        bmc.loop.advanceTime(by: .seconds(1))
        XCTAssertEqual(bmc.platform.performed.map(\.action), [.powerOff])
        XCTAssertNil(bmc.lastSELEntry(), "don't log")
        XCTAssertFalse(bmc.test.bmc.chassis.isPoweredOn, "the power down went through chassis control")
        bmc.test.bmc.controlChassis(.powerUp, cause: .chassisControl, channel: 1, reason: "test") { _ in }
        bmc.loop.run()
        XCTAssertEqual(bmc.platform.performed.map(\.action), [.powerOff, .powerOn])
        XCTAssertEqual(bmc.test.bmc.chassis.restartCause, .chassisControl)

        // OS load, no action, NMI pre-timeout 1 s before a 3 s expiry.
        XCTAssertEqual(try bmc.call(0x24, [0x03, 0x20, 0x01, 0x00, 0x1E, 0x00]).0, .ok)
        XCTAssertEqual(try bmc.call(0x22).0, .ok)
        bmc.loop.advanceTime(by: .seconds(2))
        XCTAssertEqual(bmc.platform.performed.map(\.action), [.powerOff, .powerOn, .diagnosticInterrupt])
        XCTAssertEqual(bmc.lastSELEntry().map { Array($0[10...14]) }, [0x23, 0xFE, 0x6F, 0xC8, 0x23], "timer interrupt")
        XCTAssertEqual(try bmc.call(0x22).0, .notSupportedInPresentState, "past the pre-timeout only Set restarts it")
        bmc.loop.advanceTime(by: .seconds(1))
        XCTAssertEqual(bmc.platform.performed.count, 3, "no action")
        XCTAssertEqual(bmc.lastSELEntry().map { Array($0[10...14]) }, [0x23, 0xFE, 0x6F, 0xC0, 0x23], "timer expired")
        XCTAssertEqual(bmc.sink.alerts.count, 1, "the expiry alerts, the interrupt does not")
    }

    func testWatchdogCommandsRefuseBadRequests() throws {
        var bmc = try Harness()
        XCTAssertEqual(try bmc.call(0x22).0, CompletionCode(0x80), "never set")
        XCTAssertEqual(try bmc.call(0x25).1, [0, 0, 0, 0, 0, 0, 0, 0], "never set: all zero")
        let good: [UInt8] = [0x04, 0x01, 0x01, 0x00, 0x0A, 0x00]
        for (data, code, why) in [
            (Array(good.dropLast()), CompletionCode.requestDataLengthInvalid, "short"),
            (good + [0], .requestDataLengthInvalid, "long"),
            ([], .requestDataLengthInvalid, "empty"),
            ([0x00, 0x01, 0x00, 0x00, 0x0A, 0x00], .invalidDataField, "timer use 0 is reserved"),
            ([0x06, 0x01, 0x00, 0x00, 0x0A, 0x00], .invalidDataField, "timer use 6 is reserved"),
            ([0x04, 0x04, 0x00, 0x00, 0x0A, 0x00], .invalidDataField, "action 4 is reserved"),
            ([0x04, 0x41, 0x00, 0x00, 0x0A, 0x00], .invalidDataField, "interrupt 4 is reserved"),
            ([0x04, 0x21, 0x02, 0x00, 0x0A, 0x00], .invalidDataField, "pre-timeout interval past the countdown"),
            ([0x04, 0x21, 0xFF, 0x00, 0xFF, 0xFF], .ok, "25.5 s before 6553.5 s"),
            (good, .ok, "1 s before 1 s"),
        ] as [([UInt8], CompletionCode, String)] {
            XCTAssertEqual(try bmc.call(0x24, data).0, code, why)
        }
        XCTAssertEqual(try bmc.call(0x22, [0]).0, .requestDataLengthInvalid)
        XCTAssertEqual(try bmc.call(0x25, [0]).0, .requestDataLengthInvalid)

        var user = try bmc.test.openSession(user: "watcher", password: "watcher-password-20b", privilege: .user)
        XCTAssertEqual(try bmc.test.call(&user, .app, 0x25).completionCode, .ok, "Get is a user command")
        XCTAssertEqual(try bmc.test.call(&user, .app, 0x22).completionCode, .insufficientPrivilege, "Reset is an operator's")
        XCTAssertEqual(try bmc.test.call(&user, .app, 0x24, good).completionCode, .insufficientPrivilege)
    }

    func testZeroCountdownExpiresAtOnce() throws {
        var bmc = try Harness()
        XCTAssertEqual(try bmc.call(0x24, [0x04, 0x03, 0x00, 0x00, 0x00, 0x00]).0, .ok)
        XCTAssertEqual(try bmc.call(0x22).0, .ok)
        bmc.loop.run()
        XCTAssertEqual(bmc.platform.performed.map(\.action), [.powerCycle])
    }

    func testAnExpiryWithNoHookStillLogs() throws {
        var bmc = try Harness()
        bmc.test.bmc.platform = nil
        XCTAssertEqual(try bmc.call(0x24, [0x04, 0x01, 0x00, 0x00, 0x01, 0x00]).0, .ok)
        XCTAssertEqual(try bmc.call(0x22).0, .ok)
        bmc.loop.advanceTime(by: .milliseconds(100))
        XCTAssertEqual(bmc.lastSELEntry().map { $0[13] }, 0xC1)
    }
}

/// Cold and Warm Reset, Manufacturing Test On, and the ACPI power state (IPMI 2.0 chapter 20).
final class DeviceControlTests: XCTestCase {
    func testColdResetAnswersThenAsksTheDaemon() throws {
        var bmc = try WatchdogTests.Harness()
        XCTAssertEqual(try bmc.call(0x02).0, .notSupportedInPresentState, "no daemon to re-execute")
        let asked = NIOLockedCounter()
        bmc.test.bmc.onColdReset = { asked.increment() }
        XCTAssertEqual(try bmc.call(0x02, [0x00]).0, .requestDataLengthInvalid)
        XCTAssertEqual(try bmc.call(0x02).0, .ok)
        XCTAssertEqual(asked.value, 0, "not before the answer is out")
        bmc.loop.run()
        XCTAssertEqual(asked.value, 1)
    }

    func testWarmResetClearsVolatileState() throws {
        var bmc = try WatchdogTests.Harness()
        var other = try bmc.test.openSession()
        XCTAssertEqual(bmc.test.bmc.sessions.active.count, 2)
        // Volatile channel access: privilege limit down to user.
        XCTAssertEqual(try bmc.call(0x40, [0x0E, 0x00, 0x82]).0, .ok)
        XCTAssertEqual(bmc.test.bmc.channelAccess.volatile.privilegeLimit, .user)
        XCTAssertEqual(try bmc.call(0x24, [0x04, 0x01, 0x00, 0x00, 0x0A, 0x00]).0, .ok)
        XCTAssertEqual(try bmc.call(0x22).0, .ok)
        let reservation = bmc.test.bmc.sel.reserve()

        XCTAssertEqual(try bmc.call(0x03, [0x00]).0, .requestDataLengthInvalid)
        XCTAssertEqual(try bmc.call(0x03).0, .ok)
        XCTAssertEqual(bmc.test.bmc.sessions.active.count, 1, "only the session that asked")
        XCTAssertNil(bmc.test.send(try other.request(.app, 0x01)), "the other session is gone")
        XCTAssertEqual(bmc.test.bmc.channelAccess.volatile, bmc.test.bmc.channelAccess.nonVolatile)
        XCTAssertFalse(bmc.test.bmc.watchdog.isRunning)
        XCTAssertThrowsError(try bmc.test.bmc.sel.checkReservation(reservation))
        bmc.loop.advanceTime(by: .seconds(2))
        XCTAssertTrue(bmc.platform.performed.isEmpty, "the stopped watchdog does not fire")
        XCTAssertEqual(try bmc.call(0x01).0, .ok, "the asking session goes on")
    }

    /// Random data to every new command: each gets an answer, and the BMC goes on.
    func testRandomRequestsToTheNewCommandsAlwaysGetAnAnswer() throws {
        var bmc = try WatchdogTests.Harness()
        var random = SystemRandomNumberGenerator()
        let commands: [UInt8] = [0x02, 0x03, 0x05, 0x06, 0x07, 0x22, 0x24, 0x25]
        let answers: Set<UInt8> = [0x00, 0x80, 0xC7, 0xCC, 0xD5]
        for _ in 0..<2000 {
            let command = commands.randomElement(using: &random)!
            let data = (0..<Int.random(in: 0...8, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
            let code = try bmc.call(command, data).0
            XCTAssertTrue(answers.contains(code.rawValue), "command \(command) \(data): \(code)")
            bmc.loop.advanceTime(by: .milliseconds(Int64.random(in: 0...300, using: &random)))
        }
        XCTAssertEqual(try bmc.call(0x01).0, .ok)
    }

    func testManufacturingTestOnAndACPIPowerState() throws {
        var bmc = try WatchdogTests.Harness()
        XCTAssertEqual(try bmc.call(0x05).0, .ok)
        XCTAssertEqual(try bmc.call(0x05, [0x01]).0, .requestDataLengthInvalid)

        XCTAssertEqual(try bmc.call(0x07).1, [0x2A, 0x2A], "unknown until software says")
        XCTAssertEqual(try bmc.call(0x06, [0x80, 0x83]).0, .ok)
        XCTAssertEqual(try bmc.call(0x07).1, [0x00, 0x03], "S0/G0, D3")
        XCTAssertEqual(try bmc.call(0x06, [0x85, 0x7F]).0, .ok, "device: set to no change")
        XCTAssertEqual(try bmc.call(0x07).1, [0x05, 0x03])
        XCTAssertEqual(try bmc.call(0x06, [0x0B, 0x04]).0, .ok, "bit 7 clear: ignored, whatever the value")
        XCTAssertEqual(try bmc.call(0x07).1, [0x05, 0x03])
        for (data, why) in [([0x8B, 0x00], "system state 0Bh"), ([0x80, 0x84], "device state 04h"),
                            ([0xA2, 0x00], "system state 22h")] as [([UInt8], String)] {
            XCTAssertEqual(try bmc.call(0x06, data).0, .invalidDataField, why)
        }
        XCTAssertEqual(try bmc.call(0x06, [0x80]).0, .requestDataLengthInvalid)
        XCTAssertEqual(try bmc.call(0x06, [0x80, 0x80, 0x00]).0, .requestDataLengthInvalid)
        XCTAssertEqual(try bmc.call(0x07, [0x00]).0, .requestDataLengthInvalid)

        var user = try bmc.test.openSession(user: "watcher", password: "watcher-password-20b", privilege: .user)
        XCTAssertEqual(try bmc.test.call(&user, .app, 0x07).completionCode, .ok)
        for command: UInt8 in [0x02, 0x03, 0x05, 0x06] {
            XCTAssertEqual(try bmc.test.call(&user, .app, command, command == 0x06 ? [0x80, 0x80] : []).completionCode,
                           .insufficientPrivilege, "command \(command) is an administrator's")
        }
    }
}

/// Counts calls from a @Sendable closure.
final class NIOLockedCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func increment() { lock.withLock { count += 1 } }
    var value: Int { lock.withLock { count } }
}
