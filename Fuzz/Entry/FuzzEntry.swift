import FoundationEssentials
import IPMIFuzzing

#if canImport(Glibc)
import Glibc
#endif

/// One BMC for the whole run, in a directory of its own, removed at exit.
let stateDirectory = FileManager.default.temporaryDirectory.path + "/ipmigod-fuzz-\(getpid())"
nonisolated(unsafe) let target = try! FuzzTarget(directory: stateDirectory)

func removeStateDirectoryAtExit() {
    atexit { try? FileManager.default.removeItem(atPath: stateDirectory) }
}

#if FUZZING
/// libFuzzer's entry point: built with `-sanitize=fuzzer -DFUZZING` (see docs/security.md).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    target.feed(UnsafeRawBufferPointer(start: data, count: size))
    return 0
}

@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(
    _ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt
) -> CInt

/// SwiftPM links an executable's main as this module's entry point, not libFuzzer's `main`:
/// hand the command line to libFuzzer's driver.
@main
struct FuzzMain {
    static func main() {
        removeStateDirectoryAtExit()
        var argc = CommandLine.argc
        var argv = CommandLine.unsafeArgv
        exit(runFuzzerDriver(&argc, &argv, fuzzOneInput))
    }
}
#else
/// Without libFuzzer: replays inputs, writes the seed corpus, or runs the built-in mutator.
///   ipmigod-fuzz FILE|DIR...             replay each input once
///   ipmigod-fuzz --write-seeds DIR       write the seed corpus
///   ipmigod-fuzz --mutate N [SEED]       feed N mutated inputs; print the count and RSS
@main
struct FuzzMain {
    static func main() throws {
        removeStateDirectoryAtExit()
        let arguments = Array(CommandLine.arguments.dropFirst())
        switch arguments.first {
        case "--write-seeds":
            let directory = arguments.count > 1 ? arguments[1] : "Fuzz/corpus"
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            for (index, seed) in PacketMutator.seeds(commands: target.bmc.commandTable.keys).enumerated() {
                try Data(seed).write(to: URL(fileURLWithPath: directory + "/seed-" + String(1000 + index).dropFirst()))
            }
        case "--mutate":
            let count = arguments.count > 1 ? Int(arguments[1]) ?? 1_000_000 : 1_000_000
            let seed = arguments.count > 2 ? UInt64(arguments[2]) ?? 1 : 1
            var mutator = PacketMutator(seed: seed, seeds: PacketMutator.seeds(commands: target.bmc.commandTable.keys))
            let before = residentKilobytes()
            for _ in 0..<count { target.feed(mutator.next()) }
            print("fed \(target.datagrams) inputs; RSS \(before) kB before, \(residentKilobytes()) kB after")
        default:
            var files: [String] = []
            for path in arguments {
                var isDirectory = false
                if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory {
                    files += try FileManager.default.contentsOfDirectory(atPath: path).sorted().map { path + "/" + $0 }
                } else {
                    files.append(path)
                }
            }
            for file in files {
                let data = try Data(contentsOf: URL(fileURLWithPath: file))
                target.feed(Array(data))
            }
            print("replayed \(files.count) inputs")
        }
    }

    /// VmRSS of this process, from /proc.
    static func residentKilobytes() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") })
        else { return 0 }
        return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
    }
}
#endif
