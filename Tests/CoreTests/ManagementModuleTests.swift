import Foundation
@testable import IPMICore
import NIOCore
import NIOEmbedded
import XCTest

/// The management module's side of the chassis: line cards say hello in their RMCP+ sessions,
/// push SDR sets, readings and SEL entries; the MM serves proxies, logs link events, and
/// bridges Send Message to the cards (shape A).
final class ManagementModuleTests: XCTestCase {
    static let slot: UInt8 = 2
    static let cardAddress: UInt8 = 0x84
    let cardRemote = RemoteConsole(ipv4: [127, 0, 0, 1], port: 50002)
    let clientRemote = RemoteConsole(ipv4: [127, 0, 0, 1], port: 40000)

    /// The line card's sensors as its own repository serves them (owner = its slot address).
    static let cardRecords: [[UInt8]] = {
        var settings = SensorSettings()
        settings.thresholds[.upperCritical] = 90
        settings.thresholds[.upperNonCritical] = 80
        settings.positiveHysteresis = 2
        let temperature = SensorDefinition(number: 1, name: "ASIC Temp", sensorType: 0x01, kind: .threshold,
                                           entityID: 0x07, unit: 1, initialSettings: settings)
        let presence = SensorDefinition(number: 2, name: "PSU1 Presence", sensorType: 0x08,
                                        kind: .discrete(eventReadingType: 0x6F, states: 0x0001), entityID: 0x0A)
        return [SDRRecord.sensor(Sensor(definition: temperature), id: 3, owner: cardAddress),
                SDRRecord.sensor(Sensor(definition: presence), id: 4, owner: cardAddress),
                SDRRecord.managementController(id: 1, name: "ipmigod BMC", capabilities: 0x2F, address: cardAddress)]
    }()

    private var folders: [String] = []

    override func tearDown() {
        for folder in folders { try? FileManager.default.removeItem(atPath: folder) }
    }

    private func managementModule(stateDirectory: String? = nil, sensors: [SensorDefinition] = [],
                                  slotCount: UInt8 = 3) throws -> ChassisHarness {
        let settings = ManagementModuleSettings(slotCount: slotCount, readingMaximumAge: 10, linkTimeout: 8)
        let test = try TestBMC(stateDirectory: stateDirectory, sensors: sensors, chassisRole: .managementModule(settings))
        folders.append(test.stateDirectory)
        return ChassisHarness(test)
    }

    // MARK: Hello and SDR sets

    func testLinkCommandsNeedAManagementModuleAValidSlotAndTheSlotsSession() throws {
        let standalone = try TestBMC()
        folders.append(standalone.stateDirectory)
        var console = try standalone.openSession()
        XCTAssertEqual(try standalone.call(&console, .oemGroup, 0x40, hello().linkData).completionCode, .invalidCommand)
        XCTAssertNil(standalone.bmc.lineCards)

        let mm = try managementModule()
        var card = try mm.openSession(from: cardRemote)
        // Slot 4 is beyond the MM's 3; slot 2 with slot 3's address.
        XCTAssertEqual(try mm.call(&card, from: cardRemote, .oemGroup, 0x40, hello(slot: 4).linkData).completionCode, .invalidDataField)
        XCTAssertEqual(try mm.call(&card, from: cardRemote, .oemGroup, 0x40,
                                   LinkHello(slot: 2, ipmbAddress: 0x86, incarnation: 1, sdrDigest: 0).linkData).completionCode,
                       .invalidDataField)
        // No hello yet in this session: the slot's messages are refused.
        XCTAssertEqual(try mm.call(&card, from: cardRemote, .oemGroup, 0x46, LinkHeartbeat(slot: 2).linkData).completionCode,
                       .notSupportedInPresentState)
        // An operator may not speak for a line card.
        var viewer = try mm.openSession(from: clientRemote, user: "watcher", password: "watcher-password-20b", privilege: .user)
        XCTAssertEqual(try mm.call(&viewer, from: clientRemote, .oemGroup, 0x46, LinkHeartbeat(slot: 2).linkData).completionCode,
                       .insufficientPrivilege)
    }

