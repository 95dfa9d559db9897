import Apply
import CertCentralAPI
import ArgumentParser
import CertCentral
import Dates
import Foundation
import Manifests
import States

struct Import: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Record an existing CertCentral order in state under a manifest certificate's name.",
        discussion: """
        Reads the order from CertCentral, checks that its product and names match the manifest entry NAME, and records it, so that certform renews or reissues it from then on instead of ordering anew. The record carries no spec digest: until certform places the next order for it, changes are detected on product, common_name and dns_names.

        Examples:
          DIGICERT_API_KEY=… certform import example-com 6484932
          certform import example-com 6484932 --api-key-file /run/secrets/digicert
        """)

    @OptionGroup var manifestOptions: ManifestOptions
    @OptionGroup var stateOptions: StateOptions
    @OptionGroup var lockOptions: LockOptions
    @OptionGroup var api: APIOptions

    @Argument(help: "The certificate name in the manifests.")
    var name: String

    @Argument(help: "The CertCentral order id.")
    var orderID: Int

    func run() async throws {
        let spec = try manifestEntry()
        let imported = try await Failure.report { () async throws(StateError) in
            try await stateOptions.withLockedState(operation: "import", timeout: lockOptions.lockTimeout) { (store) async throws(StateError) in
                var state = try await store.load()
                if let existing = state.certificates[name] {
                    Console.error("error: '\(name)' already has order \(existing.orderID) in state; run 'certform state forget \(name)' first to replace it")
                    return false
                }
                if let owner = state.certificates.first(where: { $0.value.orderID == orderID })?.key ?? (state.knownOrderIDs.contains(orderID) ? "a history entry" : nil) {
                    Console.error("error: order \(orderID) is already recorded in state (\(owner)); an order is never recorded twice")
                    return false
                }
                guard let info = await readOrder(matching: spec) else { return false }
                state.certificates[name] = OrderRecords.imported(info, expected: spec.product)
                let saved = try await store.save(state)
                StateView.imported(name, orderID: orderID, status: info.status.rawValue, validTill: info.certificate.validTill, serial: saved.serial)
                return true
            }
        }
        if !imported { throw ExitCode.failure }
    }

    /// The manifest entry NAME, when the manifests load without errors.
    func manifestEntry() throws -> CertificateSpec {
        let manifests = ManifestLoader(directory: manifestOptions.manifests, asOf: CalendarDate(Date())).load()
        DiagnosticsView.report(manifests, format: .quietText)
        if manifests.hasErrors { throw ExitCode.failure }
        guard let spec = manifests.certificates.first(where: { $0.name == name }) else {
            Console.error("error: no certificate named '\(name)' in the manifests under '\(manifestOptions.manifests)'")
            throw ExitCode.failure
        }
        return spec
    }

    /// The order from CertCentral when it can be read and matches `spec`; otherwise nil, with the
    /// reason printed.
    func readOrder(matching spec: CertificateSpec) async -> OrderInfo? {
        let info: OrderInfo
        do {
            info = try await api.withClient { client in try await client.orderInfo(orderID) }
        } catch is ExitCode {
            return nil  // the key was missing; its error is printed
        } catch {
            Console.error("error: cannot read order \(orderID): \(error)")
            return nil
        }
        let mismatches = OrderMatch.mismatches(spec: spec, info: info)
        guard mismatches.isEmpty else {
            Console.error("error: order \(orderID) does not match '\(name)': \(mismatches.joined(separator: "; "))")
            return nil
        }
        return info
    }
}
