import NIOCore

/// A management module's view of its line cards: per slot the link (session, last heard,
/// pushed readings, an SDR set being received), the proxies and link sensors it serves on its
/// own sensor numbers, and the Send Message requests bridged to the cards. Owned by the BMC
/// (`BMC.lineCards`, only for `.managementModule`), confined to its loop.
public final class LineCardAggregator {
    static let stateFile = "chassis-slots.json"
    /// An SDR set larger than this is refused (0xC9): a proxy needs an MM sensor number.
    static let maximumRecordsPerSet = 512

    public let settings: ManagementModuleSettings
    /// Random per start: a line card learns from it that the MM restarted.
    public let incarnation: UInt32
    /// What survives a restart (`chassis-slots.json`), changed through `saveThenApply`.
    var state: ChassisSlotsState
    /// Slot k is `links[k - 1]`.
    let links: [SlotLink]
    /// Derived from `state`: each slot's proxy records (record ID unset) in set order.
    private(set) var proxies: [UInt8: [[UInt8]]] = [:]
    /// Derived from `state`: what each MM sensor (LUN << 8 | number) stands for.
    private(set) var sensors: [UInt16: ChassisSensor] = [:]
    /// Derived from `state`: the MM sensor of each line card sensor, by slot << 16 | LC key.
    private(set) var proxyByCardSensor: [UInt32: UInt16] = [:]
    var bridges = BridgeTracker()
    /// The first tick: a card the MM knew that has not said hello a link timeout after it is lost.
    var firstTick: NIODeadline?

    init(settings: ManagementModuleSettings, state: ChassisSlotsState) {
        self.settings = settings
        self.state = state
        incarnation = UInt32.random(in: 1...UInt32.max)
        links = (1...Self.slotCount(settings)).map { SlotLink(slot: $0) }
        for slot in state.lostSlots ?? [] { link(slot)?.isLost = true }
        rebuild()
    }

    /// Slots 1 to this: the configured count, within what slot addresses allow (55).
    static func slotCount(_ settings: ManagementModuleSettings) -> UInt8 {
        min(max(settings.slotCount, 1), SlotAddress.slots.upperBound)
    }

    /// The slot's link, for slots 1 to `slotCount`.
    func link(_ slot: UInt8) -> SlotLink? {
        guard slot >= 1, Int(slot) <= links.count else { return nil }
        return links[Int(slot) - 1]
    }

    /// The link of the line card at an IPMB address, if it is one of this MM's slots.
    func link(ipmbAddress: UInt8) -> SlotLink? {
        SlotAddress.slot(ipmbAddress: ipmbAddress).flatMap { link($0) }
    }

    // MARK: Records and sensors

    /// The chassis records to serve, in record ID order.
    var records: [ChassisRecord] {
        links.flatMap { link -> [ChassisRecord] in
            let slot = link.slot
            let linkSensor: [ChassisRecord] = linkAllocation(slot) == nil ? [] : [.linkSensor(slot: slot)]
            guard state.set(slot: slot) != nil else { return linkSensor }
            return linkSensor + [.locator(slot: slot)] + (proxies[slot] ?? []).indices.map { .proxy(slot: slot, index: $0) }
        }
    }

    /// The bytes of a chassis record (record ID unset); nil if it no longer exists.
    func bytes(of record: ChassisRecord, capabilities: UInt8) -> [UInt8]? {
        switch record {
        case .linkSensor(let slot):
            guard let allocation = linkAllocation(slot) else { return nil }
            return ProxyRecord.linkSensor(slot: slot, lun: allocation.lun, number: allocation.number)
        case .locator(let slot):
            return ProxyRecord.locator(slot: slot, capabilities: capabilities)
        case .proxy(let slot, let index):
            guard let slotProxies = proxies[slot], slotProxies.indices.contains(index) else { return nil }
            return slotProxies[index]
        }
    }

    private func linkAllocation(_ slot: UInt8) -> ChassisSlotsState.Allocation? {
        state.allocations.first { $0.slot == slot && $0.lcKey == ChassisSensor.linkKey }
    }