    func testSDRSetBecomesProxiesDurablyWithStableNumbersAndIDs() throws {
        let mm = try managementModule(sensors: [SensorDefinition(number: 1, name: "MM Temp", sensorType: 0x01,
                                                                 kind: .threshold, entityID: 0x07)])
        var card = try mm.openSession(from: cardRemote)
        let greeting = try XCTUnwrap(LinkHelloResponse.parse(try mm.call(&card, from: cardRemote, .oemGroup, 0x40, hello().linkData).data))
        XCTAssertEqual(greeting.sdrDigest, 0)
        XCTAssertEqual(greeting.selConfirmed, 0)
        let digest = try sendSDRSet(Self.cardRecords, to: mm, &card)

        let proxies = chassisRecords(mm.bmc).filter { $0[3] == 0x01 || $0[3] == 0x02 }
        // The link sensors of slots 1 to 3, and the card's two sensors.
        let temperature = try XCTUnwrap(proxies.first { name(of: $0) == "S2 ASIC Temp" })
        XCTAssertEqual(temperature[5], 0x20, "owned by the MM")
        XCTAssertEqual(temperature[6], 0, "on LUN 0, where freeipmi reads without bridging")
        XCTAssertNotEqual(temperature[7], 1, "never the MM's own sensor 1")
        XCTAssertEqual(temperature[8], 0x07)
        XCTAssertEqual(temperature[9], Self.slot, "entity instance = slot")
        XCTAssertEqual(temperature[37], 90, "thresholds as the card has them")
        XCTAssertNotNil(proxies.first { name(of: $0) == "S2 PSU1 Presence" })
        XCTAssertEqual(proxies.filter { name(of: $0).hasSuffix(" Link") }.map(name(of:)), ["Slot 1 Link", "Slot 2 Link", "Slot 3 Link"])
        let locator = try XCTUnwrap(chassisRecords(mm.bmc).first { $0[3] == 0x12 })
        XCTAssertEqual(locator[5], Self.cardAddress, "device slave address = the card's")
        XCTAssertEqual(name(of: locator), "Slot 2")
        // The card's own MC locator is not proxied.
        XCTAssertEqual(chassisRecords(mm.bmc).filter { $0[3] == 0x12 }.count, 1)

        // A restart keeps the set, its numbers and record IDs; the hello says which set it holds.
        let before = chassisRecords(mm.bmc)
        let restarted = try managementModule(stateDirectory: mm.stateDirectory,
                                             sensors: [SensorDefinition(number: 1, name: "MM Temp", sensorType: 0x01,
                                                                        kind: .threshold, entityID: 0x07)])
        XCTAssertEqual(chassisRecords(restarted.bmc), before)
        var again = try restarted.openSession(from: cardRemote)
        let reply = try XCTUnwrap(LinkHelloResponse.parse(try restarted.call(&again, from: cardRemote, .oemGroup, 0x40, hello().linkData).data))
        XCTAssertEqual(reply.sdrDigest, digest)

        // A commit sent again (its answer lost) is acknowledged; another digest is not.
        XCTAssertEqual(try restarted.call(&again, from: cardRemote, .oemGroup, 0x43, LinkSDRCommit(slot: 2, digest: digest).linkData).completionCode, .ok)
        XCTAssertEqual(try restarted.call(&again, from: cardRemote, .oemGroup, 0x43, LinkSDRCommit(slot: 2, digest: digest &+ 1).linkData).completionCode,
                       .notSupportedInPresentState)

        // A smaller set replaces it: the sensor that stayed keeps its number and record ID.
        _ = try sendSDRSet([Self.cardRecords[0]], to: restarted, &again)
        let after = chassisRecords(restarted.bmc)
        XCTAssertEqual(after.first { name(of: $0) == "S2 ASIC Temp" }, temperature)
        XCTAssertNil(after.first { name(of: $0) == "S2 PSU1 Presence" })
    }

    func testAProxyGivesUpANumberTheMMNowUsesItself() throws {
        let mm = try managementModule()
        var card = try mm.openSession(from: cardRemote)
        _ = try mm.call(&card, from: cardRemote, .oemGroup, 0x40, hello().linkData)
        _ = try sendSDRSet(Self.cardRecords, to: mm, &card)
        let proxy = try XCTUnwrap(chassisRecords(mm.bmc).first { name(of: $0) == "S2 ASIC Temp" })
        // The MM's configuration gained a sensor with the proxy's number.
        let restarted = try managementModule(stateDirectory: mm.stateDirectory, sensors: [
            SensorDefinition(number: proxy[7], lun: proxy[6], name: "New Temp", sensorType: 0x01, kind: .threshold, entityID: 0x07),
        ])
        let moved = try XCTUnwrap(chassisRecords(restarted.bmc).first { name(of: $0) == "S2 ASIC Temp" })
        XCTAssertNotEqual([moved[6], moved[7]], [proxy[6], proxy[7]])
        let keys = chassisRecords(restarted.bmc).filter { $0[3] <= 0x03 }.map { UInt16($0[6]) << 8 | UInt16($0[7]) }
        XCTAssertEqual(Set(keys).count, keys.count, "no two chassis sensors share a number")
    }

    func testClientRecordsStayBeforeTheChassisRecordsWhichClearAndDeleteLeave() throws {
        let mm = try managementModule()
        var card = try mm.openSession(from: cardRemote)
        _ = try mm.call(&card, from: cardRemote, .oemGroup, 0x40, hello().linkData)
        let before = mm.bmc.sdr.lastAddition
        _ = try sendSDRSet(Self.cardRecords, to: mm, &card)
        XCTAssertNotEqual(mm.bmc.sdr.lastAddition, before, "a new set is dated: SDR caches notice it")

        var client = try mm.openSession(from: clientRemote)
        let added = try mm.call(&client, from: clientRemote, .storage, 0x24, Self.cardRecords[1])
        XCTAssertEqual(added.completionCode, .ok)
        let id = UInt16(added.data.getInteger(at: added.data.readerIndex, endianness: .little, as: UInt16.self)!)
        XCTAssertLessThan(id, 0x4000)
        let ids = mm.bmc.sdr.entries.map(\.id)
        XCTAssertEqual(ids.firstIndex(of: id).map { $0 + 1 }, ids.firstIndex { $0 >= 0x4000 }, "added before the chassis records")

        // Delete refuses a chassis record; clear leaves them.
        let reservation = try mm.call(&client, from: clientRemote, .storage, 0x22).data
        let reserved = Array(reservation.readableBytesView)
        XCTAssertEqual(try mm.call(&client, from: clientRemote, .storage, 0x26, reserved + [0x00, 0x42]).completionCode,
                       .notSupportedInPresentState)
        let again = Array(try mm.call(&client, from: clientRemote, .storage, 0x22).data.readableBytesView)
        XCTAssertEqual(try mm.call(&client, from: clientRemote, .storage, 0x27, again + [0x43, 0x4C, 0x52, 0xAA]).completionCode, .ok)
        XCTAssertTrue(mm.bmc.sdr.entries.allSatisfy { $0.id >= 0x4000 })
        XCTAssertEqual(chassisRecords(mm.bmc).count, 3 + 1 + 2, "link sensors, the locator, the proxies")
    }

