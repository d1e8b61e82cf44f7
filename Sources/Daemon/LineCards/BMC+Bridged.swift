import IPMICore

extension BMC {
    /// Runs a request the management module bridged to this line card, at the client's
    /// privilege (never above administrator), and hands back its completion code and data.
    func runBridged(_ request: LinkBridgedRequest, completion: @escaping (CompletionCode, [UInt8]) -> Void) {
        // Until BMC.answerInternally (the MM side's) is merged: refused as unknown.
        completion(.invalidCommand, [])
    }
}
