import Apply
import ArgumentParser
import Dates
import Foundation
import JSON
import States

struct StateCommand: AsyncParsableCommand {
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

    struct Migrate: AsyncParsableCommand {
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
            "File holding the PostgreSQL password (default: the PGPASSWORD variable).", valueName: "file"), completion: .file())
        var statePasswordFile: String?

        @Option(name: .customLong("state-ca-file"), help: ArgumentHelp(
            "CA bundle (PEM) to verify a PostgreSQL server with (default: the system's CAs).", valueName: "file"), completion: .file())
        var stateCAFile: String?

        @Flag(help: "Replace the destination even when it holds another state.")
        var force = false

        @OptionGroup var lockOptions: LockOptions

        func run() async throws {
            let result = try await Failure.report { () async throws(StateError) in
                let source = try await StateOptions.open(from, passwordFile: statePasswordFile, caFile: stateCAFile)
                let destination: any StateBackend
                do throws(StateError) {
                    destination = try await StateOptions.open(to, passwordFile: statePasswordFile, caFile: stateCAFile)
                } catch {
                    await source.close()
                    throw error
                }
                do throws(StateError) {
                    let result = try await StateMigration.migrate(from: source, to: destination, force: force, lockTimeout: lockOptions.lockTimeout)
                    await source.close()
                    await destination.close()
                    return result
                } catch {
                    await source.close()
                    await destination.close()
                    throw error
                }
            }
            StateView.migrated(result)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the certificate names in state, with their order and status, and the unresolved intents.")

        @OptionGroup var stateOptions: StateOptions

        func run() async throws {
            StateView.list(try await Failure.report { () async throws(StateError) in try await stateOptions.loadState() })
        }
    }

    struct ShowRecord: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "Print one certificate's state record as JSON.")

        @OptionGroup var stateOptions: StateOptions

        @Argument(help: "The certificate name.")
        var name: String

        func run() async throws {
            let path = stateOptions.statePath
            let state = try await Failure.report { () async throws(StateError) in try await stateOptions.loadState() }
            guard let record = state.certificates[name] else {
                Console.error("error: \(StateError.unknownCertificate(name: name, path: path))")
                throw ExitCode.failure
            }
            StateView.record(record)
        }
    }

    struct Forget: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove a certificate's record from state (the order itself is not touched).",
            discussion: "Use it for an orphan you no longer manage, or to let a rename order anew. certform never revokes or cancels orders.")

        @OptionGroup var stateOptions: StateOptions
        @OptionGroup var lockOptions: LockOptions

        @Argument(help: "The certificate name.")
        var name: String

        func run() async throws {
            let path = stateOptions.statePath
            try await Failure.report { () async throws(StateError) in
                try await stateOptions.withLockedState(operation: "state forget", timeout: lockOptions.lockTimeout) { (store) async throws(StateError) in
                    var state = try await store.load()
                    guard let record = state.certificates.removeValue(forKey: name) else {
                        throw .unknownCertificate(name: name, path: path)
                    }
                    StateView.forgot(name, record: record, serial: try await store.save(state).serial)
                }
            }
        }
    }

    struct Resolve: AsyncParsableCommand {
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

        func run() async throws {
            let path = stateOptions.statePath
            let resolved = try await Failure.report { () async throws(StateError) in
                try await stateOptions.withLockedState(operation: "state resolve", timeout: lockOptions.lockTimeout) { (store) async throws(StateError) in
                    var state = try await store.load()
                    guard let index = state.intents.firstIndex(where: { $0.id == intentID }) else {
                        throw .unknownIntent(id: intentID, path: path)
                    }
                    let intent = state.intents.remove(at: index)
                    if let order {
                        var (previous, movedFrom) = Applier.previous(of: intent, in: state)
                        let holders = state.certificates.filter { $0.value.orderID == order }
                        if previous == nil, intent.action == .reissue, holders.count == 1, let holder = holders.first {
                            // A renamed certificate's reissue from before intents named moved_from:
                            // the one record holding the order is its old one.
                            (previous, movedFrom) = (holder.value, holder.key)
                        }
                        if let problem = Self.problem(recording: order, for: intent, previous: previous, in: state) {
                            Console.error("error: \(problem)")
                            return false
                        }
                        state.certificates[intent.name] = OrderRecords.resolved(intent, orderID: order, previous: previous)
                        if let movedFrom { state.certificates[movedFrom] = nil }
                    }
                    StateView.resolved(intent, order: order, serial: try await store.save(state).serial)
                    return true
                }
            }
            if !resolved { throw ExitCode.failure }
        }

        /// Why `order` cannot be recorded for `intent`: an order is never recorded twice, so only
        /// a reissue may name an order state holds, and only its own name's.
        static func problem(recording order: Int, for intent: Intent, previous: StateRecord?, in state: State) -> String? {
            if intent.action == .reissue {
                guard let previous else { return "'\(intent.name)' has no state record to reissue" }
                return previous.orderID == order ? nil : "a reissue keeps its order: '\(intent.name)' records order \(previous.orderID), not \(order)"
            }
            guard state.knownOrderIDs.contains(order) else { return nil }
            let owner = state.certificates.first { $0.value.orderID == order }.map { "under '\($0.key)'" } ?? "in a history entry"
            return "order \(order) is already recorded in state (\(owner)); an order is never recorded twice"
        }
    }
}