    func testSensorNumbersFillLUN0ThenLUNs1And3AndRunOut() {
        // LUN 0 taken but for 10h and 20h-21h; number 0 is never given.
        var allocator = SensorNumberAllocator(reserved: (1...0xFE).filter { ![0x10, 0x20, 0x21].contains($0) }.map { UInt16($0) })
        XCTAssertEqual(allocator.take(2).map { [$0.lun, $0.number] }, [0, 0x20], "a shared record's run fits")
        XCTAssertEqual(allocator.take(1).map { [$0.lun, $0.number] }, [0, 0x10])
        XCTAssertEqual(allocator.take(1).map { [$0.lun, $0.number] }, [1, 1])
        var full = SensorNumberAllocator(reserved: [0, 1, 3].flatMap { lun in (1...0xFE).map { UInt16(lun) << 8 | UInt16($0) } })
        XCTAssertNil(full.take(1))
    }

    func testASensorNamedTwiceGetsOneProxyAndSlotsBeyondTheCountAreForgotten() throws {
        let mm = try managementModule()
        var card = try mm.openSession(from: cardRemote)
        _ = try mm.call(&card, from: cardRemote, .oemGroup, 0x40, hello().linkData)
        _ = try sendSDRSet([Self.cardRecords[0], Self.cardRecords[0]], to: mm, &card)
        XCTAssertEqual(chassisRecords(mm.bmc).count { name(of: $0) == "S2 ASIC Temp" }, 1)

        // The chassis shrank to one slot: slot 2's set and numbers go.
        let smaller = try managementModule(stateDirectory: mm.stateDirectory, slotCount: 1)
        XCTAssertEqual(chassisRecords(smaller.bmc).map(name(of:)), ["Slot 1 Link"])
        XCTAssertEqual(smaller.bmc.lineCards?.state.allocations.count, 1)
    }

    func testIncompleteOrWrongSDRSetsAreRefused() throws {
        let mm = try managementModule()
        var card = try mm.openSession(from: cardRemote)
        _ = try mm.call(&card, from: cardRemote, .oemGroup, 0x40, hello().linkData)
        let digest = ChassisLinkDigest.of(Self.cardRecords)
        XCTAssertEqual(try mm.call(&card, from: cardRemote, .oemGroup, 0x43, LinkSDRCommit(slot: 2, digest: digest).linkData).completionCode,
                       .notSupportedInPresentState, "no begin")
        _ = try mm.call(&card, from: cardRemote, .oemGroup, 0x41, LinkSDRBegin(slot: 2, digest: digest, count: 3).linkData)
        _ = try mm.call(&card, from: cardRemote, .oemGroup, 0x42,
                        LinkSDRRecord(slot: 2, digest: digest, index: 0, record: Self.cardRecords[0]).linkData)
        XCTAssertEqual(try mm.call(&card, from: cardRemote, .oemGroup, 0x43, LinkSDRCommit(slot: 2, digest: digest).linkData).completionCode,
                       .notSupportedInPresentState, "records missing")
        XCTAssertEqual(try mm.call(&card, from: cardRemote, .oemGroup, 0x42,
                                   LinkSDRRecord(slot: 2, digest: digest, index: 3, record: Self.cardRecords[0]).linkData).completionCode,
                       .parameterOutOfRange)
        XCTAssertEqual(try mm.call(&card, from: cardRemote, .oemGroup, 0x42, ChassisLink.enterprise + [2, 0, 0]).completionCode,
                       .requestDataLengthInvalid)
        XCTAssertTrue(chassisRecords(mm.bmc).allSatisfy { !name(of: $0).hasPrefix("S2 ") })
    }

    // MARK: Readings

    func testProxyReadingsComeFromTheCardAndGoUnavailableWhenItIsSilent() throws {
        let mm = try managementModule()
        var card = try mm.openSession(from: cardRemote)
        _ = try mm.call(&card, from: cardRemote, .oemGroup, 0x40, hello().linkData)
        _ = try sendSDRSet(Self.cardRecords, to: mm, &card)
        let proxy = try XCTUnwrap(chassisRecords(mm.bmc).first { name(of: $0) == "S2 ASIC Temp" })
        let (lun, number) = (proxy[6], proxy[7])

        // Before any reading: unavailable.
        XCTAssertEqual(answer(mm.bmc, .sensorEvent, 0x2D, [number], lun: lun).1, [0x00, 0xE0, 0xC0, 0x80])
        let reading = LinkReading(lun: 0, number: 1, reading: 55, flags: 0xC0, state1: 0xC0, state2: 0x80)
        XCTAssertEqual(try mm.call(&card, from: cardRemote, .oemGroup, 0x44, LinkReadings(slot: 2, readings: [reading]).linkData).completionCode, .ok)
        XCTAssertEqual(answer(mm.bmc, .sensorEvent, 0x2D, [number], lun: lun, now: mm.now).1, [55, 0xC0, 0xC0, 0x80])
        // Thresholds, hysteresis and factors from the proxy's record; setting them is the card's business.
        let thresholds = answer(mm.bmc, .sensorEvent, 0x27, [number], lun: lun)
        XCTAssertEqual(thresholds.0, .ok)
        XCTAssertEqual(thresholds.1[5], 90)
        XCTAssertEqual(answer(mm.bmc, .sensorEvent, 0x25, [number, 0xFF], lun: lun).1, [2, 0])
        XCTAssertEqual(answer(mm.bmc, .sensorEvent, 0x23, [number, 0], lun: lun).0, .ok)
        XCTAssertEqual(answer(mm.bmc, .sensorEvent, 0x26, [number, 0x10, 0, 0, 0, 0, 99, 0], lun: lun).0, .notSupportedInPresentState)
        XCTAssertEqual(answer(mm.bmc, .sensorEvent, 0x2D, [], lun: lun).0, .requestDataLengthInvalid)

        // Silent longer than the maximum age: unavailable again.
        XCTAssertEqual(answer(mm.bmc, .sensorEvent, 0x2D, [number], lun: lun, now: mm.now + .seconds(11)).1, [0x00, 0xE0, 0xC0, 0x80])
        // A heartbeat refreshes it.
        mm.now = mm.now + .seconds(11)
        _ = try mm.call(&card, from: cardRemote, .oemGroup, 0x46, LinkHeartbeat(slot: 2).linkData)
        XCTAssertEqual(answer(mm.bmc, .sensorEvent, 0x2D, [number], lun: lun, now: mm.now).1, [55, 0xC0, 0xC0, 0x80])
    }

