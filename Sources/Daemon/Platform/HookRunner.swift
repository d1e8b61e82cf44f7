import IPMICore
import Logging
import Subprocess
import SystemPackage

/// Carries out platform actions by running the integrator's hook commands, off the BMC's
/// event loop. A hook that exits 0 did the action; any other exit status answers the code
/// the config maps it to (0xFF otherwise). A hook still running at its timeout is killed,
/// with everything it started, and answers 0xC3 (timeout).
final class HookRunner: PlatformActions {
    private let hooks: [String: HookCommand]
    private let logger: Logger

    init(hooks: [String: HookCommand], logger: Logger) {
        self.hooks = hooks
        self.logger = logger
    }

    func supports(_ action: PlatformAction) -> Bool { hooks[action.name] != nil }

    func perform(_ action: PlatformAction, reason: String,
                 completion: @escaping @Sendable (PlatformActionOutcome) -> Void) {
        guard let hook = hooks[action.name] else { return completion(.failed(.notSupportedInPresentState)) }
        let arguments = hook.arguments(for: action, reason: reason)
        let logger = self.logger
        Task {
            // The hook and its clock race: whichever ends first answers; the other is cancelled
            // (a cancelled hook is killed, which the group then waits for).
            await withTaskGroup(of: Ending.self) { group in
                group.addTask { .finished(await HookRunner.run(arguments, hook: hook, name: action.name, logger: logger)) }
                group.addTask {
                    do {
                        try await Task.sleep(for: hook.timeout)
                        return .timedOut
                    } catch {
                        return .finished(.done) // cancelled: the hook ended first and has answered
                    }
                }
                switch await group.next() ?? .timedOut {
                case .finished(let outcome):
                    completion(outcome)
                case .timedOut:
                    logger.error("hook timed out: killed", metadata: ["hook": "\(action.name)", "timeout": "\(hook.timeout)"])
                    completion(.failed(.timeout))
                }
                group.cancelAll()
            }
        }
    }

    private enum Ending: Sendable {
        case finished(PlatformActionOutcome)
        case timedOut
    }

    /// Runs the hook to its end, or until the task is cancelled (then it is killed).
    private static func run(_ arguments: [String], hook: HookCommand, name: String, logger: Logger) async -> PlatformActionOutcome {
        var options = PlatformOptions()
        // Its own session, so the teardown reaches whatever the hook started too.
        options.createSession = true
        options.teardownSequence = [.gracefulShutDown(toProcessGroup: true, allowedDurationToNextStep: .milliseconds(500))]
        let started = ContinuousClock.now
        do {
            let result = try await Subprocess.run(
                .path(FilePath(arguments[0])), arguments: Arguments(Array(arguments.dropFirst())),
                platformOptions: options, input: .none, output: .discarded, error: .currentStandardError)
            let elapsed = ContinuousClock.now - started
            switch result.terminationStatus {
            case .exited(0):
                logger.info("hook done", metadata: ["hook": "\(name)", "took": "\(elapsed)"])
                return .done
            case .exited(let status):
                let code = CompletionCode(hook.exitCodes[status] ?? 0xFF)
                logger.error("hook failed", metadata: ["hook": "\(name)", "exit_status": "\(status)", "completion_code": "\(code)"])
                return .failed(code)
            case .signaled(let signal):
                // Killed at its timeout (logged then), or by someone else.
                if !Task.isCancelled { logger.error("hook killed", metadata: ["hook": "\(name)", "signal": "\(signal)"]) }
                return .failed(.unspecified)
            }
        } catch {
            if !Task.isCancelled {
                logger.error("hook cannot run", metadata: ["hook": "\(name)", "command": "\(arguments[0])", "error": "\(error)"])
            }
            return .failed(.unspecified)
        }
    }
}
