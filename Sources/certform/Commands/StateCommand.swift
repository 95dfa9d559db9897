import Apply
import CertCentralAPI
import ArgumentParser
import Dates
import Foundation
import JSON
import States

struct StateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "state",
        abstract: "Inspect, repair and move the state.",
        discussion: """
        Commands that change the state take the writers' lock first (<state>.lock for a file, an advisory lock for PostgreSQL).

        Examples:
          certform state list
          certform state show example-com
          certform state forget old-example
          certform state resolve 5f0c… --order 6484932
          certform state migrate --from state/orders.json --to postgres://certform@db:5432/pki?schema=certform
        """,
        subcommands: [List.self, ShowRecord.self, Forget.self, Resolve.self, Migrate.self])

    struct Migrate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Copy the state from a file to PostgreSQL, or back, losing nothing.",
            discussion: """
            Copies every record, its history, the intents, the lineage and the serial, under both \
            states' writers' locks, then reads the copy back and compares it with the original. \
            The destination must be empty or an older copy of the same state (same lineage, lower \
            or equal serial); --force replaces anything. The source is left as it is: once the \
            team uses the new state, remove the old file (or schema) so that nobody writes to it.

            Examples:
              certform state migrate --from state/orders.json --to postgres://certform@db:5432/pki?schema=certform
              certform state migrate --from postgres://certform@db:5432/pki --to state/orders.json
            """)

        @Option(help: ArgumentHelp("The state to copy: a file or a postgres:// URL.", valueName: "file|url"))
        var from: String

        @Option(help: ArgumentHelp("Where to copy it: a file or a postgres:// URL.", valueName: "file|url"))
        var to: String

        @Option(name: .customLong("state-password-file"), help: ArgumentHelp(
            "File holding the PostgreSQL password (default: the PGPASSWORD variable).", valueName: "file"))
        var statePasswordFile: String?

        @Flag(help: "Replace the destination even when it holds another state.")
        var force = false

        @OptionGroup var lockOptions: LockOptions

        func run() throws {
            try Failure.report { () throws(StateError) in
                let source = try StateOptions.open(from, passwordFile: statePasswordFile)
                defer { source.close() }
                let destination = try StateOptions.open(to, passwordFile: statePasswordFile)
                defer { destination.close() }
                guard source.name != destination.name else {
                    throw .unwritable(path: destination.name, reason: "it is the source itself")
                }
                let sourceLock = try source.lock(operation: "state migrate", timeout: lockOptions.lockTimeout)
                defer { sourceLock.release() }
                let destinationLock = try destination.lock(operation: "state migrate", timeout: lockOptions.lockTimeout)
                defer { destinationLock.release() }
                let state = try source.load()
                if state.lineage == nil && state.certificates.isEmpty && state.intents.isEmpty {
                    throw .unreadable(path: source.name, reason: "it holds no state (a wrong path or URL?); nothing was copied")
                }
                let existing = try destination.load()
                let isEmpty = existing.lineage == nil && existing.certificates.isEmpty && existing.intents.isEmpty
                let isOlderCopy = existing.lineage == state.lineage && existing.serial <= state.serial
                if !(isEmpty || isOlderCopy || force) {
                    throw .unwritable(path: destination.name, reason: "it holds another state (lineage \(existing.lineage ?? "none"), serial \(existing.serial), \(existing.certificates.count) certificates); pass --force to replace it")
                }
                try destination.replace(with: state)
                let copy = try destination.load()
                guard copy == state else {
                    throw .unwritable(path: destination.name, reason: "the copy read back differs from the source; the source is unchanged, do not use the copy")
                }
                print("Migrated \(state.certificates.count) certificates and \(state.intents.count) intents (lineage \(state.lineage ?? "none"), serial \(state.serial)) from \(source.name) to \(destination.name); the copy was read back and matches.")
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the certificate names in state, with their order and status, and the unresolved intents.")

        @OptionGroup var stateOptions: StateOptions

        func run() throws {
            let state = try Failure.report { () throws(StateError) in try stateOptions.loadState() }
            for name in state.certificates.keys.sorted() {
                let record = state.certificates[name]!
                print("\(name)\torder \(record.orderID)\t\(record.status)")
            }
            for intent in state.intents {
                print("intent \(intent.id)\t\(intent.name)\t\(intent.action) since \(intent.createdAt)")
            }
        }
    }

    struct ShowRecord: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "Print one certificate's state record as JSON.")

        @OptionGroup var stateOptions: StateOptions

        @Argument(help: "The certificate name.")
        var name: String

        func run() throws {
            let path = stateOptions.statePath
            let state = try Failure.report { () throws(StateError) in try stateOptions.loadState() }
            guard let record = state.certificates[name] else {
                Console.error("error: \(StateError.unknownCertificate(name: name, path: path))")
                throw ExitCode.failure
            }
            print(JSONWriter.pretty(record.json), terminator: "")
        }
    }

    struct Forget: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove a certificate's record from state (the order itself is not touched).",
            discussion: "Use it for an orphan you no longer manage, or to let a rename order anew. certform never revokes or cancels orders.")

        @OptionGroup var stateOptions: StateOptions
        @OptionGroup var lockOptions: LockOptions

        @Argument(help: "The certificate name.")
        var name: String

        func run() throws {
            let path = stateOptions.statePath
            try Failure.report { () throws(StateError) in
                try stateOptions.withLockedState(operation: "state forget", timeout: lockOptions.lockTimeout) { (store) throws(StateError) in
                var state = try store.load()
                guard let record = state.certificates.removeValue(forKey: name) else {
                    throw .unknownCertificate(name: name, path: path)
                }
                let saved = try store.save(state)
                print("Forgot '\(name)' (order \(record.orderID), \(record.status)); state serial \(saved.serial). The order still exists in CertCentral.")
                }
            }
        }
    }

    struct Resolve: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Settle an intent whose outcome is unknown: the order was placed, or it was not.",
            discussion: """
            An intent stays in state when certform could not tell whether an order was placed (a
            timeout, a dropped connection). Look the order up in CertCentral, then either record it
            (--order ID) or declare that nothing was placed (--not-placed).
            """)

        @OptionGroup var stateOptions: StateOptions
        @OptionGroup var lockOptions: LockOptions

        @Argument(help: "The intent id (see 'certform state list').")
        var intentID: String

        @Option(help: ArgumentHelp("The order that this intent placed.", valueName: "id"))
        var order: Int?

        @Flag(name: .customLong("not-placed"), help: "No order was placed for this intent.")
        var notPlaced = false

        func validate() throws {
            if (order == nil) == !notPlaced {
                throw ValidationError("give exactly one of --order ID and --not-placed")
            }
        }

        func run() throws {
            let path = stateOptions.statePath
            try Failure.report { () throws(StateError) in
                try stateOptions.withLockedState(operation: "state resolve", timeout: lockOptions.lockTimeout) { (store) throws(StateError) in
                var state = try store.load()
                guard let index = state.intents.firstIndex(where: { $0.id == intentID }) else {
                    throw .unknownIntent(id: intentID, path: path)
                }
                let intent = state.intents.remove(at: index)
                if let order {
                    state.certificates[intent.name] = OrderRecords.resolved(intent, orderID: order, previous: state.certificates[intent.name])
                }
                let saved = try store.save(state)
                if let order {
                    print("Recorded order \(order) for '\(intent.name)' (status pending until 'certform refresh'); state serial \(saved.serial).")
                } else {
                    print("Intent \(intent.id) for '\(intent.name)' resolved as not placed; state serial \(saved.serial).")
                }
                }
            }
        }
    }
}

/// `--lock-timeout` for commands that write state.
struct LockOptions: ParsableArguments {
    @Option(name: .customLong("lock-timeout"), help: ArgumentHelp("How long to wait for another writer's lock, e.g. 0s, 30s, 5m (default 0s).", valueName: "duration"))
    var lockTimeoutText: String = "0s"

    var lockTimeout: Double { DurationText.seconds(lockTimeoutText) ?? 0 }

    func validate() throws {
        guard DurationText.seconds(lockTimeoutText) != nil else {
            throw ValidationError("--lock-timeout takes a duration such as 0s, 30s or 5m, not '\(lockTimeoutText)'")
        }
    }
}

/// Durations on the command line: `30s`, `5m`, `1h`, `2d` or plain seconds.
enum DurationText {
    static func seconds(_ text: String) -> Double? {
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86_400]
        if let last = text.last, let unit = units[last], let value = Double(text.dropLast()), value >= 0 { return value * unit }
        if let value = Double(text), value >= 0 { return value }
        return nil
    }
}
