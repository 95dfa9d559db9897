import CertCentralAPI
import Dates
import Foundation
import JSON
import Manifests
@testable import Plans
import States
import Testing

/// SPEC §4/§6: what a plan spends, from the account's price list.
@Suite struct SpendEstimateTests {
    static let prices = PriceList(PricingResponse(standardPrices: [
        ProductPricing(nameID: "ssl_dv_geotrust", prices: [Price(lifetime: 1, cost: 198, currency: "usd"), Price(lifetime: 2, cost: 376, currency: "usd")]),
        ProductPricing(nameID: "cloud_dv_geotrust", prices: [Price(lifetime: 1, cost: 275, additionalNameCost: 25, currency: "usd")]),
        ProductPricing(nameID: "ssl_plus", prices: [Price(lifetime: 1, cost: 218, currency: "usd")]),
    ]), readAt: Fixture.asOf)

    /// Two creates and a renewal (and a free reissue), priced.
    static func plan(_ prices: PriceList = prices) -> Plan {
        let first = Fixture.spec("api", commonName: "api.example.com", dnsNames: [])
        var second = Fixture.spec("cloud", commonName: "cloud.example.com", dnsNames: ["a.example.com", "b.example.com"])
        second.product = .cloudDVGeoTrust
        let renew = Fixture.spec("shop", commonName: "shop.example.com", dnsNames: [])
        var twoYears = renew
        twoYears.validityYears = 2
        let reissue = Fixture.spec("web", commonName: "example.com", dnsNames: ["www.example.com"], key: "key-2")
        let state = Fixture.state(["shop": Fixture.record(for: twoYears, expiresIn: 5, orderCoversFor: 5, orderID: 6421100),
                                   "web": Fixture.record(for: Fixture.spec("web", commonName: "example.com", dnsNames: ["www.example.com"]))])
        var plan = Fixture.plan([first, second, twoYears, reissue], state)
        plan.spend = SpendEstimate(plan.changes, prices: prices, asOf: Fixture.asOf)
        return plan
    }

    @Test func eachPaidChangeIsPricedAndTheTotalAddsUp() throws {
        let spend = try #require(Self.plan().spend)
        #expect(spend.costs["api"] == .amount(198, currency: "USD", years: 1))
        #expect(spend.costs["cloud"] == .amount(325, currency: "USD", years: 1))  // two names beyond the common name
        #expect(spend.costs["shop"] == .amount(376, currency: "USD", years: 2))
        #expect(spend.costs["web"] == .free)
        #expect(spend.total?.amount == 899 && spend.total?.currency == "USD")
        #expect(spend.totalWords == "about USD 899")
    }

    @Test func aMissingPriceIsUnknownNeverAGuess() throws {
        var prices = Self.prices
        prices.products[.cloudDVGeoTrust] = nil
        let spend = try #require(Self.plan(prices).spend)
        #expect(spend.costs["cloud"] == .unknown("no price for cloud_dv_geotrust"))
        #expect(spend.total == nil)
        #expect(spend.totalWords == "price unknown")
        prices.products[.cloudDVGeoTrust] = Self.prices.products[.cloudDVGeoTrust]
        prices.products[.sslDVGeoTrust] = [PriceList.Entry(years: 1, cost: 198, additionalNameCost: nil, currency: "USD")]
        #expect(Self.plan(prices).spend?.costs["shop"] == .unknown("no 2-year price for ssl_dv_geotrust"))
    }

    @Test func theTermIsReadAsCertCentralReadsIt() {
        let day = CalendarDate("2026-12-01")!
        var order = OrderRequest(certificate: CertificateRequest(commonName: "a.example.com", csr: ""), dcvMethod: .dnsTXTToken)
        #expect(SpendEstimate.years(of: order, asOf: day) == 1)
        order.validityDays = 400
        #expect(SpendEstimate.years(of: order, asOf: day) == 2)
        order.customExpirationDate = "2029-11-30"
        #expect(SpendEstimate.years(of: order, asOf: day) == 3)
        order = OrderRequest(certificate: order.certificate, dcvMethod: .dnsTXTToken)
        order.orderValidity = OrderValidity(years: 3)
        #expect(SpendEstimate.years(of: order, asOf: day) == 3)
    }

    @Test func thePriceListFileRoundTripsAndKeepsOnlyDVProducts() throws {
        #expect(Self.prices.products.keys.sorted { $0.rawValue < $1.rawValue } == [.cloudDVGeoTrust, .sslDVGeoTrust])
        #expect(try PriceList(json: Self.prices.json) == Self.prices)
        try Golden.check(JSONWriter.pretty(Self.prices.json), against: "pricing.json")
    }

    /// The file is committed and a pull request can edit it: a price that would slip a plan under
    /// `--max-spend` (negative, endless) or break the arithmetic does not read.
    @Test(arguments: [
        (#"{"years": 1, "cost": -5000, "currency": "USD"}"#, "a cost of -5000.0"),
        (#"{"years": 1, "cost": 1e999, "currency": "USD"}"#, "a cost of inf"),
        (#"{"years": 1, "cost": 1e12, "currency": "USD"}"#, "not an amount from 0 to 1,000,000,000"),
        (#"{"years": 1, "cost": 10, "additional_name_cost": -1, "currency": "USD"}"#, "a additional_name_cost of -1.0"),
        (#"{"years": 0, "cost": 10, "currency": "USD"}"#, "a term of 0 years"),
        (#"{"years": 1, "cost": 10, "currency": "US D\u001b"}"#, "not a currency code"),
    ])
    func anUnusablePriceDoesNotRead(entry: String, fragment: String) throws {
        let text = #"{"format_version": 1, "read_at": "2026-12-01T00:00:00Z", "products": {"ssl_dv_geotrust": ["# + entry + "]}}"
        #expect {
            try PriceList(json: try JSONParser.parse(text))
        } throws: { error in
            "\(error)".contains("the prices of ssl_dv_geotrust hold") && "\(error)".contains(fragment)
        }
    }

    @Test func anUnusablePriceFromCertCentralIsLeftOutSoThePriceIsUnknown() {
        let list = PriceList(PricingResponse(standardPrices: [
            ProductPricing(nameID: "ssl_dv_geotrust", prices: [Price(lifetime: 1, cost: -198, currency: "usd"), Price(lifetime: 2, cost: 376, currency: "usd")]),
        ]), readAt: Fixture.asOf)
        #expect(list.products[.sslDVGeoTrust]?.map(\.years) == [2])
        #expect(SpendEstimate.format(1e300) == String(format: "%.2f", 1e300), "no crash on a huge total")
    }

    @Test func textMarkdownAndJSONShowTheSpend() throws {
        let plan = Self.plan()
        try Golden.check(TextRenderer(color: false).render(plan), against: "plan-spend.txt")
        try Golden.check(MarkdownRenderer().render(plan), against: "plan-spend.md")
        try Golden.check(PlanDocument.render(plan), against: "plan-spend.json")
    }
}
