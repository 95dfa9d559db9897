import ArgumentParser
import Foundation
import States

struct Unlock: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Remove a state lock left by a process on another machine.",
        discussion: """
        Local locks die with their process, and a PostgreSQL state's lock dies with its session; a lock on a shared file system can outlive a machine, and a dead session's lock information stays until it is cleared. Give the lock id that the lock error printed. A lock held by a running process on this machine is not removed.
        """)

    @OptionGroup var stateOptions: StateOptions

    @Argument(help: "The lock id from the lock error.")
    var lockID: String

    func run() throws {
        let result = try Failure.report { () throws(StateError) in
            let backend = try stateOptions.backend()
            defer { backend.close() }
            return try backend.unlock(id: lockID)
        }
        switch result {
        case .removed(let info):
            print("Removed lock \(info.id) (\(info.summary)).")
        case .noLock:
            Console.error("error: the state '\(stateOptions.statePath)' is not locked")
            throw ExitCode.failure
        case .otherLock(let info):
            Console.error("error: the state is locked by \(info.summary), not by \(lockID)")
            throw ExitCode.failure
        case .held(let info):
            Console.error("error: lock \(info.id) is held by a running process on this machine (\(info.summary)); it is released when that process ends")
            throw ExitCode.failure
        }
    }
}
