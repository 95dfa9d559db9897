import CertCentralAPI
import Dates
import Foundation
import JSON

/// The account's prices for the five DV products, as `certform pricing` writes them
/// (`state/pricing.json`): read once a day and reviewed like any other change, so that `plan`
/// can estimate what a pull request spends without a network call.
///
/// ```json
/// {"format_version": 1, "read_at": "2026-11-29T03:00:00Z",
///  "products": {"<product>": [{"years": 1, "cost": 198, "currency": "USD"}, ...], ...}}
/// ```
public struct PriceList: Sendable, Hashable {
    public static let formatVersion = 1

    /// One price: an order of `years`, and what each name beyond the common name adds.
    public struct Entry: Codable, Sendable, Hashable {
        public var years: Int
        public var cost: Double
        public var additionalNameCost: Double?
        public var currency: String

        enum CodingKeys: String, CodingKey {
            case years, cost, currency
            case additionalNameCost = "additional_name_cost"
        }

        /// The most a price may be: far above any DV certificate's, far below what a `Double`
        /// stops counting exactly in or an `Int` cannot hold.
        static let largestAmount = 1_000_000_000.0

        /// Why this price cannot be used, or nil. The file is committed, so a pull request can
        /// edit it: a negative or endless cost must not slip a plan under `--max-spend`.
        var problem: String? {
            guard (1...10).contains(years) else { return "a term of \(years) years" }
            for (label, amount) in [("cost", cost), ("additional_name_cost", additionalNameCost ?? 0)]
            where !(amount.isFinite && amount >= 0 && amount <= Self.largestAmount) {
                return "a \(label) of \(amount), not an amount from 0 to 1,000,000,000"
            }
            guard (1...8).contains(currency.count), currency.allSatisfy({ $0.isASCII && $0.isLetter }) else {
                return "a currency '\(currency)' that is not a currency code"
            }
            return nil
        }
    }

    public var readAt: String
    public var products: [Product: [Entry]]

    public init(readAt: String, products: [Product: [Entry]]) {
        self.readAt = readAt
        self.products = products
    }

    /// The DV products of an account's price list (currencies upper-cased, years ascending).
    public init(_ response: PricingResponse, readAt: Date) {
        var products: [Product: [Entry]] = [:]
        for item in response.standardPrices {
            guard let product = Product(rawValue: item.nameID) else { continue }
            // A price that cannot be used is left out, so the plan says "price unknown".
            products[product] = item.prices.map {
                Entry(years: $0.lifetime, cost: $0.cost, additionalNameCost: $0.additionalNameCost, currency: $0.currency.uppercased())
            }.filter { $0.problem == nil }.sorted { $0.years < $1.years }
        }
        self.init(readAt: Timestamp.format(readAt), products: products)
    }

    /// The file's deterministic JSON.
    public var json: JSONValue {
        var byProduct: [String: JSONValue] = [:]
        for (product, entries) in products { byProduct[product.rawValue] = entries.jsonValue }
        return ["format_version": .int(Self.formatVersion), "read_at": .string(readAt), "products": .object(byProduct)]
    }

    /// Reads the file's JSON; nil with a reason when it is not a price list this certform reads.
    public init(json: JSONValue) throws(PriceListError) {
        guard json["format_version"]?.intValue == Self.formatVersion else { throw PriceListError("format_version is not \(Self.formatVersion)") }
        guard let readAt = json["read_at"]?.stringValue else { throw PriceListError("read_at is missing") }
        var products: [Product: [Entry]] = [:]
        for (name, entries) in json["products"]?.objectValue ?? [:] {
            guard let product = Product(rawValue: name) else { continue }
            guard let decoded = try? JSONValueDecoder().decode([Entry].self, from: entries) else {
                throw PriceListError("the prices of \(name) do not read")
            }
            if let problem = decoded.lazy.compactMap(\.problem).first {
                throw PriceListError("the prices of \(name) hold \(problem)")
            }
            products[product] = decoded
        }
        self.init(readAt: readAt, products: products)
    }
}

/// Why a price list could not be read.
public struct PriceListError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