    // MARK: SEL entries and link events

    func testCardSELEntriesAreLoggedOnceWithTheirGeneratorAcrossReconnectsAndRestarts() throws {
        let mm = try managementModule()
        var card = try mm.openSession(from: cardRemote)
        _ = try mm.call(&card, from: cardRemote, .oemGroup, 0x40, hello().linkData)
        _ = try sendSDRSet(Self.cardRecords, to: mm, &card)
        let crossing = SELRecord(event: PlatformEvent(generatorID: UInt16(Self.cardAddress), sensorType: 0x01, sensorNumber: 1,
                                                      isDeassertion: false, eventReadingType: 0x01, eventData1: 0x59),
                                 timestamp: 0)
        for (sequence, confirmed): (UInt32, UInt32) in [(1, 1), (2, 2), (2, 2), (1, 2)] {
            let response = try mm.call(&card, from: cardRemote, .oemGroup, 0x45,
                                       LinkSELEntry(slot: 2, sequence: sequence, record: crossing).linkData)
            XCTAssertEqual(response.completionCode, .ok)
            XCTAssertEqual(LinkSELConfirmation.parse(response.data)?.confirmed, confirmed)
        }
        XCTAssertEqual(mm.bmc.sel.entryCount, 2)
        // The card reconnects (a new session, a new hello) and resends what it is unsure of.
        var reconnected = try mm.openSession(from: cardRemote)
        let greeting = try XCTUnwrap(LinkHelloResponse.parse(try mm.call(&reconnected, from: cardRemote, .oemGroup, 0x40,
                                                                         hello(incarnation: 9).linkData).data))
        XCTAssertEqual(greeting.selConfirmed, 2)
        XCTAssertThrowsError(try mm.call(&card, from: cardRemote, .oemGroup, 0x45,
                                         LinkSELEntry(slot: 2, sequence: 3, record: crossing).linkData),
                             "the hello closed the old session: nothing answers in it")
        _ = try mm.call(&reconnected, from: cardRemote, .oemGroup, 0x45, LinkSELEntry(slot: 2, sequence: 2, record: crossing).linkData)
        XCTAssertEqual(mm.bmc.sel.entryCount, 2)
        card = reconnected
        let logged = try XCTUnwrap(mm.bmc.sel.entry(0)).record
        XCTAssertEqual(logged[7], Self.cardAddress, "generator ID = the card's address")
        XCTAssertEqual(logged[11], 1, "the card's sensor number")
        // The PET names the slot as the entity instance.
        let entity = mm.bmc.sensorEntity(generatorID: UInt16(Self.cardAddress), number: 1)
        XCTAssertEqual(entity.id, 0x07)
        XCTAssertEqual(entity.instance, Self.slot)

        // A restarted MM still knows what it logged, even after a SEL clear.
        let reservation = try mm.call(&card, from: cardRemote, .storage, 0x42)
        _ = try mm.call(&card, from: cardRemote, .storage, 0x47, Array(reservation.data.readableBytesView) + [0x43, 0x4C, 0x52, 0xAA])
        let restarted = try managementModule(stateDirectory: mm.stateDirectory)
        var again = try restarted.openSession(from: cardRemote)
        let reply = try XCTUnwrap(LinkHelloResponse.parse(try restarted.call(&again, from: cardRemote, .oemGroup, 0x40, hello().linkData).data))
        XCTAssertEqual(reply.selConfirmed, 2)
        _ = try restarted.call(&again, from: cardRemote, .oemGroup, 0x45, LinkSELEntry(slot: 2, sequence: 2, record: crossing).linkData)
        XCTAssertEqual(restarted.bmc.sel.entryCount, 0)
        _ = try restarted.call(&again, from: cardRemote, .oemGroup, 0x45, LinkSELEntry(slot: 2, sequence: 3, record: crossing).linkData)
        XCTAssertEqual(restarted.bmc.sel.entryCount, 1)
    }

