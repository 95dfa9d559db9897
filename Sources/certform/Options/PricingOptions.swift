import ArgumentParser
import Files
import Foundation
import JSON
import Plans

/// Where the price list is: `--pricing` or `CERTFORM_PRICING`, default `state/pricing.json`
/// (written by `certform pricing`).
struct PricingOptions: ParsableArguments {
    @Option(name: .customLong("pricing"), help: ArgumentHelp(
        "Price list written by 'certform pricing' (env CERTFORM_PRICING; default: state/pricing.json). When it exists, the plan shows the estimated spend.",
        valueName: "file"), completion: .file(extensions: ["json"]))
    var pricingOption: String?

    static let defaultPath = "state/pricing.json"

    var pricingPath: String {
        pricingOption ?? Environment.value("CERTFORM_PRICING") ?? Self.defaultPath
    }

    /// The price list, nil when there is none; a file that does not read is an error naming it.
    func load() throws -> PriceList? {
        // Never through a symbolic link: the file is committed, and a link could read outside.
        switch FileBytes.read(pricingPath, limit: 4 << 20, followsSymlinks: false) {
        case .failure(.missing): return nil
        case .failure(let error):
            Console.error("error: the price list '\(pricingPath)' \(error)")
            throw ExitCode.failure
        case .success(let bytes):
            do {
                return try PriceList(json: try JSONParser.parse(bytes))
            } catch {
                Console.error("error: the price list '\(pricingPath)' does not read: \(error); run 'certform pricing' again")
                throw ExitCode.failure
            }
        }
    }
}

/// `--max-spend AMOUNT`: a number, in the price list's currency.
struct SpendLimit: ExpressibleByArgument, Sendable {
    var amount: Double

    init?(argument: String) {
        guard let amount = Double(argument), amount >= 0, amount.isFinite else { return nil }
        self.amount = amount
    }
}