    /// Recomputes what is derived from `state`: after loading it, after every change to it.
    func rebuild() {
        proxies = [:]
        sensors = [:]
        proxyByCardSensor = [:]
        var allocated: [UInt32: ChassisSlotsState.Allocation] = [:]
        for allocation in state.allocations {
            allocated[UInt32(allocation.slot) << 16 | UInt32(allocation.lcKey)] = allocation
            if allocation.lcKey == ChassisSensor.linkKey {
                sensors[allocation.key] = ChassisSensor(slot: allocation.slot, kind: .link)
            }
        }
        for set in state.sets {
            var slotProxies: [[UInt8]] = []
            for hex in set.records {
                guard slotProxies.count < ChassisRecord.maximumProxies, let record = [UInt8](hexString: hex),
                      let fields = ProxyRecord.sensorFields(of: record)
                else { continue }
                let lcKey = UInt16(fields.lun) << 8 | UInt16(fields.number)
                // One proxy per card sensor, even if a set names it twice.
                guard proxyByCardSensor[UInt32(set.slot) << 16 | UInt32(lcKey)] == nil,
                      let allocation = allocated[UInt32(set.slot) << 16 | UInt32(lcKey)], allocation.count == fields.count,
                      let proxy = ProxyRecord.proxy(of: record, slot: set.slot, lun: allocation.lun, number: allocation.number)
                else { continue }
                let index = slotProxies.count
                slotProxies.append(proxy)
                for offset in 0..<UInt16(fields.count) {
                    sensors[allocation.key + offset] = ChassisSensor(
                        slot: set.slot, kind: .proxy(index: index, lcKey: lcKey + offset, recordType: record[3],
                                                     entityID: record[8]))
                    proxyByCardSensor[UInt32(set.slot) << 16 | UInt32(lcKey + offset)] = allocation.key + offset
                }
            }
            proxies[set.slot] = slotProxies
        }
    }

    /// `state` with the slot's SDR set replaced by `records`: proxies keep the MM numbers
    /// their sensors had; new sensors get free ones; those gone give theirs back. Also makes
    /// sure every slot has its link sensor's number.
    func replacing(slot: UInt8, digest: UInt32, records: [[UInt8]], ownSensors: [UInt16]) -> ChassisSlotsState {
        var next = state
        next.sets.removeAll { $0.slot == slot }
        next.sets.append(ChassisSlotsState.SDRSet(slot: slot, digest: digest, records: records.map(\.hexString)))
        next.sets.sort { $0.slot < $1.slot }
        let sensorFields = records.compactMap(ProxyRecord.sensorFields).prefix(ChassisRecord.maximumProxies)
        let wanted = Dictionary(sensorFields.map { (UInt16($0.lun) << 8 | UInt16($0.number), $0.count) },
                                uniquingKeysWith: { first, _ in first })
        next.allocations.removeAll { allocation in
            allocation.slot == slot && allocation.lcKey != ChassisSensor.linkKey && wanted[allocation.lcKey] != allocation.count
        }
        return Self.allocatingMissing(next, slot: slot, wanted: sensorFields.map { ($0.lun, $0.number, $0.count) },
                                      slotCount: UInt8(links.count), ownSensors: ownSensors)
    }

    /// A loaded `state` made to fit this MM: slots beyond its count and numbers that became
    /// the MM's own (its configuration changed) are given up, and every slot's link sensor and
    /// every saved sensor without a number gets one.
    static func reconciled(_ state: ChassisSlotsState, slotCount: UInt8, ownSensors: [UInt16]) -> ChassisSlotsState {
        let own = Set(ownSensors)
        var next = state
        next.sets.removeAll { $0.slot > slotCount }
        next.allocations.removeAll { allocation in
            allocation.slot > slotCount || (0..<UInt16(allocation.count)).contains { own.contains(allocation.key + $0) }
        }
        next = allocatingMissing(next, slotCount: slotCount, ownSensors: ownSensors)
        for set in next.sets {
            let wanted = set.records.compactMap { [UInt8](hexString: $0).flatMap(ProxyRecord.sensorFields) }
            next = allocatingMissing(next, slot: set.slot, wanted: Array(wanted.prefix(ChassisRecord.maximumProxies)),
                                     slotCount: slotCount, ownSensors: ownSensors)
        }
        return next
    }

