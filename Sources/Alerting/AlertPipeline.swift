import IPMICore
import Logging

/// The last step of the push side: PEF's alerts become Platform Event Traps on the PET
/// sender's queues. Runs on the BMC's event loop and only enqueues; the sender's thread does
/// the I/O, so no alert ever delays an IPMI request or a poller.
public final class AlertPipeline: AlertSink {
    private let sender: PETSender
    private let sequence: PETSequence
    private let logger: Logger

    public init(sender: PETSender, sequence: PETSequence, logger: Logger) {
        self.sender = sender
        self.sequence = sequence
        self.logger = logger
    }

    /// Routes PET Acknowledge (from ipmi-pet --pet-acknowledge, in or out of a session) to the
    /// sender, which stops retrying the alert with that sequence number.
    public func attach(to bmc: BMC) {
        bmc.alertSink = self
        bmc.pef.onPETAcknowledge = { [sender] acknowledgement in
            sender.acknowledge(sequenceNumber: acknowledgement.sequenceNumber)
        }
        // Alert Immediate (ipmitool raw 0x04 0x16, or a console's test alert): the request's
        // event, or a "no event" PET, to the one destination it names.
        bmc.pef.onAlertImmediate = { [unowned self, unowned bmc] request in
            let event = request.event ?? PlatformEvent(sensorType: 0, sensorNumber: 0, isDeassertion: false,
                                                       eventReadingType: 0, eventData1: 0x0F)
            let alert = AlertRequest(event: event, recordID: nil, destinationSelector: request.destinationSelector,
                                     severity: PETSeverity.information.rawValue)
            guard request.channel == bmc.configuration.channel.number,
                  bmc.lan.destination(selector: request.destinationSelector) != nil
            else {
                bmc.pef.alertImmediateStatus = AlertPipeline.alertImmediateFailed
                return
            }
            self.send([alert], from: bmc)
            // Handed to the sender: what the BMC can know synchronously of the outcome.
            bmc.pef.alertImmediateStatus = AlertPipeline.alertImmediateNormalEnd
        }
    }

    static let alertImmediateNormalEnd: UInt8 = 0x01
    static let alertImmediateFailed: UInt8 = 0x02

    public func send(_ alerts: [AlertRequest], from bmc: BMC) {
        // The trap's agent address is LAN parameter 3, which `ipmitool lan set 1 ipaddr` changes.
        sender.setAgentAddress(bmc.lan.bmcIPv4)
        let device = bmc.configuration.device
        // PEF parameter 10 may name a GUID for PET; otherwise the system GUID.
        let guid = bmc.pef.tables.guidControl & 0x01 != 0 ? bmc.pef.tables.guid : device.systemGUID
        let encoder = PETEncoder(systemGUID: guid, manufacturerID: device.manufacturerID, systemID: device.productID)
        // One sequence number per event, shared by every destination it goes to: receivers
        // de-duplicate on (GUID, sequence), and one PET Acknowledge answers for the event.
        var numbers: [(event: PlatformEvent, recordID: UInt16?, number: UInt16)] = []
        for alert in alerts {
            guard let destination = bmc.lan.destination(selector: alert.destinationSelector) else { continue }
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
            let entity = bmc.sensorEntity(generatorID: alert.event.generatorID, number: alert.event.sensorNumber)
            let trap = encoder.encode(alert.event, sequenceNumber: number, selTimestamp: bmc.sel.time,
                                      severity: alert.severity, entityID: entity.id, entityInstance: entity.instance)
            sender.send(trap, to: destination, channelCommunity: bmc.lan.communityString)
        }
    }
}
