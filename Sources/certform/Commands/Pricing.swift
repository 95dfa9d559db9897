import ArgumentParser
import CertCentral
import Foundation
import JSON
import Plans
import States

struct PricingCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pricing",
        abstract: "Write the account's prices for the five DV products, for the plan's spend estimate.",
        discussion: """
        Reads the account's price list (GET product/pricing) and writes the prices of the five DV products to FILE as deterministic JSON with the time they were read. Run it daily beside 'certform refresh' and commit the file: it is reviewed like any other change, and 'certform plan' (which makes no network call) reads it to show what a pull request spends.

        Examples:
          certform pricing
          certform pricing --out state/pricing.json
        """)

    @OptionGroup var api: APIOptions

    @Option(name: .customLong("out"), help: ArgumentHelp("Where to write the price list (env CERTFORM_PRICING, where plan and apply read it; default: state/pricing.json).", valueName: "file"), completion: .file(extensions: ["json"]))
    var outOption: String?

    /// Where plan and apply look for it unless told otherwise (``PricingOptions/pricingPath``).
    var out: String { outOption ?? Environment.value("CERTFORM_PRICING") ?? PricingOptions.defaultPath }

    func run() async throws {
        let response = try await api.withClient { client in
            do {
                return try await client.pricing()
            } catch {
                Console.error("error: cannot read the account's prices: \(error)")
                throw ExitCode.failure
            }
        }
        let list = PriceList(response, readAt: Date())
        try Failure.report { () throws(StateError) in try StateStore.writeAtomically(JSONWriter.pretty(list.json), to: out) }
        Console.out("Wrote the prices of \(list.products.count) DV product\(plural(list.products.count)) to \(out) (read \(list.readAt)).")
    }
}
