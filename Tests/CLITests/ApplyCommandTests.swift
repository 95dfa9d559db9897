import CertformTestSupport
import Foundation
import JSON
import States
import Testing

/// `certform apply`, `refresh`, `check` and `unlock` run as a user would, against the sandbox binary.
@Suite struct ApplyCommandTests {
    @Test func theDemoRunsFromStartToEnd() async throws {
        let result = try Subprocess.run("/bin/bash", [CLI.root + "/scripts/demo.sh"], in: CLI.root,
                                        environment: ["CERTFORM_BIN_DIR": CLI.productsDirectory])
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
        #expect(result.stdout.contains("Apply: 7 of 7 changes done (7 paid orders), 0 failed"))
        #expect(result.stdout.contains("Plan: 0 create, 1 renew, 6 reissue"))
        #expect(result.stdout.contains("Apply: 7 of 7 changes done (1 paid order), 0 failed"))
        #expect(result.stdout.contains("0 of 7 certificates expire within 30 days with no renewal in progress"))
    }

    /// Every response lost after CertCentral took the order: each order is found, recorded, and
    /// counted as the paid order it is.
    @Test func ordersFoundAfterLostResponsesCountAsPaid() async throws {
        let repo = try ApplyRepository(count: 3, sandboxArguments: ["--drop-after-accept-rate", "1", "--seed", "7"])
        let apply = try repo.certform(["apply", "--auto-approve"])
        #expect(apply.status == 0, "\(apply.stdout)\(apply.stderr)")
        #expect(apply.stdout.components(separatedBy: "found after an unknown outcome and recorded").count - 1 == 3, "\(apply.stdout)")
        #expect(apply.stdout.contains("Apply: 3 of 3 changes done (3 paid orders), 0 failed"), "\(apply.stdout)")
        #expect(try repo.orders().count == 3)
    }

    /// refresh reads an order from twice its certificate's renew_before_days before expiry
    /// (SPEC §6): c00's 45 days make 90, c01's default 30 make 60; at 85 days only c00 is read.
    @Test func refreshReadsWithinTwiceEachCertificatesOwnWindow() async throws {
        let repo = try ApplyRepository(count: 2, extra: [0: ["validity_days: 85", "renew_before_days: 45"], 1: ["validity_days: 85"]])
        #expect(try repo.certform(["apply", "--auto-approve"]).status == 0)
        #expect(try repo.certform(["refresh"]).status == 0)
        let refresh = try repo.certform(["refresh"])
        #expect(refresh.status == 0, "\(refresh.stdout)\(refresh.stderr)")
        #expect(refresh.stdout.contains("2 orders listed in 1 request, 1 read"), "\(refresh.stdout)")
    }

    @Test func renewalCarriesTheOldOrderAndItsIssuedThumbprint() async throws {
        let repo = try ApplyRepository(count: 2, extra: [0: ["validity_days: 199"]])
        #expect(try repo.certform(["apply", "--auto-approve"]).status == 0)
        #expect(try repo.certform(["refresh"]).status == 0)
        let before = try await repo.state()
        let old = try #require(before.certificates["c00"])
        let thumbprint = try #require(old.thumbprint)
        try repo.advanceClock(days: 185)
        let later = isoTime(daysFromNow: 185)
        let plan = try repo.certform(["plan", "--as-of", later])
        #expect(plan.stdout.contains("~ c00"), "\(plan.stdout)")
        #expect(plan.stdout.contains("↻ c01"), "\(plan.stdout)")
        let apply = try repo.certform(["apply", "--auto-approve", "--as-of", later])
        #expect(apply.status == 0, "\(apply.stdout)\(apply.stderr)")
        let orders = try repo.orders()
        let renewal = try #require(orders.first { $0["request"]?["renewal_of_order_id"]?.intValue == old.orderID })
        #expect(renewal["request"]?["renewed_thumbprint"]?.stringValue == thumbprint)
        #expect(orders.first { $0["id"]?.intValue == old.orderID }?["is_renewed"] == true)
        let after = try await repo.state()
        let record = try #require(after.certificates["c00"])
        #expect(record.renewalOfOrderID == old.orderID)
        #expect(record.history.last?["order_id"]?.intValue == old.orderID)
        #expect(record.history.last?["ended"] == "renewed")
        // The reissue kept its order and asked CertCentral for a new certificate.
        let c01 = try #require(after.certificates["c01"])
        #expect(c01.orderID == before.certificates["c01"]?.orderID)
        #expect(["reissue_pending", "issued"].contains(orders.first { $0["id"]?.intValue == c01.orderID }?["status"]?.stringValue ?? ""))
        #expect(try repo.certform(["refresh"]).status == 0)
        #expect(try await repo.state().certificates["c01"]?.thumbprint != before.certificates["c01"]?.thumbprint)
        #expect(try repo.orders().count == 3)
    }

