import Foundation
#if canImport(Glibc)
import Glibc
#endif
@testable import IPMICore
import NIOCore
import NIOEmbedded
import XCTest

/// A manual check with the real ipmitool and freeipmi against a management module whose line
/// card is linked in-process (no daemon needed): set IPMIGOD_MANUAL_PEERS=1 to run it. The
/// integration tests with real processes live in Tests/IntegrationTests.
final class ManualChassisPeerCheck: XCTestCase {
    func testRealClientsReadProxiesAndBridgeToTheCard() throws {
        guard ProcessInfo.processInfo.environment["IPMIGOD_MANUAL_PEERS"] == "1" else { throw XCTSkip("manual") }
        let sensors = [
            SensorDefinition(number: 1, name: "ASIC Temp", sensorType: 0x01, kind: .threshold, entityID: 0x07, unit: 1,
                             initialSettings: { var s = SensorSettings(); s.thresholds[.upperCritical] = 95; return s }()),
            SensorDefinition(number: 2, name: "PSU1 Presence", sensorType: 0x08,
                             kind: .discrete(eventReadingType: 0x6F, states: 0x0001), entityID: 0x0A),
            SensorDefinition(number: 3, name: "Fan1", sensorType: 0x04, kind: .threshold, entityID: 0x1D, unit: 18,
                             linearization: Linearization(m: 100)),
        ]
        let mm = ChassisHarness(try TestBMC(sensors: [SensorDefinition(number: 1, name: "MM Temp", sensorType: 0x01,
                                                                       kind: .threshold, entityID: 0x07, unit: 1)],
                                            chassisRole: .managementModule(ManagementModuleSettings(slotCount: 3, readingMaximumAge: 600, linkTimeout: 600))))
        let card = try TestBMC(sensors: sensors, chassisRole: .lineCard(LineCardSettings(
            slot: 2, managementModuleHost: "127.0.0.1", userName: "admin", password: Array("admin".utf8))))
        card.bmc.record([SensorSample(sensor: 0, value: 47), SensorSample(sensor: 1, value: 1), SensorSample(sensor: 2, value: 4200)])
        mm.bmc.record([SensorSample(sensor: 0, value: 33)])
        mm.now = .now()

        // The card's link, in-process: hello, SDR set, readings.
        let cardRemote = RemoteConsole(ipv4: [127, 0, 0, 1], port: 50002)
        var link = try mm.openSession(from: cardRemote)
        _ = try mm.call(&link, from: cardRemote, .oemGroup, 0x40,
                        LinkHello(slot: 2, ipmbAddress: 0x84, incarnation: 7, sdrDigest: 0).linkData)
        let records = card.bmc.sdr.entries.map { card.bmc.recordBytes($0) }
        let digest = ChassisLinkDigest.of(records)
        _ = try mm.call(&link, from: cardRemote, .oemGroup, 0x41, LinkSDRBegin(slot: 2, digest: digest, count: UInt16(records.count)).linkData)
        for (index, record) in records.enumerated() {
            _ = try mm.call(&link, from: cardRemote, .oemGroup, 0x42, LinkSDRRecord(slot: 2, digest: digest, index: UInt16(index), record: record).linkData)
        }
        XCTAssertEqual(try mm.call(&link, from: cardRemote, .oemGroup, 0x43, LinkSDRCommit(slot: 2, digest: digest).linkData).completionCode, .ok)
        var readings: [LinkReading] = []
        for sensor in sensors {
            card.bmc.answerInternally(netFn: .sensorEvent, command: 0x2D, data: [sensor.number], privilege: .user) { code, data in
                guard code == .ok, data.count >= 4 else { return }
                readings.append(LinkReading(lun: 0, number: sensor.number, reading: data[0], flags: data[1], state1: data[2], state2: data[3]))
            }
        }
        _ = try mm.call(&link, from: cardRemote, .oemGroup, 0x44, LinkReadings(slot: 2, readings: readings).linkData)
        let crossing = SELRecord(event: PlatformEvent(generatorID: 0x84, sensorType: 0x01, sensorNumber: 1, isDeassertion: false,
                                                      eventReadingType: 0x01, eventData1: 0x59, eventData2: 97, eventData3: 95),
                                 timestamp: 0)
        _ = try mm.call(&link, from: cardRemote, .oemGroup, 0x45, LinkSELEntry(slot: 2, sequence: 1, record: crossing).linkData)

        // A UDP socket for the MM; the card answers bridged requests through answerInternally.
        let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { _ = bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { _ = getsockname(fd, $0, &length) } }
        let port = Int(UInt16(bigEndian: address.sin_port))
        var timeout = timeval(tv_sec: 0, tv_usec: 100_000)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        func sendTo(_ packet: ByteBuffer, _ remote: RemoteConsole) {
            var to = sockaddr_in()
            to.sin_family = sa_family_t(AF_INET)
            to.sin_addr.s_addr = inet_addr("127.0.0.1")
            to.sin_port = remote.port.bigEndian
            let bytes = Array(packet.readableBytesView)
            withUnsafePointer(to: &to) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { _ = sendto(fd, bytes, bytes.count, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
        }
        // The link console sent hello, begin, the records, commit and readings: the card's next.
        var cardSequence = UInt32(5 + records.count)
        var cardAnswers: [ByteBuffer] = []
        mm.bmc.sendDatagram = { packet, remote in
            guard remote == cardRemote else { return sendTo(packet, remote) }
            guard case .rmcpPlus(_, let outer)? = try? RMCPFrame.parse(packet), let plain = link.protection?.decrypt(outer.payload),
                  let request = try? IPMIRequest.parse(plain)
            else { return }
            var reader = RequestReader(request.data)
            guard let bridged = try? LinkBridgedRequest(from: &reader) else { return }
            card.bmc.answerInternally(netFn: bridged.netFn, lun: bridged.lun, command: bridged.command, data: bridged.data,
                                      privilege: bridged.privilege) { code, data in
                var message = ByteBuffer()
                IPMIResponseWriter.write(respondingTo: request, to: &message) { body in
                    LinkBridgedResponse(completionCode: code.rawValue, data: data).write(to: &body)
                    return .ok
                }
                cardSequence += 1
                var output = ByteBuffer()
                let protection = link.protection!
                var writer = RMCPPlusPacketWriter(buffer: &output, payloadType: .ipmi, encrypted: protection.isEncrypted,
                                                  authenticated: protection.isAuthenticated, sessionID: link.managedSessionID,
                                                  sequence: cardSequence)
                protection.appendEncrypted(message.readableBytesView, sequence: cardSequence, to: &output)
                let signed = writer.endPayload(buffer: &output)
                let code = output.withUnsafeReadableBytes { protection.authCode(over: UnsafeRawBufferPointer(rebasing: $0[signed])) }
                code.write(to: &output)
                // Arrives after the datagram in hand, as over the network.
                cardAnswers.append(output)
            }
        }
        let stop = ManagedAtomicFlag()
        let serve: () -> Void = {
            // The BMC's loop is the server thread's own.
            let loop = EmbeddedEventLoop()
            mm.bmc.timers = BMCTimers(loop: loop)
            var buffer = [UInt8](repeating: 0, count: 2048)
            while !stop.isSet {
                var from = sockaddr_in()
                var fromLength = socklen_t(MemoryLayout<sockaddr_in>.size)
                let count = withUnsafeMutablePointer(to: &from) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { recvfrom(fd, &buffer, buffer.count, 0, $0, &fromLength) }
                }
                if count > 0 {
                    let remote = RemoteConsole(ipv4: [127, 0, 0, 1], port: UInt16(bigEndian: from.sin_port))
                    var output = ByteBuffer()
                    switch mm.bmc.handleDatagram(ByteBuffer(bytes: buffer[0..<count]), from: remote, now: .now(), into: &output) {
                    case .none: break
                    case .sendNow: sendTo(output, remote)
                    case .later(let pending): pending.whenReady { sendTo($0, remote) }
                    }
                }
                while !cardAnswers.isEmpty {
                    var ignored = ByteBuffer()
                    _ = mm.bmc.handleDatagram(cardAnswers.removeFirst(), from: cardRemote, now: .now(), into: &ignored)
                }
                loop.advanceTime(by: .milliseconds(count > 0 ? 0 : 100))
                loop.run()
                mm.bmc.tick(now: .now())
            }
        }
        let body = UnsafeTransfer(serve)
        let server = Thread { body.value() }
        server.start()
        defer { stop.set(); Thread.sleep(forTimeInterval: 0.3); close(fd) }

        func run(_ tool: String, _ arguments: [String]) -> String {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: tool)
            process.arguments = arguments
            let pipe = Pipe()
            process.standardOutput = pipe
            process.standardError = pipe
            try? process.run()
            let data = pipe.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            let text = String(decoding: data, as: UTF8.self)
            print("$ \(tool) \(arguments.joined(separator: " "))\n\(text)")
            return text
        }
        let lanplus = ["-I", "lanplus", "-H", "127.0.0.1", "-p", "\(port)", "-U", "admin", "-P", "admin"]
        let lan = ["-I", "lan", "-H", "127.0.0.1", "-p", "\(port)", "-U", "admin", "-P", "admin"]
        let elist = run("/usr/bin/ipmitool", lanplus + ["sdr", "elist"])
        XCTAssertTrue(elist.contains("S2 ASIC Temp"))
        XCTAssertTrue(elist.contains("47 degrees C"))
        let bridged = run("/usr/bin/ipmitool", lanplus + ["-t", "0x84", "-b", "0", "sdr", "elist"])
        XCTAssertTrue(bridged.contains("ASIC Temp"))
        XCTAssertTrue(bridged.contains("47 degrees C"))
        _ = run("/usr/bin/ipmitool", lan + ["-t", "0x84", "-b", "0", "mc", "info"])
        _ = run("/usr/bin/ipmitool", lanplus + ["-t", "0x84", "-b", "0", "sensor", "list"])
        _ = run("/usr/bin/ipmitool", lanplus + ["sensor", "list"])
        _ = run("/usr/bin/ipmitool", lanplus + ["sensor", "get", "S2 ASIC Temp"])
        _ = run("/usr/bin/ipmitool", lanplus + ["sdr", "elist", "all"])
        _ = run("/usr/bin/ipmitool", lanplus + ["sel", "elist"])
        _ = run("/usr/sbin/ipmi-sel", ["-h", "127.0.0.1:\(port)", "-u", "admin", "-p", "admin", "-l", "admin"])
        _ = run("/usr/sbin/ipmi-sensors", ["-h", "127.0.0.1:\(port)", "-u", "admin", "-p", "admin", "-l", "admin",
                                           "--quiet-cache", "--sdr-cache-recreate"])
        if ProcessInfo.processInfo.environment["IPMIGOD_MANUAL_DEBUG"] == "1" {
            _ = run("/usr/sbin/ipmi-sensors", ["-h", "127.0.0.1:\(port)", "-u", "admin", "-p", "admin", "-l", "admin",
                                               "--quiet-cache", "--debug", "-r", "16898"])
        }
        _ = run("/usr/sbin/ipmi-sensors", ["-h", "127.0.0.1:\(port)", "-u", "admin", "-p", "admin", "-l", "admin",
                                           "--target-channel-number=0", "--target-slave-address=0x84",
                                           "--quiet-cache", "--sdr-cache-recreate", "--bridge-sensors"])
        _ = run("/usr/sbin/bmc-info", ["-h", "127.0.0.1:\(port)", "-u", "admin", "-p", "admin", "-l", "admin",
                                       "--target-channel-number=0", "--target-slave-address=0x84"])
        _ = run("/usr/sbin/bmc-info", ["-h", "127.0.0.1:\(port)", "-u", "admin", "-p", "admin", "-l", "admin", "--get-channel-info"])
        _ = run("/usr/sbin/bmc-info", ["-h", "127.0.0.1:\(port)", "-u", "admin", "-p", "admin", "-l", "admin", "--get-channel-info",
                                       "--target-channel-number=0", "--target-slave-address=0x84", "--debug"])
    }
}

/// A flag set by one thread and read by another.
final class ManagedAtomicFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    var isSet: Bool { lock.withLock { value } }
    func set() { lock.withLock { value = true } }
}
