import ArgumentParser
import Foundation
import States

struct Unlock: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Remove a state lock left by a process on another machine.",
        discussion: """
        Local locks die with their process, and a PostgreSQL state's lock dies with its session; a lock on a shared file system can outlive a machine, and a dead session's lock information stays until it is cleared. Give the lock id that the lock error printed. A lock held by a running process on this machine is not removed.
        """)

    @OptionGroup var stateOptions: StateOptions

    @Argument(help: "The lock id from the lock error.")
    var lockID: String

    func run() async throws {
        let result = try await Failure.report { () async throws(StateError) in
            let backend = try await stateOptions.backend()
            do throws(StateError) {
                let result = try await backend.unlock(id: lockID)
                await backend.close()
                return result
            } catch {
                await backend.close()
                throw error
            }
        }
        guard StateView.unlocked(result, location: stateOptions.statePath, lockID: lockID) else { throw ExitCode.failure }
    }
}
