import NIOCore

/// Platform Event Filtering (IPMI 2.0 chapter 17 and 30): runs each logged event through the
/// event filter table, takes the highest-priority power action, and resolves alerts through
/// the alert policy table. Confined to the BMC's event loop like the rest of its state.
///
/// Delivery is not known when an event is evaluated, so a policy entry counts as successful
/// once its alert is handed out (its destination is available); rules 1 to 4 use that.
public final class PEFEngine {
    static let fileName = "pef.json"
    /// Events held while PEF is postponed or in its startup delay, oldest dropped first.
    static let deferredLimit = 256

    public private(set) var tables: PEFTables
    private let store: StateStore

    // MARK: Hooks (set on the BMC's event loop)

    /// The chassis carries out a power action a filter asked for.
    public var onPowerAction: ((PEFPowerAction, PlatformEvent) -> Void)?
    /// The alert sender checks a PET Acknowledge against what it sent to the address it came
    /// from (nil for IPv6) and stops retrying the trap it names; false refuses it.
    public var onPETAcknowledge: ((PETAcknowledgement, _ from: [UInt8]?) -> Bool)?
    /// The alert sender sends an Alert Immediate; it reports back through `alertImmediateStatus`.
    public var onAlertImmediate: ((AlertImmediateRequest) -> Void)?
    /// Whether a policy entry's destination (channel, selector) can take an alert. Unset or
    /// unavailable destinations count as failed, so "if the previous one failed" rules go on.
    public var destinationAvailable: (_ channel: UInt8, _ selector: UInt8) -> Bool = { _, _ in true }
    /// The destination type (LAN parameter 18 bits 2..0) for rule 4; all alike unless told.
    public var destinationType: (_ channel: UInt8, _ selector: UInt8) -> UInt8 = { _, _ in 0 }
    /// Time source for the startup delays and the postpone timer (tests move it).
    public var clock: () -> NIODeadline = { .now() }
    public var startedAt: NIODeadline

    // MARK: Volatile state

    /// The record ID of the last event PEF processed since start; nil until the first.
    public internal(set) var lastBMCProcessedID: UInt16?
    public private(set) var lastPowerAction: (action: PEFPowerAction, event: PlatformEvent)?
    public internal(set) var lastPETAcknowledgement: PETAcknowledgement?
    public internal(set) var lastAlertImmediate: AlertImmediateRequest?
    /// Alert Immediate status (0 none, 1 normal end, 2 call retry failure, 3 no ack, 0xFF in progress).
    public var alertImmediateStatus: UInt8 = 0
    /// Parameter 0: 0 set complete, 1 set in progress.
    var setInProgress: UInt8 = 0
    private var postponeUntil: NIODeadline?
    private var temporarilyDisabled = false
    private var deferredEvents: [(event: PlatformEvent, recordID: UInt16?, context: AlertContext)] = []
    private var deferredAlerts: [AlertRequest] = []

    public init(configuration: PEFConfiguration, store: StateStore) throws {
        self.store = store
        tables = try store.load(PEFTables.self, from: PEFEngine.fileName)?.fitted()
            ?? PEFTables(configuration: configuration)
        startedAt = .now()
    }

    // MARK: Evaluation

    /// Runs an event through the filters and policies; returns the alerts to send now.
    /// Alerts of events held by a delay or the postpone timer come out of a later call or
    /// `releaseDeferred()`, carrying the `context` taken at the event. The context is taken
    /// only for an event that is held or alerts: most events do neither.
    public func evaluate(_ event: PlatformEvent, recordID: UInt16?,
                         context: @autoclosure () -> AlertContext = AlertContext()) -> [AlertRequest] {
        let now = clock()
        if isHeld(now) {
            if deferredEvents.count == PEFEngine.deferredLimit { deferredEvents.removeFirst() }
            deferredEvents.append((event, recordID, context()))
            return []
        }
        return releaseDeferred(now: now) + releaseAlerts(process(event, recordID: recordID, context: context), now: now)
    }

    /// Alerts whose delay has passed, and held events now that PEF runs again. Call it from
    /// the BMC's periodic tick.
    public func releaseDeferred() -> [AlertRequest] { releaseDeferred(now: clock()) }

    private func releaseDeferred(now: NIODeadline) -> [AlertRequest] {
        guard !isHeld(now) else { return [] }
        let events = deferredEvents
        deferredEvents = []
        var alerts = events.flatMap { held in process(held.event, recordID: held.recordID, context: { held.context }) }
        if !isAlertHeld(now) {
            alerts = deferredAlerts + alerts
            deferredAlerts = []
        }
        return releaseAlerts(alerts, now: now)
    }

    private func releaseAlerts(_ alerts: [AlertRequest], now: NIODeadline) -> [AlertRequest] {
        guard isAlertHeld(now) else { return alerts }
        deferredAlerts += alerts
        return []
    }

    private func isHeld(_ now: NIODeadline) -> Bool {
        if temporarilyDisabled { return true }
        if let postponeUntil, now < postponeUntil { return true }
        return tables.startupDelayEnabled && now < startedAt + .seconds(Int64(tables.startupDelay))
    }

    private func isAlertHeld(_ now: NIODeadline) -> Bool {
        tables.alertStartupDelayEnabled && now < startedAt + .seconds(Int64(tables.alertStartupDelay))
    }

