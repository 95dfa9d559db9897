import Apply
import ArgumentParser
import CertCentral
import DomainValidation
import Foundation
import States

struct DCVCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dcv",
        abstract: "Show what to publish for domain control validation, publish it with a hook, and ask CertCentral to check.",
        discussion: """
        For every order in state awaiting domain control validation (or only NAME…): dns-txt-token — a TXT record at the name (or at _dnsauth.NAME) holding the random value; dns-cname-token — a CNAME from <random value>.<name> to dcv.digicert.com; http-token — the file http://<name>/.well-known/pki-validation/fileauth.txt holding the value; email — the addresses DigiCert writes to. A wildcard name validates at its base domain.

        With the API key, the names, method and random value shown are what CertCentral reports for the order (order info and PUT order/certificate/{id}/dcv-random-value), not what the state file says: a state file can be edited in a pull request, and a person publishes what this prints. Without the key, nothing is sent and state's values are shown, marked "not confirmed"; a missing or expired value (after 30 days) then needs the key. --check asks CertCentral to validate now (PUT …/check-dcv) and reports each answer in words. --hook CMD runs CMD once per domain to publish (CERTFORM_DCV_ACTION=publish), then checks, and runs CMD with CERTFORM_DCV_ACTION=cleanup once the order is issued; a hook that fails is reported with its output, and the other names go on.

        Exit status: 0, also while orders still wait for validation; 1 when a hook, a check or a read failed.

        Examples:
          certform dcv
          certform dcv example-com --format json
          certform dcv --hook ./examples/dcv-hooks/nsupdate.sh
          certform dcv --check
        """)

    @OptionGroup var stateOptions: StateOptions
    @OptionGroup var lockOptions: LockOptions
    @OptionGroup var api: APIOptions
    @OptionGroup var hookOptions: DCVHookOptions

    @Argument(help: ArgumentHelp("Only these certificates (names in state).", valueName: "name"))
    var names: [String] = []

    @Option(help: "Output format: text or json.")
    var format: DCVView.Format = .text

    @Flag(help: "Ask CertCentral to validate now (PUT order/certificate/{id}/check-dcv) and report each answer.")
    var check = false

    @Option(name: .customLong("as-of"), help: ArgumentHelp("Judge whether a random value has expired as of this time instead of now.", valueName: "time"))
    var asOf: AsOfTime?

    func run() async throws {
        let now = asOf?.date ?? Date()
        let locked = try await Failure.report { () async throws(StateError) in
            try await stateOptions.openLocked(operation: "dcv", timeout: lockOptions.lockTimeout)
        }
        let reports: [DCVReport]
        do {
            reports = try await validate(locked.store, now: now)
            await locked.close()
        } catch {
            await locked.close()
            throw error
        }
        DCVView.show(reports, format: format)
        if reports.contains(where: \.failed) { throw ExitCode.failure }
    }

    func validate(_ store: any StateBackend, now: Date) async throws -> [DCVReport] {
        let state = try await Failure.report { () async throws(StateError) in try await store.load() }
        let unknown = names.filter { state.certificates[$0] == nil }
        guard unknown.isEmpty else {
            Console.error("error: not in state: \(unknown.joined(separator: ", ")) (see 'certform state list')")
            throw ExitCode.failure
        }
        // With the API key, what is shown is what CertCentral confirms; without it, state's
        // values, marked as not confirmed.
        let options = DomainValidator.Options(check: check, hook: hookOptions.hook, confirmShown: api.hasAPIKey)
        let chosen = names.isEmpty ? DomainValidator.names(in: state, hook: options.hook != nil) : names
        let writer = StateWriter(state: state, store: store)
        let needsClient = options.check || options.hook != nil || DomainValidator.needsValues(state, names: chosen, now: now)
        guard needsClient || (options.confirmShown && DomainValidator.awaitsToken(state, names: chosen)) else {
            return await DomainValidator(client: nil, writer: writer, options: options, now: { now }).run(names: chosen)
        }
        return try await api.withClient { client in
            await DomainValidator(client: client, writer: writer, options: options, now: { now }).run(names: chosen)
        }
    }
}