    func testACardEventGoesThroughTheMMsPEFWithTheSlotAsEntityInstance() throws {
        let mm = try managementModule()
        let sink = AlertIntegrityTests.Sink()
        mm.bmc.alertSink = sink
        var card = try mm.openSession(from: cardRemote)
        _ = try mm.call(&card, from: cardRemote, .oemGroup, 0x40, hello().linkData)
        _ = try sendSDRSet(Self.cardRecords, to: mm, &card)
        let crossing = SELRecord(event: PlatformEvent(generatorID: UInt16(Self.cardAddress), sensorType: 0x01, sensorNumber: 1,
                                                      isDeassertion: false, eventReadingType: 0x01, eventData1: 0x59,
                                                      eventData2: 95, eventData3: 90), timestamp: 0)
        _ = try mm.call(&card, from: cardRemote, .oemGroup, 0x45, LinkSELEntry(slot: 2, sequence: 1, record: crossing).linkData)
        // Past PEF's startup delay, if any.
        var now = mm.bmc.pef.startedAt
        mm.bmc.pef.clock = { now }
        now = now + .seconds(120)
        mm.bmc.tick(now: mm.now)
        let alert = try XCTUnwrap(sink.alerts.first)
        XCTAssertEqual(alert.event.generatorID, UInt16(Self.cardAddress))
        XCTAssertEqual(alert.event.sensorNumber, 1)
        XCTAssertEqual(alert.context.entityID, 0x07)
        XCTAssertEqual(alert.context.entityInstance, Self.slot)
        // The PET names the MM's proxy of the card's sensor, so the MM's SDR decodes it.
        XCTAssertEqual(alert.context.sensorDevice, 0x20)
        let proxy = try XCTUnwrap(chassisRecords(mm.bmc).first { name(of: $0) == "S2 ASIC Temp" })
        XCTAssertEqual(alert.context.sensorNumber, proxy[7])
    }

    func testLinkLostAndBackAreLoggedAndTheOldSessionIsClosed() throws {
        let mm = try managementModule()
        var card = try mm.openSession(from: cardRemote)
        _ = try mm.call(&card, from: cardRemote, .oemGroup, 0x40, hello().linkData)
        XCTAssertEqual(mm.bmc.sessions.active.count, 1)
        let link = try XCTUnwrap(chassisRecords(mm.bmc).first { name(of: $0) == "Slot 2 Link" })
        XCTAssertEqual(answer(mm.bmc, .sensorEvent, 0x2D, [link[7]], lun: link[6]).1, [0, 0xC0, 0x00, 0x80])

        // A reconnect (the card restarted) closes the older session; no event.
        var second = try mm.openSession(from: cardRemote)
        _ = try mm.call(&second, from: cardRemote, .oemGroup, 0x40, hello(incarnation: 2).linkData)
        XCTAssertEqual(mm.bmc.sessions.active.count, 1)
        XCTAssertEqual(mm.bmc.sel.entryCount, 0)

        // Silent past the link timeout: lost, its session closed, the event logged.
        mm.bmc.tick(now: mm.now + .seconds(9))
        XCTAssertEqual(mm.bmc.sessions.active.count, 0)
        XCTAssertEqual(mm.bmc.sel.entryCount, 1)
        let lost = try XCTUnwrap(mm.bmc.sel.entry(0)).record
        XCTAssertEqual([lost[7], lost[10], lost[11], lost[12], lost[13] & 0x0F], [0x20, 0x28, link[7], 0x6F, 0x03])
        XCTAssertEqual(lost[8] & 0x03, link[6], "the link sensor's LUN")
        XCTAssertEqual(answer(mm.bmc, .sensorEvent, 0x2D, [link[7]], lun: link[6]).1, [0, 0xC0, 0x08, 0x80])
        XCTAssertEqual(mm.bmc.sensorEntity(generatorID: UInt16(lost[7]) | UInt16(lost[8]) << 8, number: lost[11]).instance, Self.slot)
        mm.bmc.tick(now: mm.now + .seconds(20))
        XCTAssertEqual(mm.bmc.sel.entryCount, 1, "logged once")

        // Back: a hello in a new session deasserts it.
        mm.now = mm.now + .seconds(20)
        var third = try mm.openSession(from: cardRemote)
        _ = try mm.call(&third, from: cardRemote, .oemGroup, 0x40, hello(incarnation: 3).linkData)
        XCTAssertEqual(mm.bmc.sel.entryCount, 2)
        let back = try XCTUnwrap(mm.bmc.sel.entry(0xFFFF)).record
        XCTAssertEqual(back[12], 0x80 | 0x6F, "deassertion")
    }

    func testALostLinkIsStillBackAfterAnMMRestartAndASilentCardIsLostAfterOne() throws {
        let mm = try managementModule()
        var card = try mm.openSession(from: cardRemote)
        _ = try mm.call(&card, from: cardRemote, .oemGroup, 0x40, hello().linkData)
        _ = try sendSDRSet(Self.cardRecords, to: mm, &card)
        mm.bmc.tick(now: mm.now + .seconds(9))
        XCTAssertEqual(mm.bmc.sel.entryCount, 1, "lost")

        // The MM restarts while the link is lost: the card's return is still logged.
        let restarted = try managementModule(stateDirectory: mm.stateDirectory)
        var again = try restarted.openSession(from: cardRemote)
        _ = try restarted.call(&again, from: cardRemote, .oemGroup, 0x40, hello(incarnation: 2).linkData)
        XCTAssertEqual(restarted.bmc.sel.entryCount, 2)
        XCTAssertEqual(try XCTUnwrap(restarted.bmc.sel.entry(0xFFFF)).record[12], 0x80 | 0x6F, "link back")

        // Restarted again with the link up, and the card never comes back: lost a link timeout later.
        let silent = try managementModule(stateDirectory: mm.stateDirectory)
        silent.bmc.tick(now: silent.now)
        XCTAssertEqual(silent.bmc.sel.entryCount, 2)
        silent.bmc.tick(now: silent.now + .seconds(9))
        XCTAssertEqual(silent.bmc.sel.entryCount, 3)
        XCTAssertEqual(try XCTUnwrap(silent.bmc.sel.entry(0xFFFF)).record[12], 0x6F, "link lost")
    }

