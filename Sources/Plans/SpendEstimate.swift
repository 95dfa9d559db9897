import CertCentralAPI
import Dates
import Foundation

/// What a plan will spend, from a ``PriceList`` (SPEC §4 and §6): each paid change's estimated
/// cost, a free reissue's zero, and the total — or, for anything the list does not price, the
/// word "unknown", never a guess.
public struct SpendEstimate: Sendable, Hashable {
    /// One change's estimate.
    public enum Cost: Sendable, Hashable {
        case amount(Double, currency: String, years: Int)
        case free
        case unknown(String)
    }

    /// By certificate name, for create, renew and reissue.
    public var costs: [String: Cost]
    /// Nil amount when any paid change is unknown, or the currencies differ.
    public var total: (amount: Double, currency: String)?
    public var unknownReason: String?

    public static func == (lhs: SpendEstimate, rhs: SpendEstimate) -> Bool {
        lhs.costs == rhs.costs && lhs.total?.amount == rhs.total?.amount && lhs.total?.currency == rhs.total?.currency
    }

    public func hash(into hasher: inout Hasher) { hasher.combine(costs) }

    /// The estimate for `changes` (of a plan made as of `asOf`).
    public init(_ changes: [Change], prices: PriceList, asOf: Date) {
        var costs: [String: Cost] = [:]
        for change in changes where change.action.isChange {
            costs[change.name] = change.action == .reissue ? .free : Self.cost(of: change, prices: prices, asOf: CalendarDate(asOf))
        }
        self.costs = costs
        var sum = 0.0, currencies: Set<String> = [], unknown: String?
        for name in costs.keys.sorted() {
            switch costs[name]! {
            case .amount(let amount, let currency, _): sum += amount; currencies.insert(currency)
            case .free: break
            case .unknown(let why): unknown = unknown ?? "\(name): \(why)"
            }
        }
        if unknown == nil && currencies.count > 1 { unknown = "the prices are in \(currencies.sorted().joined(separator: " and "))" }
        unknownReason = unknown
        total = unknown == nil ? (sum, currencies.first ?? "") : nil
    }

    /// A paid change's cost: the product's price for the order's term in years, plus each name
    /// beyond the common name where the product charges for it.
    static func cost(of change: Change, prices: PriceList, asOf: CalendarDate) -> Cost {
        guard let entries = prices.products[change.product] else { return .unknown("no price for \(change.product)") }
        let years = Self.years(of: change.request?.order, asOf: asOf)
        guard let entry = entries.first(where: { $0.years == years }) else {
            return .unknown("no \(years)-year price for \(change.product)")
        }
        let extraNames = Set(change.dnsNames).subtracting([change.commonName]).count
        return .amount(entry.cost + Double(extraNames) * (entry.additionalNameCost ?? 0), currency: entry.currency, years: years)
    }

    /// The order's term in whole years, rounded up (custom date > days > years, as CertCentral
    /// reads them).
    static func years(of order: OrderRequest?, asOf: CalendarDate) -> Int {
        guard let order else { return 1 }
        let validity = order.orderValidity
        if let text = order.customExpirationDate ?? validity?.customExpirationDate, let date = CalendarDate(text) {
            return max(1, Int((Double(asOf.days(until: date)) / 365).rounded(.up)))
        }
        if let days = order.validityDays ?? validity?.days { return max(1, Int((Double(days) / 365).rounded(.up))) }
        return order.validityYears ?? validity?.years ?? 1
    }
}

extension SpendEstimate.Cost {
    /// "USD 198 (1 year)", "0 (a free reissue)", "price unknown: …".
    public var words: String {
        switch self {
        case .amount(let amount, let currency, let years): return "\(currency) \(SpendEstimate.format(amount)) (\(years) year\(years == 1 ? "" : "s"))"
        case .free: return "0 (a free reissue)"
        case .unknown(let why): return "price unknown: \(why)"
        }
    }
}

extension SpendEstimate {
    /// "about USD 396", or "price unknown".
    public var totalWords: String {
        guard let total else { return "price unknown" }
        return total.currency.isEmpty ? "about 0" : "about \(total.currency) \(Self.format(total.amount))"
    }

    /// Whole amounts without decimals, others with two.
    static func format(_ amount: Double) -> String {
        amount == amount.rounded() && abs(amount) < 1e15 ? String(Int(amount)) : String(format: "%.2f", amount)
    }
}
