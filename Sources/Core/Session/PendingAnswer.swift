import NIOCore

/// A packet for the console that is not ready yet: a SEL change not yet on disk, or a
/// command waiting for a platform hook. The transport says where it goes (`whenReady`);
/// the BMC delivers it once, or abandons it (the client then hears nothing and retries).
/// Confined to the BMC's loop.
public final class PendingAnswer {
    private var packet: ByteBuffer?
    private var send: ((ByteBuffer) -> Void)?
    private var isSettled = false

    init() {}

    /// `send` runs on the BMC's loop when the packet is ready; never if it is abandoned.
    public func whenReady(_ send: @escaping (ByteBuffer) -> Void) {
        if let packet {
            self.packet = nil
            send(packet)
        } else if !isSettled {
            self.send = send
        }
    }

    func deliver(_ packet: ByteBuffer) {
        guard !isSettled else { return }
        isSettled = true
        if let send {
            self.send = nil
            send(packet)
        } else {
            self.packet = packet
        }
    }

    func abandon() {
        isSettled = true
        send = nil
    }
}