    /// `state` with numbers for every slot's link sensor and for the slot's `wanted` sensors
    /// that have none; a sensor left without (the numbers ran out) gets no proxy.
    static func allocatingMissing(_ state: ChassisSlotsState, slot: UInt8 = 0,
                                  wanted: [(lun: UInt8, number: UInt8, count: UInt8)] = [],
                                  slotCount: UInt8, ownSensors: [UInt16]) -> ChassisSlotsState {
        var next = state
        var allocator = SensorNumberAllocator(reserved: ownSensors + next.allocations.flatMap { allocation in
            (0..<UInt16(allocation.count)).map { allocation.key + $0 }
        })
        var present = Set(next.allocations.map { UInt32($0.slot) << 16 | UInt32($0.lcKey) })
        func allocate(_ slot: UInt8, _ lun: UInt8, _ number: UInt8, _ count: UInt8) {
            guard present.insert(UInt32(slot) << 16 | UInt32(lun) << 8 | UInt32(number)).inserted,
                  let free = allocator.take(count)
            else { return }
            next.allocations.append(ChassisSlotsState.Allocation(slot: slot, lcLUN: lun, lcNumber: number,
                                                                 lun: free.lun, number: free.number, count: count))
        }
        for linkSlot in 1...max(slotCount, 1) { allocate(linkSlot, 0xFF, 0xFF, 1) }
        for sensor in wanted { allocate(slot, sensor.lun, sensor.number, sensor.count) }
        return next
    }

    /// The entity of a line card's sensor as its proxy shows it, for the PET of an event the
    /// card sent (generator = its address) or of a slot's link sensor.
    /// The number of the MM's proxy of a line card's sensor that generated an event, if any.
    func proxySensor(generatorID: UInt16, number: UInt8) -> UInt8? {
        let lun = UInt8(truncatingIfNeeded: generatorID >> 8) & 0x03
        guard let link = link(ipmbAddress: UInt8(truncatingIfNeeded: generatorID)),
              let key = proxyByCardSensor[UInt32(link.slot) << 16 | UInt32(lun) << 8 | UInt32(number)]
        else { return nil }
        return UInt8(truncatingIfNeeded: key)
    }

    func sensorEntity(generatorID: UInt16, number: UInt8) -> (id: UInt8, instance: UInt8)? {
        let address = UInt8(truncatingIfNeeded: generatorID)
        let lun = UInt8(truncatingIfNeeded: generatorID >> 8) & 0x03
        if let link = link(ipmbAddress: address),
           let key = proxyByCardSensor[UInt32(link.slot) << 16 | UInt32(lun) << 8 | UInt32(number)],
           case .proxy(_, _, _, let entityID) = sensors[key]?.kind {
            return (entityID, link.slot)
        }
        if address == SDRRecord.ownerID, let sensor = sensors[UInt16(lun) << 8 | UInt16(number)], case .link = sensor.kind {
            return (ProxyRecord.slotEntityID, sensor.slot)
        }
        return nil
    }
}

/// What one of the MM's chassis sensors stands for.
struct ChassisSensor {
    /// The LC key of a link sensor's allocation.
    static let linkKey: UInt16 = 0xFFFF

    enum Kind {
        /// A line card's sensor: its proxy record (index in the slot's proxies) and its LC key.
        case proxy(index: Int, lcKey: UInt16, recordType: UInt8, entityID: UInt8)
        /// The slot's link sensor.
        case link
    }

    var slot: UInt8
    var kind: Kind
}

/// One slot's link as the MM sees it now; volatile.
final class SlotLink {
    let slot: UInt8
    /// The session the line card talks in; nil while the link is down.
    var session: Session?
    var cardIncarnation: UInt32 = 0
    /// When the line card last sent a link message.
    var lastHeard: NIODeadline?
    /// The link-lost event was logged and its link-back event is still to come.
    var isLost = false
    /// An SDR set being received (Begin, then records, then Commit).
    var collection: SDRCollection?
    /// The latest reading of each of the card's sensors, by LC key (LUN << 8 | number).
    var readings: [UInt16: LinkReading] = [:]

    init(slot: UInt8) { self.slot = slot }

    var isUp: Bool { session != nil }
}

/// An SDR set on its way from a line card.
struct SDRCollection {
    var digest: UInt32
    var records: [[UInt8]?]

    var isComplete: Bool { !records.contains { $0 == nil } }
}
