import Apply
import ArgumentParser
import CertCentral
import Foundation
import States

struct Refresh: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Record what CertCentral reports for the orders in state.",
        discussion: """
        Lists every order of the account (1,000 a page: 100 requests for 100,000 orders), then reads order info only for the orders in state that may have changed — another status, expiry or a renewal in the list, not final, or near expiry (--all: every order in state) — and records status, certificate id, thumbprint, serial number, validity dates and names. An order renewed outside certform (CertCentral's auto-renew, the console) is followed to its renewal order and adopted, so that certform never buys it again. Reports each change in words. Leftover intents are settled first.

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
        let result = await Refresher(client: client, writer: writer).refresh(all: all, concurrency: max(1, concurrency))
        RefreshView.report(result)
        RefreshView.summary(result, stateSerial: await writer.state.serial)
        return result.listError != nil || result.reports.contains { $0.error != nil }
    }
}