    func testACardEntryKeepsTheCardsTimestamp() throws {
        let mm = try managementModule()
        var card = try mm.openSession(from: cardRemote)
        _ = try mm.call(&card, from: cardRemote, .oemGroup, 0x40, hello().linkData)
        let crossing = SELRecord(event: PlatformEvent(generatorID: UInt16(Self.cardAddress), sensorType: 0x01, sensorNumber: 1,
                                                      isDeassertion: false, eventReadingType: 0x01, eventData1: 0x59),
                                 timestamp: 0x6000_0000)
        _ = try mm.call(&card, from: cardRemote, .oemGroup, 0x45, LinkSELEntry(slot: 2, sequence: 1, record: crossing).linkData)
        XCTAssertEqual(try XCTUnwrap(mm.bmc.sel.entry(0)).record.timestamp, 0x6000_0000, "when it happened on the card")
    }

    // MARK: Send Message

    func testSendMessageToALineCardAnswersInShapeA() throws {
        let mm = try managementModule()
        let loop = mm.runOnEmbeddedLoop()
        var card = try mm.openSession(from: cardRemote)
        _ = try mm.call(&card, from: cardRemote, .oemGroup, 0x40, hello().linkData)
        var client = try mm.openSession(from: clientRemote, suite: 17)

        // ipmitool -t 0x84 -b 0 mc info: Get Device ID bridged to slot 2, inner rqSeq 5.
        let request = sendMessage(to: Self.cardAddress, netFn: .app, command: 0x01, sequence: 5)
        XCTAssertNil(try mm.callLater(&client, from: clientRemote, .app, 0x34, request), "waits for the card")
        let forwarded = try XCTUnwrap(mm.sent.first)
        XCTAssertEqual(forwarded.1, cardRemote)
        let toCard = try openRequest(forwarded.0, console: card)
        XCTAssertEqual(toCard.netFn, .oemGroup)
        XCTAssertEqual(toCard.command, 0x48)
        var reader = RequestReader(toCard.data)
        let bridged = try LinkBridgedRequest(from: &reader)
        XCTAssertEqual(bridged, LinkBridgedRequest(privilege: .administrator, netFn: .app, lun: 0, command: 0x01, data: []))

        // The card answers in its session; the MM answers the client twice.
        mm.sent.removeAll()
        var answerMessage = ByteBuffer()
        IPMIResponseWriter.write(respondingTo: toCard, to: &answerMessage) { body in
            LinkBridgedResponse(completionCode: 0, data: Array(1...15)).write(to: &body)
            return .ok
        }
        XCTAssertNil(mm.send(wrapAsConsole(answerMessage, console: card, sequence: 10), from: cardRemote))
        loop.run()
        let first = try XCTUnwrap(mm.pendingPackets.first)
        let response = try client.response(first)
        XCTAssertEqual(response.command, 0x34)
        XCTAssertEqual(response.completionCode, .ok)
        XCTAssertEqual(response.data.readableBytes, 0, "the 8-byte Send Message response")
        let second = try XCTUnwrap(mm.sent.first)
        XCTAssertEqual(second.1, clientRemote)
        let bridgedAnswer = try client.response(second.0)
        XCTAssertEqual(bridgedAnswer.command, 0x01)
        XCTAssertEqual(bridgedAnswer.netFn, 0x07)
        XCTAssertEqual(bridgedAnswer.requesterSequence, 5)
        XCTAssertEqual(Array(bridgedAnswer.data.readableBytesView), Array(1...15))
        XCTAssertEqual(try sessionSequence(second.0), try sessionSequence(first) + 1, "the next session sequence number")

        // ipmitool retransmits the same Send Message when the second packet was lost: both again.
        mm.sent.removeAll()
        mm.pendingPackets.removeAll()
        client.requestSequence = (client.requestSequence &- 1) & 0x3F
        let repeated = try XCTUnwrap(mm.send(try client.request(.app, 0x34, request), from: clientRemote))
        XCTAssertEqual(try client.response(repeated).command, 0x34)
        loop.run()
        XCTAssertEqual(try client.response(try XCTUnwrap(mm.sent.first).0).command, 0x01)

        // A card that does not answer within 800 ms: 0x83.
        mm.sent.removeAll()
        XCTAssertNil(try mm.callLater(&client, from: clientRemote, .app, 0x34, sendMessage(to: Self.cardAddress, netFn: .app, command: 0x01, sequence: 6)))
        XCTAssertEqual(mm.sent.count, 1)
        loop.advanceTime(by: .milliseconds(801))
        XCTAssertEqual(try client.response(try XCTUnwrap(mm.pendingPackets.last)).completionCode, CompletionCode(0x83))
    }

    func testBridgesWaitingPerSessionAreBounded() throws {
        let mm = try managementModule()
        let loop = mm.runOnEmbeddedLoop()
        var card = try mm.openSession(from: cardRemote)
        _ = try mm.call(&card, from: cardRemote, .oemGroup, 0x40, hello().linkData)
        var client = try mm.openSession(from: clientRemote)
        for sequence: UInt8 in 1...4 {
            XCTAssertNil(try mm.callLater(&client, from: clientRemote, .app, 0x34,
                                          sendMessage(to: Self.cardAddress, netFn: .app, command: 0x01, sequence: sequence)))
        }
        XCTAssertEqual(mm.sent.count, 4)
        let fifth = try mm.call(&client, from: clientRemote, .app, 0x34, sendMessage(to: Self.cardAddress, netFn: .app, command: 0x01, sequence: 5))
        XCTAssertEqual(fifth.completionCode, .nodeBusy)
        // Once they time out (0x83 each), there is room again.
        loop.advanceTime(by: .milliseconds(801))
        XCTAssertEqual(mm.pendingPackets.count, 4)
        XCTAssertNil(try mm.callLater(&client, from: clientRemote, .app, 0x34,
                                      sendMessage(to: Self.cardAddress, netFn: .app, command: 0x01, sequence: 6)))
    }

