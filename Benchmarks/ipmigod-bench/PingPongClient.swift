/// A client that sends one request and waits for its reply, over and over, on a connection
/// of its own: an RMCP+ session with the daemon, or a socket to the echo floor.
protocol PingPongClient {
    /// One request and its reply.
    mutating func call() throws
    /// Ends the connection once the measurement is over.
    mutating func finish() throws
}

extension ConsoleSession: PingPongClient {
    mutating func call() throws { try getDeviceID() }
    mutating func finish() throws { try close() }
}
