import Foundation
import IPMICore
import Logging
import NIOCore
import NIOPosix
import XCTest
@testable import ipmigod

/// A line card's link across its management module's restart, in one test process: the MM is
/// a BMC behind the daemon's own datagram handler on a loopback socket, the card a BMC with its
/// `LineCardLink`. The MM goes away (its socket closed, its BMC dropped) and comes back on the
/// same port and state directory; the card notices, reconnects with its backoff, and resends
/// what the MM has not confirmed, so every card SEL entry is in the MM's SEL exactly once.
final class LineCardLinkRestartTests: XCTestCase {
    private var folder = ""
    private var group: MultiThreadedEventLoopGroup!
    private var loop: (any EventLoop)!
    /// The card's own loop in the kill test: shutting it down is a kill -9 (nothing more is sent).
    private var cardGroup: MultiThreadedEventLoopGroup?

    override func setUp() {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("ipmigod-lclink-\(UUID().uuidString)").path
        group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        loop = group.next()
    }

    override func tearDown() {
        try? cardGroup?.syncShutdownGracefully()
        try? group.syncShutdownGracefully()
        try? FileManager.default.removeItem(atPath: folder)
    }

    private func configuration(_ role: ChassisRole, member: Int) throws -> BMCConfiguration {
        var configuration = try DaemonConfiguration.parse(EmbeddedConfiguration.simulate, file: EmbeddedConfiguration.simulateFileName).bmc
        configuration.stateDirectory = folder + "/\(member)"
        configuration.chassisRole = role
        return configuration
    }

    private func makeBMC(_ configuration: BMCConfiguration, on chosen: (any EventLoop)? = nil) throws -> NIOLoopBound<BMC> {
        let loop = chosen ?? self.loop!
        return try loop.submit {
            var logger = Logger(label: "test")
            logger.logLevel = .critical
            let bmc = try BMC(configuration: configuration, logger: logger)
            bmc.timers = BMCTimers(loop: loop)
            return NIOLoopBound(bmc, eventLoop: loop)
        }.wait()
    }

    /// The MM's socket: the daemon's datagram handler in front of its BMC.
    private func serve(_ bmc: NIOLoopBound<BMC>, port: Int) throws -> any Channel {
        try BMCSocket.open(host: "127.0.0.1", port: port, bmc: bmc).wait()
    }

    private func on<T: Sendable>(_ bmc: NIOLoopBound<BMC>, _ body: @escaping @Sendable (BMC) -> T) -> T {
        try! bmc.eventLoop.submit { body(bmc.value) }.wait()
    }

    /// The MM's SEL entries that came from slot 2's card (generator ID 84h).
    private func cardEntries(_ mm: NIOLoopBound<BMC>) -> [UInt8] {
        on(mm) { bmc in bmc.sel.latestEntries(bmc.sel.entryCount).filter { $0[7] == 0x84 && $0[11] == 0xEE }.map { $0[13] } }
    }

    private static func event(_ marker: UInt8) -> PlatformEvent {
        // As the card generates it (its IPMB address), on a sensor number its own sensors do not
        // use, with a marker in event data 1.
        PlatformEvent(generatorID: 0x0084, sensorType: 0x01, sensorNumber: 0xEE, isDeassertion: false, eventReadingType: 0x01,
                      eventData1: marker, eventData2: 0xFF, eventData3: 0xFF)
    }

