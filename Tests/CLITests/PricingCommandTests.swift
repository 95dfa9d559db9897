import CertformTestSupport
import Foundation
import JSON
import Testing

/// SPEC §6 `certform pricing`, the plan's spend and `apply --max-spend`, against the sandbox binary.
@Suite struct PricingCommandTests {
    @Test func pricingWritesTheDVPricesAndThePlanShowsTheSpend() throws {
        let repo = try ApplyRepository(count: 2)
        let pricing = try repo.certform(["pricing"])
        #expect(pricing.status == 0, "\(pricing.stderr)")
        #expect(pricing.stdout.contains("Wrote the prices of 5 DV products to state/pricing.json"), "\(pricing.stdout)")
        let list = try JSONParser.parse(try String(contentsOfFile: repo.path + "/state/pricing.json", encoding: .utf8))
        #expect(list["format_version"] == 1)
        #expect(list["products"]?.objectValue?.keys.sorted() == ["cloud_dv_geotrust", "ssl_dv_geotrust", "ssl_dv_rapidssl", "wildcard_dv_geotrust", "wildcard_dv_rapidssl"])
        #expect(list["products"]?["ssl_dv_geotrust"]?.arrayValue?.first == ["cost": 198, "currency": "USD", "years": 1])
        #expect(list["read_at"]?.stringValue?.hasSuffix("Z") == true)
        let plan = try repo.certform(["plan"])
        #expect(plan.stdout.contains("· 2 paid orders · about USD 396"), "\(plan.stdout)")
        #expect(plan.stdout.contains("estimated cost: USD 198 (1 year)"))
        let markdown = try repo.certform(["plan", "--format", "markdown"])
        #expect(markdown.stdout.contains("### certform plan: **2 paid orders · about USD 396**"), "\(markdown.stdout)")
        let json = try JSONParser.parse(try repo.certform(["plan", "--format", "json"]).stdout)
        #expect(json["estimated_total"] == ["amount": 396, "currency": "USD"])
    }

    /// CERTFORM_PRICING moves the file for every command: pricing writes it where plan reads it.
    @Test func pricingWritesWhereCERTFORMPRICINGPoints() throws {
        let repo = try ApplyRepository(count: 1)
        var environment = repo.environment
        environment["CERTFORM_PRICING"] = "prices/list.json"
        try FileManager.default.createDirectory(atPath: repo.path + "/prices", withIntermediateDirectories: true)
        let pricing = try CLI.run(["pricing"], in: repo.path, environment: environment)
        #expect(pricing.status == 0 && pricing.stdout.contains("to prices/list.json"), "\(pricing.stdout)\(pricing.stderr)")
        #expect(!FileManager.default.fileExists(atPath: repo.path + "/state/pricing.json"))
        let plan = try CLI.run(["plan"], in: repo.path, environment: environment)
        #expect(plan.stdout.contains("about USD 198"), "\(plan.stdout)")
    }

    /// A committed price list is never read through a symbolic link (it could point outside the
    /// repository, at /proc/self/environ), nor with a price that would defeat --max-spend.
    @Test func aLinkedOrNegativePriceListIsRefused() throws {
        let repo = try ApplyRepository(count: 1)
        try FileManager.default.createDirectory(atPath: repo.path + "/state", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: repo.path + "/state/pricing.json", withDestinationPath: "/proc/self/environ")
        let linked = try repo.certform(["plan"])
        #expect(linked.status == 1 && linked.stderr.contains("error: the price list 'state/pricing.json'"), "\(linked.stderr)")
        #expect(!linked.stderr.contains("unexpected character"), "nothing of the target is read: \(linked.stderr)")
        try FileManager.default.removeItem(atPath: repo.path + "/state/pricing.json")
        let negative = #"{"format_version": 1, "read_at": "2026-12-01T00:00:00Z", "products": {"ssl_dv_geotrust": [{"years": 1, "cost": -5000, "currency": "USD"}]}}"#
        try negative.write(toFile: repo.path + "/state/pricing.json", atomically: true, encoding: .utf8)
        let refused = try repo.certform(["apply", "--auto-approve", "--max-spend", "1"])
        #expect(refused.status == 1 && refused.stderr.contains("hold a cost of -5000.0"), "\(refused.stderr)")
        #expect(try repo.orders().isEmpty)
    }