    /// Filters, then the power action, then the alerts of each policy set that matched.
    /// A deassertion that matches a filter alerts too, so the NMS sees the condition clear,
    /// with PET severity "OK" (04h), and never takes a power action.
    private func process(_ event: PlatformEvent, recordID: UInt16?, context: () -> AlertContext) -> [AlertRequest] {
        if let recordID { lastBMCProcessedID = recordID }
        guard tables.isEnabled else { return [] }
        let allowed = tables.allowedActions
        var power: PEFPowerAction?
        // Per policy number, in the order first matched: the highest severity and the first filter.
        var policies: [(number: UInt8, severity: UInt8, filter: Int)] = []
        for (index, filter) in tables.filters.enumerated() where filter.isEnabled && filter.matches(event) {
            let actions = filter.actions.intersection(allowed)
            for candidate in PEFPowerAction.allCases where actions.contains(candidate.action) {
                power = max(power ?? candidate, candidate)
            }
            guard actions.contains(.alert) else { continue }
            if let at = policies.firstIndex(where: { $0.number == filter.policyNumber }) {
                policies[at].severity = max(policies[at].severity, filter.severity)
            } else {
                policies.append((filter.policyNumber, filter.severity, index + 1))
            }
        }
        if let power, !event.isDeassertion {
            lastPowerAction = (power, event)
            onPowerAction?(power, event)
        }
        guard !policies.isEmpty else { return [] }
        let context = context()
        return policies.flatMap { policy in
            resolve(policy: policy.number, filter: policy.filter) {
                AlertRequest(event: event, recordID: recordID, destinationSelector: $0.destinationSelector,
                             severity: event.isDeassertion ? PETSeverity.ok.rawValue : policy.severity,
                             alertStringKey: $1 ?? 0, channel: $0.channel,
                             policyNumber: policy.number, alertString: $1.flatMap(tables.alertString), context: context)
            }
        }
    }

    /// Walks one policy set in table order (IPMI 2.0 section 17.11).
    private func resolve(policy number: UInt8, filter: Int,
                         make: (AlertPolicyEntry, UInt8?) -> AlertRequest) -> [AlertRequest] {
        var alerts: [AlertRequest] = []
        var previousSucceeded = false
        var skipChannel: UInt8?
        var skipType: UInt8?
        for entry in tables.policies where entry.isEnabled && entry.policyNumber == number {
            if let channel = skipChannel {
                if entry.channel == channel { continue }
                skipChannel = nil
            }
            if let type = skipType {
                if destinationType(entry.channel, entry.destinationSelector) == type { continue }
                skipType = nil
            }
            if previousSucceeded {
                switch entry.rule {
                case .always: break
                case .skipIfPreviousSucceeded: continue
                case .stopIfPreviousSucceeded: return alerts
                case .nextChannelIfPreviousSucceeded:
                    skipChannel = entry.channel
                    continue
                case .nextTypeIfPreviousSucceeded:
                    skipType = destinationType(entry.channel, entry.destinationSelector)
                    continue
                }
            }
            previousSucceeded = destinationAvailable(entry.channel, entry.destinationSelector)
            if previousSucceeded {
                let selector = entry.isEventSpecific
                    ? tables.stringSelector(filter: filter, set: entry.stringKey) : entry.stringKey
                alerts.append(make(entry, selector))
            }
        }
        return alerts
    }

    // MARK: Commands

    /// Arm PEF Postpone Timer: 0 runs PEF again, 1..FD seconds postpone it, FE disables it
    /// until re-armed, FF only reads. Returns the present countdown (FE while disabled).
    public func armPostponeTimer(_ value: UInt8) -> UInt8 {
        let now = clock()
        switch value {
        case 0x00:
            temporarilyDisabled = false
            postponeUntil = nil
        case 0xFE:
            temporarilyDisabled = true
            postponeUntil = nil
        case 0xFF:
            break
        default:
            temporarilyDisabled = false
            postponeUntil = now + .seconds(Int64(value))
        }
        if temporarilyDisabled { return 0xFE }
        guard let postponeUntil, now < postponeUntil else { return 0 }
        let nanoseconds = (postponeUntil - now).nanoseconds
        return UInt8(min(0xFD, (nanoseconds + 999_999_999) / 1_000_000_000))
    }

    /// Hands a PET Acknowledge to the alert sender, and records it when it is accepted.
    /// With no sender nothing was sent, so nothing can be acknowledged.
    func acknowledge(_ acknowledgement: PETAcknowledgement, from address: [UInt8]?) -> Bool {
        guard onPETAcknowledge?(acknowledgement, address) == true else { return false }
        lastPETAcknowledgement = acknowledgement
        return true
    }

    /// Records an Alert Immediate and hands it to the alert sender.
    /// "In progress" only once a sender is wired, or the status would never clear.
    func alertImmediate(_ request: AlertImmediateRequest) {
        lastAlertImmediate = request
        guard let onAlertImmediate else { return }
        alertImmediateStatus = 0xFF
        onAlertImmediate(request)
    }

    /// Changes the tables durably through the one save-then-apply rule: saved before it
    /// returns, or left as they were (0xFF). An unchanged table is not saved again.
    func change(_ apply: (inout PEFTables) throws(CompletionCode) -> Void) throws(CompletionCode) {
        let current = tables
        try saveThenApply(from: current, saving: { $0 == current ? nil : $0 }, with: { (changed: PEFTables) throws(CompletionCode) in
            do {
                try store.save(changed, as: PEFEngine.fileName)
            } catch {
                throw .unspecified
            }
        }, apply, then: { tables = $0 })
    }
}
