import FoundationEssentials
import IPMICore
import NIOCore

/// What the observability endpoint answers: read-only views of the published snapshots and
/// the reading history. Runs on the observability loop (where the history lives).
struct HTTPRoutes: Sendable {
    struct Response {
        var status: Int
        var contentType: String
        var body: ByteBuffer
    }

    let board: StatusBoard
    let history: NIOLoopBound<HistoryStore>

    func respond(path: String, query: [String: String]) -> Response {
        switch path {
        case "/":
            return Response(status: 200, contentType: "text/html; charset=utf-8", body: ByteBuffer(string: StatusPage.html))
        case "/metrics":
            return Response(status: 200, contentType: "text/plain; version=0.0.4; charset=utf-8",
                            body: ByteBuffer(string: MetricsRenderer.render(board.members)))
        case "/api/status":
            return json(StatusDocument(board.members))
        case "/api/status.txt":
            guard let status = DaemonStatus.text(of: board.members) else { return text(503, StatusVerb.notYet + "\n") }
            return text(200, status)
        case "/api/history":
            return historyResponse(query)
        default:
            return text(404, "not found\n")
        }
    }

    /// `/api/history?sensor=NAME&span=recent|long|SECONDS[&member=NAME][&points=N]`: points
    /// in real units, oldest first; `recent` (the default) at the recent resolution, `long` as
    /// averages with min and max; a number of seconds picks the span that covers it. Without
    /// `sensor`, every threshold sensor's (`{"sensors": [...]}`, at most 120 points each unless
    /// `points` says otherwise): the status page plots them all with one request.
    private func historyResponse(_ query: [String: String]) -> Response {
        let memberName = query["member"] ?? ""
        guard let member = board.member(memberName) else { return text(404, "no member \(memberName)\n") }
        let store = history.value
        let span = query["span"] ?? "recent"
        let seconds: Int64
        let useLong: Bool
        switch span {
        case "recent":
            seconds = Int64(store.configuration.recentSpan)
            useLong = false
        case "long":
            seconds = Int64(store.configuration.longSpan)
            useLong = true
        default:
            guard let value = Int64(span), value > 0 else { return text(400, "span: recent, long or seconds\n") }
            seconds = value
            useLong = value > Int64(store.configuration.recentSpan)
        }
        var limit: Int?
        if let text = query["points"] {
            guard let value = Int(text), value >= 2 else { return self.text(400, "points: a number from 2 up\n") }
            limit = value
        }
        func document(_ sensor: BMCSnapshot.SensorStatus, limit: Int?) -> HistoryDocument {
            let history = store.history(member: memberName, sensor: sensor.name)
            let since = member.bmc.time - seconds
            let points = history.map { useLong ? $0.longPoints(since: since) : $0.recentPoints(since: since) } ?? []
            return HistoryDocument(sensor: sensor, points: Self.thinned(points, to: limit), isLong: useLong,
                                   resolution: useLong ? store.configuration.longResolution : store.configuration.recentResolution)
        }
        guard let name = query["sensor"] else {
            return json(HistoryBatch(sensors: member.bmc.sensors.filter(\.isThreshold).map { document($0, limit: limit ?? 120) }))
        }
        guard let sensor = member.bmc.sensors.first(where: { $0.name == name }) else { return text(404, "no sensor \(name)\n") }
        return json(document(sensor, limit: limit))
    }

    /// At most `limit` points, evenly spread, the newest always kept.
    static func thinned(_ points: [SensorHistory.Point], to limit: Int?) -> [SensorHistory.Point] {
        guard let limit, points.count > limit else { return points }
        let step = Double(points.count - 1) / Double(limit - 1)
        return (0..<limit).map { points[Int((Double($0) * step).rounded())] }
    }

    private func json(_ value: some Encodable) -> Response {
        do {
            let data = try JSONEncoder().encode(value)
            return Response(status: 200, contentType: "application/json", body: ByteBuffer(bytes: data))
        } catch {
            return text(500, "cannot encode: \(error)\n")
        }
    }

    private func text(_ status: Int, _ body: String) -> Response {
        Response(status: status, contentType: "text/plain; charset=utf-8", body: ByteBuffer(string: body))
    }
}

/// `/api/history`'s answer: points are [time, value] (recent) or [time, average, min, max] (long).
struct HistoryDocument: Encodable {
    var sensor: String
    var unit: String
    var span: String
    var resolution: Int
    var thresholds: [String: Double]
    var points: [[Double]]

    init(sensor: BMCSnapshot.SensorStatus, points: [SensorHistory.Point], isLong: Bool, resolution: Int) {
        let linearization = sensor.linearization
        func real(_ raw: Double) -> Double {
            // Linear in the raw value: interpolate between the two nearest raw counts.
            let low = linearization.realValue(UInt8(clamping: Int(raw.rounded(.down))))
            let high = linearization.realValue(UInt8(clamping: Int(raw.rounded(.down)) + 1))
            return low + (high - low) * (raw - raw.rounded(.down))
        }
        self.sensor = sensor.name
        unit = SensorNames.unit(sensor.unit)
        span = isLong ? "long" : "recent"
        self.resolution = resolution
        thresholds = Dictionary(uniqueKeysWithValues: Threshold.allCases.compactMap { threshold in
            sensor.threshold(threshold).map { (threshold.shortName, $0) }
        })
        self.points = points.map { point in
            isLong ? [Double(point.time), real(point.raw), linearization.realValue(point.minimum), linearization.realValue(point.maximum)]
                : [Double(point.time), linearization.realValue(point.minimum)]
        }
    }
}

/// `/api/history` without a sensor: every threshold sensor's.
struct HistoryBatch: Encodable {
    var sensors: [HistoryDocument]
}
