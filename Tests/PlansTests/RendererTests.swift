import CertCentralAPI
import Dates
import Foundation
import JSON
import Manifests
@testable import Plans
import States
import Testing

/// Golden files for the three renderers. Set CERTFORM_UPDATE_GOLDEN=1 to rewrite them after an
/// intended change, then review the diff.
enum Golden {
    static let directory: String = {
        var url = URL(fileURLWithPath: #filePath)
        url.deleteLastPathComponent()
        url.deleteLastPathComponent()
        return url.path + "/Golden"
    }()

    static func check(_ text: String, against name: String) throws {
        let path = directory + "/" + name
        if ProcessInfo.processInfo.environment["CERTFORM_UPDATE_GOLDEN"] == "1" {
            try text.write(toFile: path, atomically: true, encoding: .utf8)
        }
        let expected = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text == expected, "\(name) differs from the golden file; rerun with CERTFORM_UPDATE_GOLDEN=1 if intended")
    }
}

/// A plan with every action, from fixed inputs.
enum SamplePlan {
    static func make() -> Plan {
        let create = Fixture.spec("api", commonName: "api.example.com", dnsNames: [])
        let renew = Fixture.spec("shop", commonName: "shop.example.com", dnsNames: ["cart.example.com"], renewBeforeDays: 45)
        let reissue = Fixture.spec("wild", commonName: "*.example.com", dnsNames: [], product: .wildcardDVRapidSSL)
        let unchanged = Fixture.spec("www", commonName: "www.example.com", dnsNames: ["example.com"])
        let waiting = Fixture.spec("org", commonName: "example.org", dnsNames: ["sub.example.org", "log.example.org"])
        var noted = Fixture.spec("legacy", commonName: "legacy.example.org", dnsNames: [])
        noted.comments = "now with a comment"
        let blocked = Fixture.spec("renamed", commonName: "old.example.net", dnsNames: [])
        var pending = Fixture.record(for: waiting, orderID: 6488001)
        pending.status = OrderStatus("pending")
        let state = Fixture.state([
            "shop": Fixture.record(for: renew, expiresIn: 19, orderCoversFor: 19, orderID: 6421100),
            "wild": Fixture.record(for: reissue, expiresIn: 14, orderCoversFor: 354, orderID: 6450210),
            "www": Fixture.record(for: unchanged, orderID: 6484932),
            "org": pending,
            "legacy": Fixture.record(for: Fixture.spec("legacy", commonName: "legacy.example.org", dnsNames: []), orderID: 6300400),
            "old-example-net": Fixture.record(for: Fixture.spec("x", commonName: "old.example.net", dnsNames: []), orderID: 6200100),
        ])
        return Fixture.plan([create, renew, reissue, unchanged, waiting, noted, blocked], state)
    }
}

@Suite struct RendererTests {
    /// A plan lists every change but a plain `none`: one with notes, or that adopts a record, is
    /// listed; one with only reasons or digests is not. Every action, with and without each.
    @Test func aPlanListsEveryChangeButAPlainNone() {
        var changes: [Change] = []
        for action in Action.allCases {
            for mix in 0..<16 {
                var change = Change(name: "c\(changes.count)", action: action, reasons: mix & 1 != 0 ? ["why"] : [],
                                    notes: mix & 2 != 0 ? ["note"] : [], product: .sslDVGeoTrust, commonName: "a.example.com", dnsNames: [])
                if mix & 4 != 0 { change.movedFrom = "old" }
                if mix & 8 != 0 { change.settingsDigest = "sha256:00" }
                changes.append(change)
            }
        }
        var plan = Fixture.plan([], Fixture.state([:]))
        plan.changes = changes
        let expected = changes.filter { $0.action != .none || !$0.notes.isEmpty || $0.movedFrom != nil }
        #expect(plan.listedChanges == expected)
        #expect(expected.count == changes.count - 4)  // the `none`s with neither notes nor a record adopted
        #expect(changes.allSatisfy { $0.isListed == expected.contains($0) })
    }

    @Test func textGolden() throws {
        try Golden.check(TextRenderer(color: false).render(SamplePlan.make()), against: "plan.txt")
    }

