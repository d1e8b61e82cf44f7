import IPMICore
import Logging

/// The last step of the push side: PEF's alerts become Platform Event Traps on the PET
/// sender's queues. Runs on the BMC's event loop and only enqueues; the sender's thread does
/// the I/O, so no alert ever delays an IPMI request or a poller.
public final class AlertPipeline: AlertSink {
    private let sender: PETSender
    private let sequence: PETSequence
    private let logger: Logger
    /// The switch this pipeline is for, in the host's one sender (0 for a single switch).
    private let member: Int

    public init(sender: PETSender, sequence: PETSequence, member: Int = 0, logger: Logger) {
        self.sender = sender
        self.sequence = sequence
        self.member = member
        self.logger = logger
    }

    /// Routes PET Acknowledge (from ipmi-pet --pet-acknowledge, in or out of a session) to the
    /// sender, which checks it against what it sent to that address and stops retrying the
    /// alert it names.
    public func attach(to bmc: BMC) {
        bmc.alertSink = self
        bmc.pef.onPETAcknowledge = { [sender, member] acknowledgement, address in
            sender.acknowledge(acknowledgement, from: address, member: member)
        }
        // Alert Immediate (ipmitool raw 0x04 0x16, or a console's test alert): the request's
        // event, or a "no event" PET, to the one destination it names.
        bmc.pef.onAlertImmediate = { [unowned self, unowned bmc] request in
            let event = request.event ?? PlatformEvent(sensorType: 0, sensorNumber: 0, isDeassertion: false,
                                                       eventReadingType: 0, eventData1: 0x0F)
            let context = bmc.alertContext(for: event)
            guard request.channel == bmc.configuration.channel.number,
                  context.destination(selector: request.destinationSelector) != nil
            else {
                bmc.pef.alertImmediateStatus = AlertPipeline.alertImmediateFailed
                return
            }
            self.send([AlertRequest(event: event, recordID: nil, destinationSelector: request.destinationSelector,
                                    severity: PETSeverity.information.rawValue, context: context)])
            // Handed to the sender: what the BMC can know synchronously of the outcome.
            bmc.pef.alertImmediateStatus = AlertPipeline.alertImmediateNormalEnd
        }
    }

    static let alertImmediateNormalEnd: UInt8 = 0x01
    static let alertImmediateFailed: UInt8 = 0x02

    /// Encodes each alert from what it carries (taken at its event) and queues it for its
    /// destination as the destination was then.
    public func send(_ alerts: [AlertRequest]) {
        // One sequence number per event, shared by every destination it goes to: receivers
        // de-duplicate on (GUID, sequence), and one PET Acknowledge answers for the event.
        var numbers: [(event: PlatformEvent, recordID: UInt16?, number: UInt16)] = []
        for alert in alerts {
            let context = alert.context
            guard let destination = context.destination(selector: alert.destinationSelector) else { continue }
            let number: UInt16
            if let known = numbers.first(where: { $0.event == alert.event && $0.recordID == alert.recordID }) {
                number = known.number
            } else {
                do {
                    number = try sequence.take()
                } catch {
                    logger.error("cannot reserve PET sequence numbers: \(error); alert for sensor \(alert.event.sensorNumber) not sent")
                    continue
                }
                numbers.append((alert.event, alert.recordID, number))
            }
            let encoder = PETEncoder(systemGUID: context.guid, manufacturerID: context.manufacturerID, systemID: context.systemID)
            let trap = encoder.encode(alert.event, sequenceNumber: number, selTimestamp: context.timestamp,
                                      severity: alert.severity, entityID: context.entityID, entityInstance: context.entityInstance,
                                      sensorDevice: context.sensorDevice, sensorNumber: context.sensorNumber)
            sender.send(trap, to: destination, channelCommunity: context.community, agentAddress: context.agentAddress,
                        member: member)
        }
    }
}