    @Test func maxSpendRefusesBeforeSendingAndLetsACheaperPlanThrough() throws {
        let repo = try ApplyRepository(count: 2)
        #expect(try repo.certform(["pricing"]).status == 0)
        let refused = try repo.certform(["apply", "--auto-approve", "--max-spend", "300"])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("the plan will spend about USD 396, more than --max-spend 300; nothing was sent"), "\(refused.stderr)")
        #expect(try repo.orders().isEmpty)
        var environment = repo.environment
        environment["CERTFORM_MAX_SPEND"] = "300"
        let fromEnvironment = try CLI.run(["apply", "--auto-approve"], in: repo.path, environment: environment)
        #expect(fromEnvironment.status == 1 && fromEnvironment.stderr.contains("more than --max-spend 300"))
        // A cap that does not read is an error, never no cap.
        for unreadable in ["5,000", "$300", "300 USD", "-1"] {
            environment["CERTFORM_MAX_SPEND"] = unreadable
            let refusedEnvironment = try CLI.run(["apply", "--auto-approve"], in: repo.path, environment: environment)
            #expect(refusedEnvironment.status == 64, "\(unreadable): \(refusedEnvironment.stderr)")
            #expect(refusedEnvironment.stderr.contains("CERTFORM_MAX_SPEND '\(unreadable)' is not an amount"), "\(refusedEnvironment.stderr)")
        }
        #expect(try repo.orders().isEmpty)
        let applied = try repo.certform(["apply", "--auto-approve", "--max-spend", "400"])
        #expect(applied.status == 0, "\(applied.stdout)\(applied.stderr)")
        #expect(try repo.orders().count == 2)
    }

    @Test func anUnknownPriceIsSaidAndACappedApplyRefuses() throws {
        let dir = TemporaryDirectory()
        let prices = dir.write("prices.json", #"{"standard_prices": [{"name_id": "ssl_dv_rapidssl", "prices": [{"lifetime": 1, "cost": 79, "currency": "usd"}]}]}"#)
        let repo = try ApplyRepository(count: 1, sandboxArguments: ["--prices", prices])
        #expect(try repo.certform(["pricing"]).status == 0)
        let plan = try repo.certform(["plan"])
        #expect(plan.stdout.contains("price unknown: no price for ssl_dv_geotrust"), "\(plan.stdout)")
        #expect(plan.stdout.contains("1 paid order · price unknown"))
        let refused = try repo.certform(["apply", "--auto-approve", "--max-spend", "1000"])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("cannot be estimated (c00: no price for ssl_dv_geotrust); nothing was sent"), "\(refused.stderr)")
        #expect(try repo.orders().isEmpty)
        // Without a cap, an unknown price does not stop an apply.
        #expect(try repo.certform(["apply", "--auto-approve"]).status == 0)
    }

    /// The cap is checked against the account's prices read from CertCentral at apply time: a
    /// committed list that a pull request set to zero cannot lift it, and none is needed.
    @Test func aCapUsesTheAccountsPricesNotTheCommittedList() throws {
        let repo = try ApplyRepository(count: 1)
        try FileManager.default.createDirectory(atPath: repo.path + "/state", withIntermediateDirectories: true)
        let free = #"{"format_version": 1, "read_at": "2026-12-01T00:00:00Z", "products": {"ssl_dv_geotrust": [{"years": 1, "cost": 0, "currency": "USD"}]}}"#
        try free.write(toFile: repo.path + "/state/pricing.json", atomically: true, encoding: .utf8)
        #expect(try repo.certform(["plan"]).stdout.contains("about USD 0"), "the plan shows the committed list")
        let refused = try repo.certform(["apply", "--auto-approve", "--max-spend", "100"])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("the plan will spend about USD 198, more than --max-spend 100; nothing was sent"), "\(refused.stderr)")
        #expect(try repo.orders().isEmpty)
        try FileManager.default.removeItem(atPath: repo.path + "/state/pricing.json")
        let applied = try repo.certform(["apply", "--auto-approve", "--max-spend", "1000"])
        #expect(applied.status == 0, "no price list committed: \(applied.stderr)")
        #expect(try repo.orders().count == 1)
    }
}
