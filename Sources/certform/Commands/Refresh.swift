import Apply
import ArgumentParser
import CertCentral
import CertificateFiles
import DomainValidation
import Foundation
import Manifests
import Dates
import States

struct Refresh: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Record what CertCentral reports for the orders in state.",
        discussion: """
        Lists every order of the account (1,000 a page: 100 requests for 100,000 orders), then reads order info only for the orders in state that may have changed — another status, expiry or a renewal in the list, not final, or near expiry (--all: every order in state) — and records status, certificate id, thumbprint, serial number, validity dates and names. An order renewed outside certform (CertCentral's auto-renew, the console) is followed to its renewal order and adopted, so that certform never buys it again. Reports each change in words. Leftover intents are settled first.

        With --hook CMD, every order awaiting domain control validation is published, checked and cleaned up as 'certform dcv --hook CMD' does. With --certs-dir DIR, each issued certificate whose file DIR/NAME.pem is missing or holds another certificate is downloaded (pem_all), checked — the leaf's SHA-1 must be the recorded thumbprint and its public key the key of the CSR in the manifests — and written atomically: the leaf, then the intermediates. Only public material is written.

        Examples:
          certform refresh
          certform refresh --all --verbose
          certform refresh --hook ./examples/dcv-hooks/nsupdate.sh --certs-dir /etc/ssl/certform
        """)

    @OptionGroup var stateOptions: StateOptions
    @OptionGroup var lockOptions: LockOptions
    @OptionGroup var api: APIOptions
    @OptionGroup var hookOptions: DCVHookOptions
    @OptionGroup var certsDirOptions: CertsDirOptions
    @OptionGroup var manifestOptions: ManifestOptions

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
        let result = await Refresher(client: client, writer: writer).refresh(all: all, concurrency: max(1, concurrency), windows: renewalWindows())
        RefreshView.report(result)
        var failed = result.listError != nil || result.reports.contains { $0.error != nil }
        // Orders adopted here (a renewal made outside certform, a leftover intent) have no random
        // value yet: it is read like apply reads it. With a hook, every order awaiting validation
        // is published, checked and cleaned up.
        let hook = hookOptions.hook
        let state = await writer.state
        let names = hook != nil ? DomainValidator.names(in: state, hook: true) : DomainValidator.namesNeedingValues(state, now: Date())
        if !names.isEmpty {
            let validation = await DomainValidator(client: client, writer: writer, options: .init(hook: hook, confirmShown: true)).run(names: names)
            DCVView.section(validation)
            failed = failed || validation.contains(where: \.failed)
        }
        if let directory = certsDirOptions.certsDir {
            failed = await writeCertificates(to: directory, state: await writer.state, client: client) || failed
        }
        RefreshView.summary(result, stateSerial: await writer.state.serial)
        return failed
    }

    /// Each certificate's `renew_before_days`, from the manifests read without their CSRs (a
    /// second or so at 100,000); none when they cannot be read, so that refresh goes on with
    /// the default window (their problems are for plan and validate to report).
    func renewalWindows() -> [String: Int] { Self.renewalWindows(in: manifestOptions.manifests) }

    static func renewalWindows(in directory: String) -> [String: Int] {
        renewalWindows(of: ManifestLoader(directory: directory, asOf: CalendarDate(Date()), checksCSRs: false, readsCSRFiles: false).load().certificates)
    }

    static func renewalWindows(of certificates: [CertificateSpec]) -> [String: Int] {
        Dictionary(certificates.map { ($0.name, $0.renewBeforeDays) }, uniquingKeysWith: { first, _ in first })
    }

    /// `--certs-dir`: each issued certificate to DIR/NAME.pem, checked against the key of the
    /// CSR its manifest names; true when a file failed.
    func writeCertificates(to directory: String, state: State, client: CertCentralClient) async -> Bool {
        let manifests = ManifestLoader(directory: manifestOptions.manifests, asOf: CalendarDate(Date())).load()
        if manifests.hasErrors {
            DiagnosticsView.report(manifests, format: .quietText)
            Console.error("error: certificate files not written: the manifests have errors, so no key can be checked against its CSR")
            return true
        }
        var expected: [String: CertificateFiles.Expected] = [:]
        for spec in manifests.certificates {
            guard let key = spec.csrSummary?.publicKeySHA256 else { continue }
            expected[spec.name] = .init(publicKeySHA256: key, names: Set(([spec.commonName] + (spec.dnsNames ?? [])).map { $0.lowercased() }))
        }
        let reports = await CertificateFiles(directory: directory, client: client).sync(state, expected: expected)
        CertificateFilesView.report(reports, directory: directory)
        return reports.contains { if case .failed = $0.outcome { return true } else { return false } }
    }
}
