/// A record arriving piece by piece through Partial Add SEL Entry (IPMI 2.0 section 31.7).
/// Its record ID is taken when the first piece arrives, so the client can name it in the rest;
/// a new reservation, a delete or a clear abandons it.
struct SELPartialAdd {
    let recordID: UInt16
    private(set) var record = SELRecord()
    /// Bytes received from offset 0 on, without gaps.
    private(set) var received = 0

    init(recordID: UInt16) {
        self.recordID = recordID
    }

    var isComplete: Bool { received == SELRecord.size }

    /// Takes one piece. A piece may rewrite bytes already sent, but may not leave a gap.
    mutating func write(_ bytes: [UInt8], at offset: Int) throws(CompletionCode) {
        guard offset <= received else { throw .parameterOutOfRange }
        guard offset + bytes.count <= SELRecord.size else { throw .requestDataFieldLengthLimitExceeded }
        for (index, byte) in bytes.enumerated() { record[offset + index] = byte }
        received = max(received, offset + bytes.count)
    }
}
