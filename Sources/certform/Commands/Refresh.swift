import Apply
import ArgumentParser
import CertCentral
import Foundation
import States

struct Refresh: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Record what CertCentral reports for the orders in state.",
        discussion: """
        Reads order info for every order that is not in a final state, and for issued orders that miss dates or a thumbprint (--all: every order), and records status, certificate id, thumbprint, serial number, validity dates and names. Reports what changed outside certform (revoked, reissued elsewhere, names changed). Leftover intents are settled first.

        Examples:
          certform refresh
          certform refresh --all --verbose
        """)

    @OptionGroup var stateOptions: StateOptions
    @OptionGroup var lockOptions: LockOptions
    @OptionGroup var api: APIOptions

    @Flag(help: "Read every order, not only those that may have changed.")
    var all = false

    @Option(help: "Reads in flight at once.")
    var concurrency = 4

    func run() async throws {
        let locked = try Failure.report { () throws(StateError) in
            try stateOptions.openLocked(operation: "refresh", timeout: lockOptions.lockTimeout)
        }
        defer { locked.close() }
        let store = locked.store
        let state = try Failure.report { () throws(StateError) in try store.load() }
        let client = try api.makeClient()
        defer { Task { try? await client.shutdown() } }
        let writer = StateWriter(state: state, store: store)
        let leftovers = await Applier(client: client, writer: writer).resolveLeftoverIntents()
        ApplyOutput.reportIntents(leftovers)
        let names = Refresher.names(in: await writer.state, all: all)
        let reports = await Refresher(client: client, writer: writer).refresh(names, concurrency: max(1, concurrency)) { _ in }
        ApplyOutput.reportRefresh(reports)
        let changed = reports.filter { !$0.changes.isEmpty }.count
        let failed = reports.filter { $0.error != nil }.count
        print("Refresh: \(reports.count) order\(reports.count == 1 ? "" : "s") read, \(changed) changed, \(failed) failed · state serial \(await writer.state.serial)")
        if failed > 0 { throw ExitCode.failure }
    }
}