    @Test func markdownGolden() throws {
        try Golden.check(MarkdownRenderer().render(SamplePlan.make()), against: "plan.md")
    }

    @Test func jsonGolden() throws {
        try Golden.check(PlanDocument.render(SamplePlan.make()), against: "plan.json")
    }

    @Test func sameInputsGiveByteIdenticalPlans() {
        let a = SamplePlan.make(), b = SamplePlan.make()
        #expect(TextRenderer(color: false).render(a) == TextRenderer(color: false).render(b))
        #expect(MarkdownRenderer().render(a) == MarkdownRenderer().render(b))
        #expect(PlanDocument.render(a) == PlanDocument.render(b))
    }

    @Test func colourOnlyWhenAsked() {
        let plan = SamplePlan.make()
        #expect(!TextRenderer(color: false).render(plan).contains("\u{1B}["))
        #expect(TextRenderer(color: true).render(plan).contains("\u{1B}[32m+\u{1B}[0m"))
    }

    @Test func jsonPlanCarriesTheExactRequestAndSummary() throws {
        let json = try JSONParser.parse(PlanDocument.render(SamplePlan.make()))
        #expect(json["format_version"] == 1)
        #expect(json["state"]?["serial"] == 7)
        #expect(json["summary"]?["paid_orders"] == 2)
        let changes = try #require(json["changes"]?.arrayValue)
        let shop = try #require(changes.first { $0["name"] == "shop" })
        #expect(shop["action"] == "renew")
        #expect(shop["paid"] == true)
        #expect(shop["request"]?["renewal_of_order_id"] == 6421100)
        #expect(changes.contains { $0["name"] == "www" } == false)  // plain `none` is counted, not listed
    }

    @Test func markdownIsCappedWithANote() {
        var specs: [CertificateSpec] = []
        for index in 0..<2_000 {
            specs.append(Fixture.spec("certificate-\(index)", commonName: "host-\(index).example.com", dnsNames: ["a-\(index).example.com", "b-\(index).example.com"]))
        }
        let plan = Fixture.plan(specs, Fixture.state([:]))
        let markdown = MarkdownRenderer().render(plan)
        #expect(markdown.count <= 60_000)
        #expect(markdown.hasPrefix("### certform plan: **2000 paid orders**"))
        let note = try? #require(markdown.range(of: #"_(\d+) of 2000 rows left out"#, options: .regularExpression))
        #expect(note != nil)
        #expect(markdown.hasSuffix("</details>\n"))
    }

    /// A state can hold any number of orphans, and rows are listed by name: when rows must be
    /// left out, paid orders and reissues are kept and orphans go first, so that no paid order
    /// hides behind them in the pull request.
    @Test func aCutMarkdownPlanKeepsEveryPaidRow() {
        var records: [String: StateRecord] = [:]
        for index in 0..<1_500 {
            let orphan = Fixture.spec("a-orphan-\(index)", commonName: "orphan-\(index).example.com", dnsNames: ["www.orphan-\(index).example.com"])
            records[orphan.name] = Fixture.record(for: orphan, orderID: 10_000 + index)
        }
        let create = Fixture.spec("z-new", commonName: "new.example.com", dnsNames: [])
        let reissued = Fixture.spec("y-web", commonName: "example.com", dnsNames: ["www.example.com"])
        records["y-web"] = Fixture.record(for: reissued)
        var rekeyed = reissued
        rekeyed.dnsNames = ["www.example.com", "api.example.com"]
        let plan = Fixture.plan([create, rekeyed], Fixture.state(records))
        let markdown = MarkdownRenderer().render(plan)
        #expect(markdown.count <= 60_000)
        #expect(markdown.contains("rows left out"))
        #expect(markdown.contains("| `z-new` | **create** (paid) |"), "the paid row is shown")
        #expect(markdown.contains("| `y-web` | reissue |"), "the reissue is shown")
        #expect(markdown.contains("`a-orphan-0`") == false || markdown.range(of: "`z-new`")!.lowerBound < markdown.range(of: "`a-orphan-0`")!.lowerBound)
        let small = MarkdownRenderer().render(Fixture.plan([create], Fixture.state([:])))
        #expect(!small.contains("rows left out"), "a plan that fits keeps its order")
    }
}
