import Foundation
import IPMICore
import IPMIFuzzing
import XCTest

/// The fuzz target's inputs without libFuzzer: the seed corpus replayed, and a million
/// mutated inputs fed to an in-process BMC, with no crash and no growth of memory.
final class MutatedPacketTests: XCTestCase {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    private func makeTarget() throws -> FuzzTarget {
        try FuzzTarget(directory: FileManager.default.temporaryDirectory.appendingPathComponent("ipmigod-fuzz-\(UUID().uuidString)").path)
    }

    func testSeedCorpusReplays() throws {
        let target = try makeTarget()
        let corpus = Self.repository.appendingPathComponent("Fuzz/corpus")
        let files = try FileManager.default.contentsOfDirectory(atPath: corpus.path).sorted()
        XCTAssertGreaterThan(files.count, 50)
        for file in files {
            target.feed(Array(try Data(contentsOf: corpus.appendingPathComponent(file))))
        }
        // Every command of the BMC has a seed, in a session and outside one.
        let seeds = PacketMutator.seeds(commands: target.bmc.commandTable.keys)
        XCTAssertEqual(files.count, seeds.count, "Fuzz/corpus is stale: rewrite it with ipmigod-fuzz --write-seeds Fuzz/corpus")
    }

    /// IPMIGOD_FUZZ_COUNT sets the number (one million by default).
    func testOneMillionMutatedInputsInProcess() throws {
        let count = ProcessInfo.processInfo.environment["IPMIGOD_FUZZ_COUNT"].flatMap { Int($0) } ?? 1_000_000
        let target = try makeTarget()
        var mutator = PacketMutator(seed: 0x1F_2E3D, seeds: PacketMutator.seeds(commands: target.bmc.commandTable.keys))
        // Warm up: allocations that stay (SEL, tables at their bounds) come first.
        for _ in 0..<min(count, 50_000) { target.feed(mutator.next()) }
        let before = residentKilobytes()
        let start = Date()
        for _ in 0..<count { target.feed(mutator.next()) }
        let after = residentKilobytes()
        print("in-process: \(count) mutated inputs in \(Int(Date().timeIntervalSince(start))) s; RSS \(before) kB -> \(after) kB")
        XCTAssertLessThanOrEqual(Double(after), Double(before) * 1.10, "RSS grew by more than 10%")
        XCTAssertLessThanOrEqual(target.bmc.sessions.active.count, target.bmc.sessions.capacity)
    }

    private func residentKilobytes() -> Int {
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
        return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
    }
}
