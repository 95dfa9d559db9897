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
        let failed = try await Failure.report { () async throws(StateError) in
            try await stateOptions.withLockedState(operation: "refresh", timeout: lockOptions.lockTimeout) { (store) async throws(StateError) in
                let state = try await store.load()
                return try? await api.withClient { client in await refresh(StateWriter(state: state, store: store), client: client) }
            }
        }
        guard let failed else { throw ExitCode.failure }
        if failed { throw ExitCode.failure }
    }

    /// Settles leftover intents, reads the orders worth reading, and reports; true when a read failed.
    func refresh(_ writer: StateWriter, client: CertCentralClient) async -> Bool {
        ApplyView.reportIntents(await Applier(client: client, writer: writer).resolveLeftoverIntents())
        let names = Refresher.names(in: await writer.state, all: all)
        let reports = await Refresher(client: client, writer: writer).refresh(names, concurrency: max(1, concurrency)) { _ in }
        RefreshView.report(reports)
        RefreshView.summary(reports, stateSerial: await writer.state.serial)
        return reports.contains { $0.error != nil }
    }
}
