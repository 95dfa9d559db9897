import CertCentralAPI
import CertformTestSupport
import Foundation
import JSON
import States
import Testing

/// `certform plan`, `show` and `state` run as a user would, on the shipped example and on
/// scratch repositories.
@Suite struct PlanCommandTests {
    static let asOf = "2026-12-01T00:00:00Z"

    @Test func shippedExampleInEveryFormat() async throws {
        let text = try CLI.run(["plan", "--as-of", Self.asOf])
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.hasPrefix("certform plan · 7 certificates in 3 files · state serial 12 · as of 2026-12-01T00:00:00Z\n"))
        for line in ["  + api-example-com", "  ~ shop-example-com", "  ↻ wildcard-example-com", "  ! old-example-net", "  … example-org",
                     "renewal_of_order_id 6421100 · renewed_thumbprint 3F1A5C0D…8293",
                     "Plan: 1 create, 1 renew, 1 reissue, 3 unchanged, 1 orphan, 1 waiting, 0 blocked · 2 paid orders"] {
            #expect(text.stdout.contains(line), "missing '\(line)'")
        }
        let markdown = try CLI.run(["plan", "--as-of", Self.asOf, "--format", "markdown"])
        #expect(markdown.status == 0)
        #expect(markdown.stdout.hasPrefix("### certform plan: **2 paid orders**"))
        let json = try CLI.run(["plan", "--as-of", Self.asOf, "--format", "json"])
        #expect(json.status == 0)
        let document = try JSONParser.parse(json.stdout)
        #expect(document["summary"]?["paid_orders"] == 2)
        #expect(document["state"]?["lineage"] == "6f1c0c2e-5b7d-4a39-9d1e-2f8a7c4b3e10")
        let renew = document["changes"]?.arrayValue?.first { $0["name"] == "shop-example-com" }
        #expect(renew?["request"]?["renewal_of_order_id"] == 6421100)
        #expect(renew?["request"]?["renewed_thumbprint"] == "3F1A5C0D9B7E2A4C6E8F0A1B2C3D4E5F60718293")
        #expect(renew?["request"]?["certificate"]?["csr"]?.stringValue?.hasPrefix("-----BEGIN CERTIFICATE REQUEST-----") == true)
    }

    @Test func samePlanTwiceIsByteIdentical() async throws {
        for format in ["text", "markdown", "json"] {
            let a = try CLI.run(["plan", "--as-of", Self.asOf, "--format", format])
            let b = try CLI.run(["plan", "--as-of", Self.asOf, "--format", format])
            #expect(a.stdout == b.stdout && !a.stdout.isEmpty, "\(format)")
        }
    }

    @Test func timingsGoToStandardErrorOnlyWhenAskedFor() async throws {
        let plain = try CLI.run(["plan", "--as-of", Self.asOf])
        let timed = try CLI.run(["plan", "--as-of", Self.asOf], environment: ["CERTFORM_TIMINGS": "1"])
        #expect(timed.status == 0 && plain.status == 0)
        #expect(timed.stdout == plain.stdout)
        #expect(!plain.stderr.contains("timings:"))
        let line = try #require(timed.stderr.split(separator: "\n").first { $0.hasPrefix("timings: ") })
        for phase in ["load manifests ", "load state (rest) ", "plan ", "total "] {
            #expect(line.contains(phase), "\(line)")
        }
    }

    @Test func planSaysWhenAWriterHoldsTheLock() async throws {
        let repo = try ScratchRepository(matchingState: true)
        let quiet = try CLI.run(["plan", "--as-of", Self.asOf], in: repo.path)
        #expect(!quiet.stderr.contains("locked"))
        let lock = try await StateLock.acquire(statePath: repo.path + "/state/orders.json", operation: "apply")
        defer { lock.release() }
        let noted = try CLI.run(["plan", "--as-of", Self.asOf], in: repo.path)
        #expect(noted.status == 0)
        #expect(noted.stdout == quiet.stdout)
        #expect(noted.stderr.contains("note: the state is locked by apply (lock \(lock.info.id)) by "), "\(noted.stderr)")
    }

    @Test func detailedExitcode() async throws {
        let changes = try CLI.run(["plan", "--as-of", Self.asOf, "--detailed-exitcode"])
        #expect(changes.status == 2)
        let repo = try ScratchRepository(matchingState: true)
        let none = try CLI.run(["plan", "--as-of", Self.asOf, "--detailed-exitcode"], in: repo.path)
        #expect(none.status == 0, "\(none.stdout)\(none.stderr)")
        #expect(none.stdout.contains("No changes."))
        let plain = try CLI.run(["plan", "--as-of", Self.asOf], in: repo.path)
        #expect(plain.status == 0)
    }

    @Test func savedPlanAndJobSummary() async throws {
        let dir = TemporaryDirectory()
        let summary = dir.write("summary.md", "earlier step\n")
        let result = try CLI.run(["plan", "--as-of", Self.asOf, "--out", dir.path + "/plan.json"],
                                 environment: ["GITHUB_STEP_SUMMARY": summary])
        #expect(result.status == 0, "\(result.stderr)")
        let saved = try JSONParser.parse(String(contentsOfFile: dir.path + "/plan.json", encoding: .utf8))
        #expect(saved["format_version"] == 1)
        #expect(saved["created_at"]?.stringValue != nil)
        #expect(saved["manifests_digest"]?.stringValue?.hasPrefix("sha256:") == true)
        let appended = try String(contentsOfFile: summary, encoding: .utf8)
        #expect(appended.hasPrefix("earlier step\n### certform plan: **2 paid orders**"))
    }

    /// apply refuses a saved plan for a later time than it was made; plan says so when it saves one.
    @Test func aPlanSavedForALaterTimeSaysApplyWillRefuseIt() async throws {
        let dir = TemporaryDirectory()
        let later = try CLI.run(["plan", "--as-of", isoTime(daysFromNow: 30), "--out", dir.path + "/later.json"])
        #expect(later.status == 0, "\(later.stderr)")
        #expect(later.stderr.contains("later.json' is a plan as of ") && later.stderr.contains("refuses a saved plan for a later time"), "\(later.stderr)")
        let now = try CLI.run(["plan", "--out", dir.path + "/now.json"])
        #expect(!now.stderr.contains("later time"), "\(now.stderr)")
    }

    /// A state that does not read (a merge conflict left in it) stops the plan; with --format
    /// json standard output still parses, and says why.
    @Test func aStateThatDoesNotReadStillGivesJSON() async throws {
        let repo = try ScratchRepository(matchingState: true)
        repo.dir.write("state/orders.json", "{\n<<<<<<< HEAD\n}\n")
        let json = try CLI.run(["plan", "--as-of", Self.asOf, "--format", "json"], in: repo.path)
        #expect(json.status == 1)
        let error = try JSONParser.parse(json.stdout)["error"]?.stringValue
        #expect(error?.contains("is not a valid certform state") == true, "\(json.stdout)")
        #expect(json.stderr.contains("error: "), "\(json.stderr)")
        let text = try CLI.run(["plan", "--as-of", Self.asOf], in: repo.path)
        #expect(text.status == 1 && text.stdout.isEmpty)
    }

    @Test func blockedPlanExits1AfterPrinting() async throws {
        let repo = try ScratchRepository(matchingState: true, stateName: "old-name")
        let result = try CLI.run(["plan", "--as-of", Self.asOf, "--detailed-exitcode"], in: repo.path)
        #expect(result.status == 1)
        #expect(result.stdout.contains("✗ web"))
        #expect(result.stdout.contains("add 'moved_from: old-name' if this is a rename"))
        #expect(result.stderr.contains("1 certificate is blocked"))
    }

    @Test func manifestErrorsStopThePlan() async throws {
        let repo = try ScratchRepository(matchingState: false)
        repo.dir.write("manifests/broken.yaml", "apiVersion: certform/v1\ncertificates:\n  x: {product: nope}\n")
        let result = try CLI.run(["plan"], in: repo.path)
        #expect(result.status == 1)
        #expect(result.stderr.contains("manifests/broken.yaml:3:16: error: 'product' of certificate 'x' must be one of"))
        #expect(result.stdout.isEmpty)
        // With --format json, standard output still parses: the problems, in validate's shape.
        let json = try CLI.run(["plan", "--format", "json"], in: repo.path)
        #expect(json.status == 1)
        let problems = try JSONParser.parse(json.stdout)["diagnostics"]?.arrayValue ?? []
        #expect(problems.contains { $0["line"] == 3 && $0["column"] == 16 && $0["severity"] == "error" }, "\(json.stdout)")
        #expect(json.stderr.contains("manifests/broken.yaml:3:16: error:"))
    }

    @Test(arguments: [
        ("{ not json", "invalid JSON at line 1, column 3"),
        ("{\"format_version\": 9, \"lineage\": \"x\", \"serial\": 1}", "format_version 9 is not one this certform reads"),
    ])
    func unusableStateIsReportedAndLeftAlone(text: String, fragment: String) async throws {
        let repo = try ScratchRepository(matchingState: false)
        repo.dir.write("state/orders.json", text)
        for arguments in [["plan"], ["show"], ["state", "list"], ["state", "forget", "web"]] {
            let result = try CLI.run(arguments, in: repo.path)
            #expect(result.status == 1, "\(arguments)")
            #expect(result.stderr.contains("error: the state file 'state/orders.json' is not a valid certform state: \(fragment)"), "\(arguments): \(result.stderr)")
        }
        #expect(try String(contentsOfFile: repo.path + "/state/orders.json", encoding: .utf8) == text)
    }

    @Test func showListsOrders() async throws {
        let text = try CLI.run(["show", "--as-of", Self.asOf])
        #expect(text.status == 0)
        #expect(text.stdout.hasPrefix("NAME "))
        #expect(text.stdout.contains("shop-example-com      6421100  issued   2026-12-20  19"))
        #expect(text.stdout.contains("7 orders · state serial 12"))
        let json = try CLI.run(["show", "--as-of", Self.asOf, "--format", "json"])
        let document = try JSONParser.parse(json.stdout)
        let shop = document["certificates"]?.arrayValue?.first { $0["name"] == "shop-example-com" }
        #expect(shop?["days_left"] == 19)
    }

    @Test func stateListAndShow() async throws {
        let list = try CLI.run(["state", "list"])
        #expect(list.stdout.contains("example-org\torder 6488001\tpending"))
        let show = try CLI.run(["state", "show", "example-com"])
        let record = try JSONParser.parse(show.stdout)
        #expect(record["order_id"] == 6484932)
        let missing = try CLI.run(["state", "show", "nope"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("no certificate named 'nope' in the state 'state/orders.json'"))
    }

    @Test func forgetRemovesTheRecordUnderTheLock() async throws {
        let repo = try ScratchRepository(matchingState: true)
        let result = try CLI.run(["state", "forget", "web"], in: repo.path)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("Forgot 'web' (order 4242"))
        let state = try StateStore(path: repo.path + "/state/orders.json").read()
        #expect(state.certificates.isEmpty)
        #expect(state.serial == 4)
    }

    @Test func secondWriterExits1NamingTheHolderAndChangesNothing() async throws {
        let repo = try ScratchRepository(matchingState: true)
        let statePath = repo.path + "/state/orders.json"
        let before = try String(contentsOfFile: statePath, encoding: .utf8)
        let holder = try await StateLock.acquire(statePath: statePath, operation: "apply")
        defer { holder.release() }
        let result = try CLI.run(["state", "forget", "web", "--lock-timeout", "1s"], in: repo.path)
        #expect(result.status == 1)
        #expect(result.stderr.contains("error: the state 'state/orders.json' is locked by apply (lock \(holder.info.id)) by "))
        #expect(result.stderr.contains("pid \(getpid())"))
        #expect(try String(contentsOfFile: statePath, encoding: .utf8) == before)
    }

    @Test func stateDirectoryThatIsNotWritable() async throws {
        let repo = try ScratchRepository(matchingState: true)
        let statePath = repo.path + "/state/orders.json"
        let before = try String(contentsOfFile: statePath, encoding: .utf8)
        chmod(repo.path + "/state", 0o555)
        defer { chmod(repo.path + "/state", 0o755) }
        var arguments = ["state", "forget", "web"]
        var executable = "certform"
        if geteuid() == 0 {
            // root writes anywhere: run certform as nobody, as a locked-down CI runner would.
            try #require(FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv"), "setpriv (util-linux) is needed to drop root")
            chmod(repo.path, 0o777)
            arguments = ["--reuid=65534", "--regid=65534", "--clear-groups", CLI.binary("certform")] + arguments
            executable = "/usr/bin/setpriv"
        }
        let result = try CLI.run(arguments, in: repo.path, executable: executable)
        #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
        #expect(result.stderr.contains("error: cannot"), "\(result.stderr)")
        #expect(try String(contentsOfFile: statePath, encoding: .utf8) == before)
    }

    @Test(arguments: StateLocations.backends)
    func resolveAnIntentEitherWay(backend: String) async throws {
        let repo = try ScratchRepository(matchingState: false)
        let location = backend == "postgres" ? TestPostgres.freshURL() : repo.path + "/state/orders.json"
        let environment = ["CERTFORM_STATE": location]
        var state = State()
        state.lineage = "l"
        state.intents = [
            Intent(id: "i-1", name: "web", action: .create, createdAt: "2026-11-30T10:00:00Z", requestDigest: "sha256:x",
                   commonName: "example.com", product: .sslDVGeoTrust, extra: ["dns_names": ["www.example.com"]]),
            Intent(id: "i-2", name: "other", action: .create, createdAt: "2026-11-30T10:00:00Z", requestDigest: "sha256:y",
                   commonName: "other.example.com", product: .sslDVGeoTrust),
            Intent(id: "i-3", name: "third", action: .create, createdAt: "2026-11-30T10:00:00Z", requestDigest: "sha256:z",
                   commonName: "third.example.com", product: .sslDVGeoTrust),
            Intent(id: "i-4", name: "kept", action: .reissue, createdAt: "2026-11-30T10:00:00Z", requestDigest: "sha256:w",
                   commonName: "kept.example.com", product: .sslDVGeoTrust, extra: ["order_id": 555]),
        ]
        state.certificates["kept"] = StateRecord(orderID: 555, product: .sslDVGeoTrust, commonName: "kept.example.com", dnsNames: [], status: .issued)
        // A renamed certificate's reissue, written before intents named moved_from.
        state.intents.append(Intent(id: "i-5", name: "renamed", action: .reissue, createdAt: "2026-11-30T10:00:00Z", requestDigest: "sha256:v",
                                    commonName: "renamed.example.com", product: .sslDVGeoTrust, extra: ["order_id": 556]))
        state.certificates["renamed-old"] = StateRecord(orderID: 556, product: .sslDVGeoTrust, commonName: "renamed.example.com", dnsNames: [], status: .issued)
        _ = try await StateFixture.open(location) { try await $0.save(state) }
        let blocked = try CLI.run(["plan"], in: repo.path, environment: environment)
        #expect(blocked.status == 1)
        #expect(blocked.stdout.contains("an unresolved intent i-1"))
        let usage = try CLI.run(["state", "resolve", "i-1"], in: repo.path, environment: environment)
        #expect(usage.status == 64)
        let placed = try CLI.run(["state", "resolve", "i-1", "--order", "777"], in: repo.path, environment: environment)
        #expect(placed.status == 0, "\(placed.stderr)")
        let notPlaced = try CLI.run(["state", "resolve", "i-2", "--not-placed"], in: repo.path, environment: environment)
        #expect(notPlaced.status == 0)
        // An order is never recorded twice: not one another name holds, and a reissue only its own.
        let twice = try CLI.run(["state", "resolve", "i-3", "--order", "555"], in: repo.path, environment: environment)
        #expect(twice.status == 1)
        #expect(twice.stderr.contains("error: order 555 is already recorded in state (under 'kept'); an order is never recorded twice"), "\(twice.stderr)")
        let otherOrder = try CLI.run(["state", "resolve", "i-4", "--order", "777"], in: repo.path, environment: environment)
        #expect(otherOrder.status == 1)
        #expect(otherOrder.stderr.contains("error: a reissue keeps its order: 'kept' records order 555, not 777"), "\(otherOrder.stderr)")
        #expect(try await StateFixture.open(location) { try await $0.load() }.intents.map(\.id) == ["i-3", "i-4", "i-5"])
        #expect(try CLI.run(["state", "resolve", "i-5", "--order", "556"], in: repo.path, environment: environment).status == 0)
        let reissued = try CLI.run(["state", "resolve", "i-4", "--order", "555"], in: repo.path, environment: environment)
        #expect(reissued.status == 0, "\(reissued.stderr)")
        #expect(try CLI.run(["state", "resolve", "i-3", "--not-placed"], in: repo.path, environment: environment).status == 0)
        let after = try await StateFixture.open(location) { try await $0.load() }
        #expect(after.intents.isEmpty)
        #expect(after.certificates["kept"]?.orderID == 555 && after.certificates["kept"]?.status == .reissuePending)
        #expect(after.certificates["renamed"]?.orderID == 556 && after.certificates["renamed-old"] == nil)
        #expect(after.certificates["web"]?.orderID == 777)
        #expect(after.certificates["web"]?.dnsNames == ["www.example.com"])
        #expect(after.certificates["other"] == nil)
        let waiting = try CLI.run(["plan"], in: repo.path, environment: environment)
        #expect(waiting.stdout.contains("… web"))
    }
}

/// A repository with one manifest (`web`: example.com + www.example.com) and, optionally, a
/// state whose record matches it (compared by names, as an imported record is).
struct ScratchRepository {
    let dir = TemporaryDirectory()
    var path: String { dir.path }

    init(matchingState: Bool, stateName: String = "web") throws {
        dir.write("csr/web.csr", TestCSR.make(commonName: "example.com", sans: ["example.com", "www.example.com"]))
        dir.write("manifests/web.yaml", """
        apiVersion: certform/v1
        certificates:
          web:
            product: ssl_dv_geotrust
            common_name: example.com
            dns_names: [www.example.com]
            validity_years: 1
            dcv_method: dns-txt-token
            csr_file: ../csr/web.csr
        """)
        if matchingState {
            var record = StateRecord(orderID: 4242, product: .sslDVGeoTrust, commonName: "example.com",
                                     dnsNames: ["www.example.com"], status: OrderStatus("issued"))
            record.validTill = .init("2027-05-01")
            record.orderValidTill = .init("2027-11-01")
            var state = State()
            state.lineage = "scratch"
            state.serial = 3
            state.certificates = [stateName: record]
            try StateStore.writeAtomically(state.fileText, to: path + "/state/orders.json")
        }
    }
}