    func testSendMessageToItselfRunsLocallyAndAbsentTargetsGet83() throws {
        let mm = try managementModule()
        let loop = mm.runOnEmbeddedLoop()
        var client = try mm.openSession(from: clientRemote)
        XCTAssertNil(try mm.callLater(&client, from: clientRemote, .app, 0x34, sendMessage(to: 0x20, netFn: .app, command: 0x01, sequence: 9)))
        XCTAssertTrue(mm.sent.isEmpty, "nothing before the Send Message response")
        loop.run()
        XCTAssertEqual(try client.response(try XCTUnwrap(mm.pendingPackets.first)).data.readableBytes, 0)
        let local = try client.response(try XCTUnwrap(mm.sent.first).0)
        XCTAssertEqual(local.command, 0x01)
        XCTAssertEqual(local.requesterSequence, 9)
        XCTAssertEqual(local.data.readableBytes, 15)

        // Slot 3 never connected; 0x90 is no slot of this MM.
        for target: UInt8 in [0x86, 0x90] {
            let answer = try mm.call(&client, from: clientRemote, .app, 0x34, sendMessage(to: target, netFn: .app, command: 0x01, sequence: 10))
            XCTAssertEqual(answer.completionCode, CompletionCode(0x83))
        }
        // Bad checksums, no tracking, another channel.
        var bad = sendMessage(to: 0x20, netFn: .app, command: 0x01, sequence: 11)
        bad[bad.count - 1] &+= 1
        XCTAssertEqual(try mm.call(&client, from: clientRemote, .app, 0x34, bad).completionCode, .invalidDataField)
        var untracked = sendMessage(to: 0x20, netFn: .app, command: 0x01, sequence: 12)
        untracked[0] = 0x00
        XCTAssertEqual(try mm.call(&client, from: clientRemote, .app, 0x34, untracked).completionCode, .invalidDataField)
        var channel7 = sendMessage(to: 0x20, netFn: .app, command: 0x01, sequence: 13)
        channel7[0] = 0x47
        XCTAssertEqual(try mm.call(&client, from: clientRemote, .app, 0x34, channel7).completionCode, .invalidDataField)
        XCTAssertEqual(try mm.call(&client, from: clientRemote, .app, 0x34, [0x40, 0x20]).completionCode, .requestDataLengthInvalid)
    }

    func testALineCardOwnsItsRecordsAndEventsByItsSlotAddress() throws {
        let settings = LineCardSettings(slot: 2, managementModuleHost: "127.0.0.1", userName: "admin", password: [])
        let sensor = SensorDefinition(number: 1, name: "ASIC Temp", sensorType: 0x01, kind: .threshold, entityID: 0x07)
        let card = try TestBMC(sensors: [sensor], chassisRole: .lineCard(settings))
        folders.append(card.stateDirectory)
        let records = card.bmc.sdr.entries.map { card.bmc.recordBytes($0) }
        XCTAssertEqual(records.first { $0[3] == 0x01 }?[5], Self.cardAddress)
        XCTAssertEqual(records.first { $0[3] == 0x12 }?[5], Self.cardAddress)
        // Its own events carry its address as generator ID.
        XCTAssertEqual(card.bmc.ownEvent(PlatformEvent(sensorType: 1, sensorNumber: 1, isDeassertion: false,
                                                       eventReadingType: 1, eventData1: 0)).generatorID, 0x84)
        XCTAssertNil(card.bmc.lineCards)
    }

    // MARK: Helpers

    private func hello(slot: UInt8 = slot, incarnation: UInt32 = 1) -> LinkHello {
        LinkHello(slot: slot, ipmbAddress: SlotAddress.ipmbAddress(slot: slot), incarnation: incarnation, sdrDigest: 0)
    }

    @discardableResult
    private func sendSDRSet(_ records: [[UInt8]], to mm: ChassisHarness, _ card: inout RMCPPlusConsole) throws -> UInt32 {
        let digest = ChassisLinkDigest.of(records)
        XCTAssertEqual(try mm.call(&card, from: cardRemote, .oemGroup, 0x41,
                                   LinkSDRBegin(slot: Self.slot, digest: digest, count: UInt16(records.count)).linkData).completionCode, .ok)
        for (index, record) in records.enumerated() {
            XCTAssertEqual(try mm.call(&card, from: cardRemote, .oemGroup, 0x42,
                                       LinkSDRRecord(slot: Self.slot, digest: digest, index: UInt16(index), record: record).linkData).completionCode, .ok)
        }
        let commit = try mm.call(&card, from: cardRemote, .oemGroup, 0x43, LinkSDRCommit(slot: Self.slot, digest: digest).linkData)
        XCTAssertEqual(commit.completionCode, .ok)
        XCTAssertNotNil(LinkAcknowledgement.parse(commit.data))
        return digest
    }

    private func chassisRecords(_ bmc: BMC) -> [[UInt8]] {
        bmc.sdr.entries.filter { $0.id >= 0x4000 }.map { bmc.recordBytes($0) }
    }

