import CertCentralAPI
import Apply
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
        let manifests = ManifestLoader(directory: manifestOptions.manifests, asOf: CalendarDate(Date())).load()
        DiagnosticOutput.report(manifests, format: .quietText)
        if manifests.hasErrors { throw ExitCode.failure }
        guard let spec = manifests.certificates.first(where: { $0.name == name }) else {
            Console.error("error: no certificate named '\(name)' in the manifests under '\(manifestOptions.manifests)'")
            throw ExitCode.failure
        }
        let locked = try Failure.report { () throws(StateError) in
            try stateOptions.openLocked(operation: "import", timeout: lockOptions.lockTimeout)
        }
        defer { locked.close() }
        let store = locked.store
        var state = try Failure.report { () throws(StateError) in try store.load() }
        if let existing = state.certificates[name] {
            Console.error("error: '\(name)' already has order \(existing.orderID) in state; run 'certform state forget \(name)' first to replace it")
            throw ExitCode.failure
        }
        let client = try api.makeClient()
        let info: OrderInfo
        do {
            info = try await client.orderInfo(orderID)
            try await client.shutdown()
        } catch {
            try? await client.shutdown()
            Console.error("error: cannot read order \(orderID): \(error)")
            throw ExitCode.failure
        }
        let mismatches = OrderMatch.mismatches(spec: spec, info: info)
        guard mismatches.isEmpty else {
            Console.error("error: order \(orderID) does not match '\(name)': \(mismatches.joined(separator: "; "))")
            throw ExitCode.failure
        }
        state.certificates[name] = OrderRecords.imported(info, expected: spec.product)
        let saved = try Failure.report { () throws(StateError) in try store.save(state) }
        let expiry = info.certificate.validTill.map { ", certificate valid till \($0)" } ?? ""
        print("Imported order \(orderID) as '\(name)' (\(info.status)\(expiry)); state serial \(saved.serial).")
    }
}

/// Comparing an order in CertCentral with a manifest entry.
enum OrderMatch {
    static func mismatches(spec: CertificateSpec, info: OrderInfo) -> [String] {
        var problems: [String] = []
        if let product = info.product?.nameID, product != spec.product.rawValue {
            problems.append("its product is \(product), the manifest says \(spec.product.rawValue)")
        }
        if info.certificate.commonName != spec.commonName {
            problems.append("its common_name is '\(info.certificate.commonName)', the manifest says '\(spec.commonName)'")
        }
        let ordered = Set(info.certificate.dnsNames).subtracting([info.certificate.commonName])
        let declared = Set(spec.dnsNames ?? []).subtracting([spec.commonName])
        if ordered != declared {
            problems.append("its dns_names are [\(ordered.sorted().joined(separator: ", "))], the manifest says [\(declared.sorted().joined(separator: ", "))]")
        }
        return problems
    }
}
