import CertCentralAPI
import Foundation

/// Everything `certcentral-sandbox` can be told on its command line (SPEC §8).
public struct SandboxConfiguration: Sendable {
    public var host = "127.0.0.1"
    public var port = 0
    public var apiKey = "sandbox-key"
    /// Keeps orders, the CA and the clock across restarts when set.
    public var dataPath: String?
    /// Seconds from an order (or reissue) to its issuance; 0 issues at the next read.
    public var issueAfter: Double = 0
    /// How domain control validation completes (`--dcv`): by itself after `issueAfter`, or only
    /// when the order's token is found published (or its DCV email is answered).
    public var dcv = DCVMode.auto
    public var certificateValidityDays = 199
    public var faults = Faults()
    public var rateLimited = true
    /// Rolling windows: at most `count` requests in any `seconds`.
    public var rateLimits: [RateLimit] = RateLimit.certCentral
    public var seed: UInt64?
    /// `GET product/pricing` answers this (`--prices FILE`, in the documented shape).
    public var prices = SandboxConfiguration.defaultPrices

    /// List prices for the five DV products, and one product certform does not order.
    public static let defaultPrices = PricingResponse(standardPrices: [
        ProductPricing(groupName: "ssl_certificate", nameID: Product.sslDVGeoTrust.rawValue, name: Product.sslDVGeoTrust.displayName,
                       prices: [Price(lifetime: 1, cost: 198, currency: "usd"), Price(lifetime: 2, cost: 376, currency: "usd"),
                                Price(lifetime: 3, cost: 534, currency: "usd")]),
        ProductPricing(groupName: "ssl_certificate", nameID: Product.sslDVRapidSSL.rawValue, name: Product.sslDVRapidSSL.displayName,
                       prices: [Price(lifetime: 1, cost: 79, currency: "usd"), Price(lifetime: 2, cost: 150, currency: "usd")]),
        ProductPricing(groupName: "ssl_certificate", nameID: Product.wildcardDVGeoTrust.rawValue, name: Product.wildcardDVGeoTrust.displayName,
                       prices: [Price(lifetime: 1, cost: 595, currency: "usd"), Price(lifetime: 2, cost: 1130, currency: "usd")]),
        ProductPricing(groupName: "ssl_certificate", nameID: Product.wildcardDVRapidSSL.rawValue, name: Product.wildcardDVRapidSSL.displayName,
                       prices: [Price(lifetime: 1, cost: 249, currency: "usd")]),
        ProductPricing(groupName: "ssl_certificate", nameID: Product.cloudDVGeoTrust.rawValue, name: Product.cloudDVGeoTrust.displayName,
                       prices: [Price(lifetime: 1, cost: 275, additionalNameCost: 25, currency: "usd"),
                                Price(lifetime: 2, cost: 520, additionalNameCost: 48, currency: "usd")]),
        ProductPricing(groupName: "ssl_certificate", nameID: "ssl_plus", name: "Standard SSL",
                       prices: [Price(lifetime: 1, cost: 218, currency: "usd")]),
    ])

    public init() {}
}

/// `--dcv`: `auto` issues orders after `--issue-after` as if DCV had passed; `manual` keeps a
/// token order `pending` until `check-dcv` finds its random value published through the admin
/// API, and an email order until `POST /_sandbox/orders/{id}/validate`.
public enum DCVMode: String, Sendable, Hashable, CaseIterable {
    case auto, manual
}

/// The fault flags, settable at start and at run time (`POST /_sandbox/faults`).
public struct Faults: Sendable, Hashable, Codable {
    public var latencyMs: Int = 0
    /// Answer 500 before doing anything, with this probability.
    public var failRate: Double = 0
    /// Create the order, then close the connection without answering, with this probability.
    public var dropAfterAcceptRate: Double = 0
    /// Order info of a renewed order says `is_renewed: true` with `renewed_order_id: 0`: the
    /// field is undocumented (reference §1: 0 in the gem's fixture), so a client must not need it.
    public var unnamedRenewals = false

    public init(latencyMs: Int = 0, failRate: Double = 0, dropAfterAcceptRate: Double = 0, unnamedRenewals: Bool = false) {
        self.latencyMs = latencyMs
        self.failRate = failRate
        self.dropAfterAcceptRate = dropAfterAcceptRate
        self.unnamedRenewals = unnamedRenewals
    }

    enum CodingKeys: String, CodingKey {
        case latencyMs = "latency_ms"
        case failRate = "fail_rate"
        case dropAfterAcceptRate = "drop_after_accept_rate"
        case unnamedRenewals = "unnamed_renewals"
    }
}

/// A small, seedable generator (SplitMix64) so that `--seed` makes fault injection and random
/// values reproducible.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) {
        state = seed
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
