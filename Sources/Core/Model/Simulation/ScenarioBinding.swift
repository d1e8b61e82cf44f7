/// Binding a scenario, or a hand-set value, to the sensors of one simulated switch: every
/// sensor it names must exist, be simulated, and take the values it sets.
public struct SimulationError: Error, Sendable, Equatable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

extension SensorDefinition {
    /// The values a simulated reading of this sensor may take: what its one-byte raw reading
    /// can represent, or a discrete sensor's state masks.
    public var simulatedRange: ClosedRange<Double> {
        switch kind {
        case .threshold:
            let ends = [linearization.realValue(0), linearization.realValue(255)]
            return ends.min()!...ends.max()!
        case .discrete:
            return 0...0x7FFF
        }
    }

    public var isSimulated: Bool {
        if case .simulated = source { return true }
        return false
    }

    /// Refuses a value the sensor cannot read.
    public func checkSimulated(_ value: Double) throws(SimulationError) {
        let range = simulatedRange
        guard range.contains(value) else {
            throw SimulationError("\(value.readingText) is out of range for \(name) (\(range.lowerBound.readingText) to \(range.upperBound.readingText))")
        }
        if case .discrete = kind, value != value.rounded() {
            throw SimulationError("\(name) is discrete: give a whole state mask, not \(value.readingText)")
        }
    }
}

extension Array where Element == SensorDefinition {
    /// The position of the simulated sensor with this name.
    public func simulatedSensor(named name: String) throws(SimulationError) -> Int {
        guard let index = firstIndex(where: { $0.name == name }) else {
            throw SimulationError("no sensor named \"\(name)\" (see ipmigod sim list)")
        }
        guard self[index].isSimulated else { throw SimulationError("sensor \"\(name)\" is not simulated") }
        return index
    }
}

extension Scenario {
    /// The scenario's tracks bound to these sensors.
    public func bind(to sensors: [SensorDefinition]) throws(SimulationError) -> [RunningScenario.BoundTrack] {
        var bound: [RunningScenario.BoundTrack] = []
        for track in tracks {
            let index: Int
            do { index = try sensors.simulatedSensor(named: track.sensor) } catch {
                throw SimulationError("scenario \(name): \(error.description)")
            }
            for value in track.values {
                do { try sensors[index].checkSimulated(value) } catch {
                    throw SimulationError("scenario \(name): \(error.description)")
                }
            }
            bound.append(.init(sensor: index, track: track))
        }
        return bound
    }
}

extension Double {
    /// "107", "12.5" or "0.95": a reading as people write it.
    public var readingText: String {
        if self == rounded(), abs(self) < 1e15 { return String(Int(self)) }
        return String((self * 1000).rounded() / 1000)
    }
}