    func testTheCardRelinksAfterTheManagementModuleRestartsAndItsSELEntriesAreLoggedOnce() throws {
        let port = UDPPort.free()
        var mm = try makeBMC(try configuration(.managementModule(ManagementModuleSettings(slotCount: 2)), member: 0))
        var channel = try serve(mm, port: port)
        var settings = LineCardSettings(slot: 2, managementModuleHost: "127.0.0.1", managementModulePort: port,
                                        userName: "admin", password: Array("admin".utf8))
        settings.heartbeatInterval = 0.5
        let card = try makeBMC(try configuration(.lineCard(settings), member: 2))
        let link = try loop.makeFutureWithTask { try await LineCardLink.start(bmc: card, settings: settings) }.wait()
        let ownRecords = on(mm) { $0.sdr.entries.count }

        XCTAssertTrue(waitUntil(5) { self.on(mm) { $0.sdr.entries.count } > ownRecords + 5 }, "the card's proxies on the MM")
        for marker: UInt8 in 1...3 { on(card) { $0.logEvent(Self.event(marker), source: "test") } }
        XCTAssertTrue(waitUntil(5) { self.cardEntries(mm).count == 3 }, "\(cardEntries(mm))")
        XCTAssertEqual(on(mm) { $0.sessions.byHandle.count }, 1, "the card's one session")

        // The MM goes away; the card logs on meanwhile and gives its session up after its tries.
        try channel.close().wait()
        for marker: UInt8 in 4...5 { on(card) { $0.logEvent(Self.event(marker), source: "test") } }
        Thread.sleep(forTimeInterval: 3.5)
        mm = try makeBMC(try configuration(.managementModule(ManagementModuleSettings(slotCount: 2)), member: 0))
        channel = try serve(mm, port: port)

        XCTAssertTrue(waitUntil(15) { self.cardEntries(mm).count >= 5 }, "\(cardEntries(mm))")
        Thread.sleep(forTimeInterval: 1)
        XCTAssertEqual(cardEntries(mm), [1, 2, 3, 4, 5], "each entry once, in order, across the restart")
        XCTAssertGreaterThan(on(mm) { $0.sdr.entries.count }, ownRecords + 5, "the proxies, kept or sent again")
        XCTAssertEqual(on(mm) { $0.sessions.byHandle.count }, 1, "one session: the old one died with the old MM")

        // A clean stop closes the session on the MM.
        try loop.flatSubmit { link.value.stop() }.wait()
        XCTAssertTrue(waitUntil(2) { self.on(mm) { $0.sessions.byHandle.count } == 0 })
        try channel.close().wait()
    }
}

extension LineCardLinkRestartTests {
    /// A card killed (its loop gone: no Close Session) and started again on its state: the MM
    /// keeps one session for the slot, the same proxies, and every entry once.
    func testACardKilledAndStartedAgainLeavesOneSessionAndLogsEachEntryOnce() throws {
        let port = UDPPort.free()
        let mm = try makeBMC(try configuration(.managementModule(ManagementModuleSettings(slotCount: 2)), member: 0))
        let channel = try serve(mm, port: port)
        defer { try? channel.close().wait() }
        var settings = LineCardSettings(slot: 2, managementModuleHost: "127.0.0.1", managementModulePort: port,
                                        userName: "admin", password: Array("admin".utf8))
        settings.heartbeatInterval = 0.5
        let cardConfiguration = try configuration(.lineCard(settings), member: 2)

        var card = try startCard(cardConfiguration, settings: settings)
        XCTAssertTrue(waitUntil(5) { self.on(mm) { $0.sdr.entries.count } > 10 }, "the card's proxies on the MM")
        for marker: UInt8 in 1...3 { on(card) { $0.logEvent(Self.event(marker), source: "test") } }
        XCTAssertTrue(waitUntil(5) { self.cardEntries(mm).count == 3 }, "\(cardEntries(mm))")
        let records = on(mm) { $0.sdr.entries.count }

        try cardGroup?.syncShutdownGracefully() // kill -9
        cardGroup = nil
        card = try startCard(cardConfiguration, settings: settings)
        for marker: UInt8 in 4...5 { on(card) { $0.logEvent(Self.event(marker), source: "test") } }
        XCTAssertTrue(waitUntil(10) { self.cardEntries(mm).count >= 5 }, "\(cardEntries(mm))")
        Thread.sleep(forTimeInterval: 1)
        XCTAssertEqual(cardEntries(mm), [1, 2, 3, 4, 5], "each entry once, in order, across the kill")
        XCTAssertEqual(on(mm) { $0.sdr.entries.count }, records, "the same proxies: none stale, none doubled")
        XCTAssertEqual(on(mm) { $0.sessions.byHandle.count }, 1, "the killed card's session closed at the new hello")
    }

    /// A card BMC and its link on a loop of their own.
    private func startCard(_ configuration: BMCConfiguration, settings: LineCardSettings) throws -> NIOLoopBound<BMC> {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        cardGroup = group
        let card = try makeBMC(configuration, on: group.next())
        _ = try group.next().makeFutureWithTask { try await LineCardLink.start(bmc: card, settings: settings) }.wait()
        return card
    }
}

/// A free loopback UDP port (bound, read, released).
enum UDPPort {
    static func free() -> Int {
        let channel = try! DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton).bind(host: "127.0.0.1", port: 0).wait()
        defer { try? channel.close().wait() }
        return channel.localAddress!.port!
    }
}

/// Polls `condition` every 10 ms until it holds or `seconds` pass; whether it held.
private func waitUntil(_ seconds: Double, _ condition: () -> Bool) -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if condition() { return true }
        usleep(10_000)
    }
    return condition()
}