    @Test func aSavedPlanIsAppliedExactlyOrRefusedWhenStale() async throws {
        let repo = try ApplyRepository(count: 2)
        #expect(try repo.certform(["plan", "--out", "plan.json"]).status == 0)
        #expect(try repo.certform(["apply", "plan.json"]).status == 0)
        #expect(try repo.orders().count == 2)
        // Applied once, the same plan is stale: the state serial moved.
        let again = try repo.certform(["apply", "plan.json"])
        #expect(again.status == 1)
        #expect(again.stderr.contains("the saved plan 'plan.json' is stale: ") && again.stderr.contains("the plan was made at serial 0"))
        #expect(try repo.orders().count == 2)
    }

    @Test func staleReasonsAreEachNamed() async throws {
        let repo = try ApplyRepository(count: 1)
        #expect(try repo.certform(["plan", "--out", "plan.json"]).status == 0)
        let original = try String(contentsOfFile: repo.path + "/plan.json", encoding: .utf8)
        // Manifests changed.
        repo.dir.write("manifests/more.yaml", "apiVersion: certform/v1\ncertificates: {}\n")
        let manifests = try repo.certform(["apply", "plan.json"])
        #expect(manifests.stderr.contains("the manifests changed since the plan was made"), "\(manifests.stderr)")
        try FileManager.default.removeItem(atPath: repo.path + "/manifests/more.yaml")
        // Too old.
        try await Task.sleep(for: .milliseconds(1100))
        let old = try repo.certform(["apply", "plan.json", "--max-plan-age", "1s"])
        #expect(old.stderr.contains("older than --max-plan-age 1s"), "\(old.stderr)")
        // Another state lineage.
        var other = State()
        other.lineage = "someone-else"
        other.serial = 1
        try await StateStore(path: repo.statePath).replace(with: other)
        let lineage = try repo.certform(["apply", "plan.json"])
        #expect(lineage.stderr.contains("the state lineage is someone-else, the plan was made for none"), "\(lineage.stderr)")
        try FileManager.default.removeItem(atPath: repo.statePath)
        // Another format.
        repo.dir.write("plan.json", original.replacingOccurrences(of: "\"format_version\": 1", with: "\"format_version\": 2"))
        let format = try repo.certform(["apply", "plan.json"])
        #expect(format.stderr.contains("format_version 2 is not 1"), "\(format.stderr)")
        for result in [manifests, old, lineage, format] { #expect(result.status == 1) }
        #expect(try repo.orders().isEmpty)
    }

    @Test func maxOrdersRefusesBeforeSending() async throws {
        let repo = try ApplyRepository(count: 3)
        let result = try repo.certform(["apply", "--auto-approve", "--max-orders", "2"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("the plan has 3 paid orders, more than --max-orders 2; nothing was sent"))
        #expect(try repo.orders().isEmpty)
    }

    @Test func aRefusedOrderDoesNotStopTheOthers() async throws {
        // An end date exactly three years after today passes the manifest rules; CertCentral,
        // whose clock runs ten days behind here, finds it more than three years away.
        var utc = Calendar(identifier: .gregorian)
        utc.timeZone = TimeZone(identifier: "UTC")!
        let threeYears = utc.date(byAdding: .year, value: 3, to: Date())!
        let end = String(ISO8601DateFormatter().string(from: threeYears).prefix(10))
        let repo = try ApplyRepository(count: 3, extra: [1: ["custom_expiration_date: '\(end)'"]])
        try repo.advanceClock(days: -10)
        let result = try repo.certform(["apply", "--auto-approve"])
        #expect(result.status == 1)
        #expect(result.stdout.contains("c01  FAILED: CertCentral refused the request (HTTP 400): invalid_value:custom_expiration_date"), "\(result.stdout)")
        #expect(result.stdout.contains("Apply: 2 of 3 changes done (2 paid orders), 1 failed"))
        let state = try await repo.state()
        #expect(Set(state.certificates.keys) == ["c00", "c02"])
        #expect(state.intents.isEmpty)
        #expect(try repo.orders().count == 2)
    }

    @Test func aSecondApplyWaitsForTheLockHolder() async throws {
        // Eight requests at 1.5 s each hold the lock for 12 s: long enough for the second apply to
        // start and meet it even on a loaded machine.
        let repo = try ApplyRepository(count: 4, sandboxArguments: ["--latency-ms", "1500"])
        let first = Process()
        first.executableURL = URL(fileURLWithPath: CLI.binary("certform"))
        first.arguments = ["apply", "--auto-approve", "--concurrency", "1"]
        first.currentDirectoryURL = URL(fileURLWithPath: repo.path)
        first.environment = ProcessInfo.processInfo.environment.merging(repo.environment) { $1 }
        first.standardOutput = FileHandle.nullDevice
        try first.run()
        // Wait until the first apply holds the lock (its lock file names it).
        for _ in 0..<1200 where StateLock.holder(atPath: repo.statePath + ".lock") == nil { usleep(50_000) }
        try #require(StateLock.holder(atPath: repo.statePath + ".lock") != nil, "the first apply never took the lock")
        let second = try repo.certform(["apply", "--auto-approve"])
        first.waitUntilExit()
        #expect(second.status == 1)
        #expect(second.stderr.contains("error: the state 'state/orders.json' is locked by apply (lock "), "\(second.stderr)")
        #expect(second.stderr.contains("pid \(first.processIdentifier)"))
        #expect(first.terminationStatus == 0)
        #expect(try repo.orders().count == 4)
    }

    @Test func withoutATerminalApplyNeedsAutoApprove() async throws {
        let repo = try ApplyRepository(count: 1)
        let result = try repo.certform(["apply"], stdin: "yes\n")
        #expect(result.status == 1)
        #expect(result.stderr.contains("standard input is not a terminal; review the plan and rerun with --auto-approve"))
        #expect(try repo.orders().isEmpty)
    }

    @Test func checkAndUnlock() async throws {
        let repo = try ApplyRepository(count: 2)
        #expect(try repo.certform(["apply", "--auto-approve"]).status == 0)
        #expect(try repo.certform(["refresh"]).status == 0)
        let soon = try repo.certform(["check", "--within", "250"])
        #expect(soon.status == 1)
        #expect(soon.stdout.contains("c00: certificate expires "))
        let fine = try repo.certform(["check", "--within", "30", "--format", "prometheus"])
        #expect(fine.status == 0)
        #expect(fine.stdout.contains("certform_certificate_expiry_timestamp_seconds{name=\"c00\"} "))
        let json = try JSONParser.parse(try repo.certform(["check", "--within", "30", "--format", "json"]).stdout)
        #expect(json["certificates"]?.arrayValue?.count == 2)
        // A lock left behind by a process elsewhere: its information remains, no process holds it.
        let info = LockInfo(id: "stale-lock", operation: "apply", who: "ci@other-host", pid: 99999, since: "2026-11-29T00:00:00Z", ciURL: nil)
        repo.dir.write("state/orders.json.lock", JSONWriter.pretty(info.json))
        let wrong = try repo.certform(["unlock", "other-id"])
        #expect(wrong.status == 1 && wrong.stderr.contains("not by other-id"))
        let unlocked = try repo.certform(["unlock", "stale-lock"])
        #expect(unlocked.status == 0, "\(unlocked.stderr)")
        #expect(StateLock.holder(atPath: repo.statePath + ".lock") == nil)
    }
}

@Suite struct RenameTests {
    @Test func movedFromMovesTheRecordWithoutANewOrder() async throws {
        let repo = try ApplyRepository(count: 1)
        #expect(try repo.certform(["apply", "--auto-approve"]).status == 0)
        let orderID = try #require(try await repo.state().certificates["c00"]?.orderID)
        // Rename c00 to web, saying where it came from.
        let manifest = try String(contentsOfFile: repo.path + "/manifests/certificates.yaml", encoding: .utf8)
        repo.dir.write("manifests/certificates.yaml", manifest.replacingOccurrences(of: "  c00:\n", with: "  web:\n    moved_from: c00\n"))
        let plan = try repo.certform(["plan", "--detailed-exitcode"])
        #expect(plan.status == 0, "\(plan.stdout)\(plan.stderr)")
        #expect(plan.stdout.contains("adopts the state record of 'c00' (moved_from)"))
        let apply = try repo.certform(["apply", "--auto-approve"])
        #expect(apply.status == 0, "\(apply.stdout)\(apply.stderr)")
        #expect(apply.stdout.contains("moved the state record of 'c00' to 'web' (moved_from)"))
        let state = try await repo.state()
        #expect(state.certificates["web"]?.orderID == orderID)
        #expect(state.certificates["c00"] == nil)
        #expect(try repo.orders().count == 1)
        #expect(try repo.certform(["refresh"]).status == 0)
        let after = try repo.certform(["plan"])
        #expect(after.stdout.contains("No changes."), "\(after.stdout)")
    }
}