    private func name(of record: [UInt8]) -> String {
        let at: Int = switch record[3] {
        case 0x01: 47
        case 0x02: 31
        case 0x03: 16
        default: 15
        }
        return String(decoding: record[(at + 1)...], as: UTF8.self)
    }

    private func answer(_ bmc: BMC, _ netFn: NetFn, _ command: UInt8, _ data: [UInt8], lun: UInt8 = 0,
                        now: NIODeadline? = nil) -> (CompletionCode, [UInt8]) {
        var result: (CompletionCode, [UInt8]) = (.unspecified, [])
        bmc.answerInternally(netFn: netFn, lun: lun, command: command, data: data, privilege: .administrator,
                             now: now ?? NIODeadline.uptimeNanoseconds(1_000_000_000_000)) { result = ($0, $1) }
        return result
    }

    /// Send Message's data as ipmitool lanplus builds it: tracking, channel 0, then the IPMB
    /// request with rqSA 81h and the same rqSeq inside.
    private func sendMessage(to target: UInt8, netFn: NetFn, command: UInt8, sequence: UInt8, data: [UInt8] = []) -> [UInt8] {
        var inner = ByteBuffer()
        IPMIRequest(responderAddress: target, netFn: netFn, requesterAddress: 0x81, requesterSequence: sequence,
                    command: command, data: ByteBuffer(bytes: data)).write(to: &inner)
        return [0x40] + Array(inner.readableBytesView)
    }

    private func sessionSequence(_ datagram: ByteBuffer) throws -> UInt32 {
        guard case .rmcpPlus(_, let packet) = try RMCPFrame.parse(datagram) else { throw NoAnswer() }
        return packet.sequence
    }

    /// Opens a request the MM sent into the card's session.
    private func openRequest(_ datagram: ByteBuffer, console: RMCPPlusConsole) throws -> IPMIRequest {
        let protection = try XCTUnwrap(console.protection)
        guard case .rmcpPlus(_, let packet) = try RMCPFrame.parse(datagram) else { throw NoAnswer() }
        XCTAssertEqual(packet.sessionID, console.consoleSessionID)
        XCTAssertTrue(protection.verify(packet))
        return try IPMIRequest.parse(try XCTUnwrap(protection.decrypt(packet.payload)))
    }

    /// A LAN message in the console's session, as the card's link would send its answer.
    private func wrapAsConsole(_ message: ByteBuffer, console: RMCPPlusConsole, sequence: UInt32) -> ByteBuffer {
        RMCPPlusConsole.packet(message, protection: console.protection!, sessionID: console.managedSessionID, sequence: sequence)
    }
}

/// A test BMC driven from several consoles (a line card's and a client's), which collects the
/// answers that come later (deferred commands, shape A's Send Message response).
final class ChassisHarness {
    let test: TestBMC
    var pendingPackets: [ByteBuffer] = []
    /// What the BMC sent outside the answers (bridged requests, second messages), once
    /// `runOnEmbeddedLoop` captures them.
    var sent: [(ByteBuffer, RemoteConsole)] = []

    init(_ test: TestBMC) { self.test = test }

    var bmc: BMC { test.bmc }
    var stateDirectory: String { test.stateDirectory }
    var now: NIODeadline {
        get { test.now }
        set { test.now = newValue }
    }

    /// Timers on a loop the test advances, and the BMC's own datagrams into `sent`.
    func runOnEmbeddedLoop() -> EmbeddedEventLoop {
        let loop = EmbeddedEventLoop()
        bmc.timers = BMCTimers(loop: loop)
        bmc.sendDatagram = { [unowned self] in sent.append(($0, $1)) }
        return loop
    }

    /// The immediate answer; a later one goes to `pendingPackets`.
    func send(_ datagram: ByteBuffer, from remote: RemoteConsole) -> ByteBuffer? {
        var output = ByteBuffer()
        switch bmc.handleDatagram(datagram, from: remote, now: now, into: &output) {
        case .none: return nil
        case .sendNow: return output
        case .later(let pending):
            pending.whenReady { [unowned self] in pendingPackets.append($0) }
            return nil
        }
    }

    func openSession(from remote: RemoteConsole, suite: UInt8 = 3, user: String = "admin", password: String = "admin",
                     privilege: PrivilegeLevel = .administrator) throws -> RMCPPlusConsole {
        var console = RMCPPlusConsole(suite: CipherSuite.supported(id: suite)!, userName: user, password: password,
                                      privilege: privilege)
        let rakp1 = try console.rakp1(after: try XCTUnwrapAnswer(send(console.openSessionRequest(), from: remote)))
        let rakp3 = try console.rakp3(after: try XCTUnwrapAnswer(send(rakp1, from: remote)))
        try console.establish(after: try XCTUnwrapAnswer(send(rakp3, from: remote)))
        return console
    }

    /// The response, or nil while it is deferred.
    func callLater(_ console: inout RMCPPlusConsole, from remote: RemoteConsole, _ netFn: NetFn, _ command: UInt8,
                   _ data: [UInt8] = []) throws -> IPMIResponse? {
        let count = pendingPackets.count
        if let answer = send(try console.request(netFn, command, data), from: remote) { return try console.response(answer) }
        return pendingPackets.count > count ? try console.response(pendingPackets.removeLast()) : nil
    }

    func call(_ console: inout RMCPPlusConsole, from remote: RemoteConsole, _ netFn: NetFn, _ command: UInt8,
              _ data: [UInt8] = []) throws -> IPMIResponse {
        guard let response = try callLater(&console, from: remote, netFn, command, data) else { throw NoAnswer() }
        return response
    }
}
