import CertCentralAPI
import CertformTestSupport
import Foundation
import JSON
import States
import Testing

/// `certform dcv`, the DCV hook of apply and refresh, and `refresh --certs-dir`, end to end
/// against the sandbox binary with `--dcv manual` (orders wait until check-dcv finds the token).
@Suite(.serialized) struct DCVCommandTests {
    static let hook = CLI.root + "/examples/dcv-hooks/sandbox.sh"

    /// c00 dns-txt-token, c01 dns-cname-token, c02 http-token (and c03 email when asked).
    static func repository(email: Bool = false, arguments: [String] = []) throws -> ApplyRepository {
        var extra: [Int: [String]] = [1: ["dcv_method: dns-cname-token"], 2: ["dcv_method: http-token"]]
        if email { extra[3] = ["dcv_method: email"] }
        return try ApplyRepository(count: email ? 4 : 3, sandboxArguments: ["--dcv", "manual"] + arguments, extra: extra)
    }

    static func hookEnvironment(_ repo: ApplyRepository, log: String) -> [String: String] {
        ["SANDBOX_URL": repo.sandbox.url, "DCV_HOOK_LOG": log]
    }

    static func run(_ repo: ApplyRepository, _ arguments: [String], environment: [String: String] = [:]) throws -> Subprocess.Result {
        try CLI.run(arguments, in: repo.path, environment: repo.environment.merging(environment) { $1 })
    }

    static func logLines(_ path: String) -> [String] {
        ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init).sorted()
    }

    @Test func applyWithAHookIssuesEveryOrderAndCleansUpOncePerName() async throws {
        let repo = try Self.repository()
        let log = repo.path + "/hook.log"
        let apply = try Self.run(repo, ["apply", "--auto-approve", "--hook", Self.hook], environment: Self.hookEnvironment(repo, log: log))
        #expect(apply.status == 0, "\(apply.stdout)\(apply.stderr)")
        let state = try await repo.state()
        #expect(state.certificates.values.allSatisfy { $0.status == .issued && $0.thumbprint != nil && $0.dcvPublishedValue == nil })
        #expect(Self.logLines(log) == ["cleanup c00 c00.example.com", "cleanup c01 c01.example.com", "cleanup c02 c02.example.com",
                                       "publish c00 c00.example.com", "publish c01 c01.example.com", "publish c02 c02.example.com"])
        #expect(try repo.sandbox.curl("GET", "/_sandbox/dns", key: nil).body.contains(".example.com") == false)
        #expect(try repo.sandbox.curl("GET", "/_sandbox/http", key: nil).body.contains(".example.com") == false)
        #expect(apply.stdout.contains("check: validated; the certificate is issued"))

        // Orders placed by this run are published from what was just sent and answered: no order
        // info read before publishing (only the three reads after issuance), and a value read only
        // for the dns-cname-token order, whose creation answer carries none.
        let stats = try JSONParser.parse(try repo.sandbox.curl("GET", "/_sandbox/stats", key: nil).body)["requests_by_route"]
        #expect(stats?["order_info"] == 3 && stats?["dcv_random_value"] == 1, "\(String(describing: stats))")

        // A second apply (nothing to change) runs no hook again.
        let again = try Self.run(repo, ["apply", "--auto-approve", "--hook", Self.hook], environment: Self.hookEnvironment(repo, log: log))
        #expect(again.status == 0, "\(again.stdout)\(again.stderr)")
        #expect(Self.logLines(log).count == 6)

        try await Self.expectCertificateFiles(repo)
    }

    /// `refresh --certs-dir` writes files whose chain openssl accepts against the sandbox root and
    /// whose leaf is the certificate state records.
    static func expectCertificateFiles(_ repo: ApplyRepository) async throws {
        let refresh = try run(repo, ["refresh", "--certs-dir", "certs"])
        #expect(refresh.status == 0, "\(refresh.stdout)\(refresh.stderr)")
        #expect(refresh.stdout.contains("3 written"))
        let root = repo.path + "/root.pem"
        try repo.sandbox.curl("GET", "/_sandbox/ca", key: nil).body.write(toFile: root, atomically: true, encoding: .utf8)
        let state = try await repo.state()
        for name in ["c00", "c01", "c02"] {
            let file = repo.path + "/certs/\(name).pem"
            let verify = try Subprocess.run("/usr/bin/env", ["openssl", "verify", "-CAfile", root, "-untrusted", file, file])
            #expect(verify.status == 0 && verify.stdout.contains(": OK"), "\(verify.stdout)\(verify.stderr)")
            #expect(try thumbprint(of: file) == state.certificates[name]?.thumbprint)
            let text = try String(contentsOfFile: file, encoding: .utf8)
            #expect(text.components(separatedBy: "BEGIN CERTIFICATE").count == 3, "leaf and one intermediate, no root")
            #expect(!text.contains("PRIVATE"))
        }
        let again = try run(repo, ["refresh", "--certs-dir", "certs"])
        #expect(again.stdout.contains("0 written, 3 up to date"), "\(again.stdout)")
    }

    /// Two certificates may share a key; a state edited to give one the other's certificate id and
    /// thumbprint must not get that certificate written under its name.
    @Test func aStateCannotPointOneNameAtAnothersCertificateFile() async throws {
        let repo = try ApplyRepository(count: 2)
        let key = repo.path + "/shared.key"
        #expect(try Subprocess.run("/usr/bin/env", ["openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", key]).status == 0)
        for name in ["c00", "c01"] {
            let made = try Subprocess.run("/usr/bin/env", ["openssl", "req", "-new", "-key", key, "-subj", "/CN=\(name).example.com",
                                                           "-addext", "subjectAltName=DNS:\(name).example.com", "-out", repo.path + "/csr/\(name).csr"])
            #expect(made.status == 0, "\(made.stderr)")
        }
        #expect(try Self.run(repo, ["apply", "--auto-approve"]).status == 0)
        #expect(try Self.run(repo, ["refresh", "--certs-dir", "certs"]).stdout.contains("2 written"))
        let own = try Self.thumbprint(of: repo.path + "/certs/c01.pem")
        // A name the manifest adds before apply reissues: skipped, not a failure.
        let manifest = repo.path + "/manifests/certificates.yaml"
        let text = try String(contentsOfFile: manifest, encoding: .utf8)
        try text.replacingOccurrences(of: "csr_file: ../csr/c00.csr\n", with: "csr_file: ../csr/c00.csr\n    dns_names: [extra.c00.example.com]\n")
            .write(toFile: manifest, atomically: true, encoding: .utf8)
        let added = try Self.run(repo, ["refresh", "--certs-dir", "certs"])
        #expect(added.status == 0, "\(added.stdout)\(added.stderr)")
        #expect(added.stdout.contains("c00: certificate file not written: the manifest names extra.c00.example.com, which the order does not yet"), "\(added.stdout)")
        var state = try await repo.state()
        let other = try #require(state.certificates["c00"])
        state.certificates["c01"]?.certificateID = other.certificateID
        state.certificates["c01"]?.thumbprint = other.thumbprint
        _ = try await StateStore(path: repo.statePath).save(state)
        let refresh = try Self.run(repo, ["refresh", "--certs-dir", "certs"])
        #expect(refresh.status == 1)
        #expect(refresh.stderr.contains("c01: certificate file FAILED: the downloaded certificate does not name c01.example.com"), "\(refresh.stdout)\(refresh.stderr)")
        #expect(try Self.thumbprint(of: repo.path + "/certs/c01.pem") == own, "the file keeps c01's own certificate")
    }

    /// The SHA-1 of the first certificate in `file`, as openssl computes it.
    static func thumbprint(of file: String) throws -> String {
        let result = try Subprocess.run("/usr/bin/env", ["openssl", "x509", "-in", file, "-noout", "-fingerprint", "-sha1"])
        return String(result.stdout.split(separator: "=").last ?? "").replacingOccurrences(of: ":", with: "")
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The order's dcv_emails, recorded when it was placed, say where DigiCert writes: a name's
    /// own address, and the constructed ones only for the names without one.
    @Test func dcvNamesTheAddressesTheOrdersDCVEmailsSet() async throws {
        let repo = try ApplyRepository(count: 1, sandboxArguments: ["--dcv", "manual"], extra: [0: [
            "dns_names: [www.c00.example.com]", "dcv_method: email",
            "dcv_emails: [{dns_name: c00.example.com, email_domain: example.com, email: it@example.com}]",
        ]])
        let apply = try Self.run(repo, ["apply", "--auto-approve"])
        #expect(apply.status == 0, "\(apply.stdout)\(apply.stderr)")
        let record = try #require(try await repo.state().certificates["c00"])
        #expect(record.dcvEmails == [DCVEmail(dnsName: "c00.example.com", emailDomain: "example.com", email: "it@example.com")])
        let dcv = try Self.run(repo, ["dcv"])
        #expect(dcv.stdout.contains("email: DigiCert writes to it@example.com; admin@, administrator@, hostmaster@, postmaster@, webmaster@ each of www.c00.example.com (and the WHOIS contacts)"), "\(dcv.stdout)")
        #expect(!dcv.stdout.contains("each of c00.example.com"), "\(dcv.stdout)")
        let json = try Self.run(repo, ["dcv", "--format", "json"])
        let emails = try #require(try JSONParser.parse(json.stdout)["orders"]?.arrayValue?.first?["emails"]?.arrayValue?.compactMap(\.stringValue))
        #expect(emails.first == "it@example.com" && emails.contains("webmaster@www.c00.example.com") && !emails.contains("admin@c00.example.com"))
    }

    /// dcv_emails read from a state file (a pull request may have written it) name only
    /// mailboxes inside each name's domain; every address is shown, however many.
    @Test func dcvShowsEveryAddressAndNoneOutsideTheNamesDomain() async throws {
        let dir = TemporaryDirectory()
        let names = (1...21).map { "n\($0).example.com" }
        var record = StateRecord(orderID: 7, product: .sslDVGeoTrust, commonName: "example.com", dnsNames: names, status: .pending)
        record.dcvMethod = .email
        record.dcvEmails = names.map { DCVEmail(dnsName: $0, emailDomain: "example.com", email: "owner-\($0.prefix { $0 != "." })@example.com") }
            + [DCVEmail(dnsName: "example.com", emailDomain: "example.com", email: "attacker@evil.test")]
        var state = State()
        state.lineage = "00000000-0000-4000-8000-000000000000"
        state.certificates["many"] = record
        _ = try await StateStore(path: dir.path + "/orders.json").save(state)
        let dcv = try CLI.run(["dcv", "--state", dir.path + "/orders.json"])
        #expect(dcv.status == 0, "\(dcv.stdout)\(dcv.stderr)")
        #expect(dcv.stdout.contains("owner-n1@example.com; owner-n2@example.com"), "\(dcv.stdout)")
        #expect(dcv.stdout.contains("owner-n21@example.com; admin@, administrator@, hostmaster@, postmaster@, webmaster@ each of example.com (and the WHOIS contacts); follow the link"), "\(dcv.stdout)")
        #expect(!dcv.stdout.contains("evil.test"), "an address outside the name's domain is not shown: \(dcv.stdout)")
    }

    @Test func withoutAHookOrdersWaitAndDCVSaysWhatToPublishForEachMethod() async throws {
        let repo = try Self.repository(email: true)
        let apply = try Self.run(repo, ["apply", "--auto-approve"])
        #expect(apply.status == 0, "\(apply.stdout)\(apply.stderr)")
        var state = try await repo.state()
        #expect(state.certificates.values.allSatisfy { $0.status == .pending })
        let cname = try #require(state.certificates["c01"]?.dcvRandomValue, "the dns-cname-token value is fetched and recorded")
        #expect(apply.stdout.contains("publish CNAME  \(cname).c01.example.com → dcv.digicert.com"), "\(apply.stdout)")
        #expect(apply.stdout.contains("email: DigiCert writes to admin@, administrator@, hostmaster@, postmaster@, webmaster@ each of c03.example.com"))

        let dcv = try Self.run(repo, ["dcv", "--format", "json"])
        #expect(dcv.status == 0, "\(dcv.stdout)\(dcv.stderr)")
        let orders = try #require(try JSONParser.parse(dcv.stdout)["orders"]?.arrayValue)
        #expect(orders.compactMap { $0["name"]?.stringValue } == ["c00", "c01", "c02", "c03"])
        let txt = try #require(state.certificates["c00"]?.dcvRandomValue)
        #expect(orders[0]["publish"]?.arrayValue?.first?["type"] == "TXT" && orders[0]["publish"]?.arrayValue?.first?["record"] == "c00.example.com")
        #expect(orders[0]["publish"]?.arrayValue?.first?["value"]?.stringValue == txt)
        #expect(orders[1]["publish"]?.arrayValue?.first?["record"]?.stringValue == "\(cname).c01.example.com")
        #expect(orders[2]["publish"]?.arrayValue?.first?["url"] == "http://c02.example.com/.well-known/pki-validation/fileauth.txt")
        #expect(orders[3]["emails"]?.arrayValue?.contains("webmaster@c03.example.com") == true)

        // --check: CertCentral finds nothing published, and says so in words for each method.
        let check = try Self.run(repo, ["dcv", "--check"])
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
        #expect(check.stdout.contains("CertCentral found no TXT record holding the value at c00.example.com (invalid_dns_txt"))
        #expect(check.stdout.contains("CertCentral found no CNAME to dcv.digicert.com at \(cname).c01.example.com"))
        #expect(check.stdout.contains("file_random_value_not_found"))
        #expect(check.stdout.contains("this order validates by email; there is nothing to check (invalid_dns_method"))
        state = try await repo.state()
        #expect(state.certificates.values.allSatisfy { $0.status == .pending })
    }

    @Test func aFailingHookIsReportedWithItsOutputAndTheOtherNamesGoOn() async throws {
        let repo = try Self.repository()
        let log = repo.path + "/hook.log"
        let failing = repo.path + "/failing-hook.sh"
        try """
        #!/bin/sh
        if [ "$CERTFORM_NAME" = c01 ]; then echo "zone example.com refused the update" >&2; exit 3; fi
        exec "\(Self.hook)"
        """.write(toFile: failing, atomically: true, encoding: .utf8)
        chmod(failing, 0o755)
        let apply = try Self.run(repo, ["apply", "--auto-approve", "--hook", failing], environment: Self.hookEnvironment(repo, log: log))
        #expect(apply.status == 1, "a failed hook fails the run")
        #expect(apply.stdout.contains("hook publish c01.example.com: FAILED (exit status 3)"), "\(apply.stdout)")
        #expect(apply.stdout.contains("| zone example.com refused the update"))
        let state = try await repo.state()
        #expect(state.certificates["c00"]?.status == .issued && state.certificates["c02"]?.status == .issued)
        #expect(state.certificates["c01"]?.status == .pending && state.certificates["c01"]?.dcvPublishedValue == nil)

        // The next run with a working hook finishes c01 alone.
        let dcv = try Self.run(repo, ["dcv", "--hook", Self.hook], environment: Self.hookEnvironment(repo, log: log))
        #expect(dcv.status == 0, "\(dcv.stdout)\(dcv.stderr)")
        #expect(try await repo.state().certificates["c01"]?.status == .issued)
        #expect(Self.logLines(log).filter { $0.hasPrefix("publish") } == ["publish c00 c00.example.com", "publish c01 c01.example.com", "publish c02 c02.example.com"])
    }

    @Test func anExpiredTokenIsRenewedBeforeItIsShown() async throws {
        let repo = try Self.repository()
        #expect(try Self.run(repo, ["apply", "--auto-approve"]).status == 0)
        let old = try #require(try await repo.state().certificates["c00"]?.dcvRandomValue)
        try repo.advanceClock(days: 31)
        let dcv = try Self.run(repo, ["dcv", "c00", "--format", "json", "--as-of", isoTime(daysFromNow: 31)])
        #expect(dcv.status == 0, "\(dcv.stdout)\(dcv.stderr)")
        let order = try #require(try JSONParser.parse(dcv.stdout)["orders"]?.arrayValue?.first)
        let fresh = try #require(order["dcv_random_value"]?.stringValue)
        #expect(fresh != old && order["value_fetched"] == true)
        #expect(order["publish"]?.arrayValue?.first?["value"]?.stringValue == fresh)
        let record = try await repo.state().certificates["c00"]
        #expect(record?.dcvRandomValue == fresh && record?.dcvExpiresAt != nil)
    }

    @Test func aReissueEndsUnattendedWithTheNewCertificateInItsFile() async throws {
        let repo = try ApplyRepository(count: 1, sandboxArguments: ["--dcv", "manual"])
        let log = repo.path + "/hook.log"
        let environment = Self.hookEnvironment(repo, log: log)
        #expect(try Self.run(repo, ["apply", "--auto-approve", "--hook", Self.hook], environment: environment).status == 0)
        #expect(try Self.run(repo, ["refresh", "--certs-dir", "certs"]).status == 0)
        let file = repo.path + "/certs/c00.pem"
        let first = try Self.thumbprint(of: file)

        try repo.advanceClock(days: 180)
        let later = isoTime(daysFromNow: 180)
        let apply = try Self.run(repo, ["apply", "--auto-approve", "--as-of", later, "--hook", Self.hook], environment: environment)
        #expect(apply.status == 0, "\(apply.stdout)\(apply.stderr)")
        #expect(apply.stdout.contains("reissue of order"), "\(apply.stdout)")
        let refresh = try Self.run(repo, ["refresh", "--certs-dir", "certs", "--hook", Self.hook], environment: environment)
        #expect(refresh.status == 0, "\(refresh.stdout)\(refresh.stderr)")
        let record = try #require(try await repo.state().certificates["c00"])
        #expect(record.status == .issued)
        let second = try Self.thumbprint(of: file)
        #expect(second == record.thumbprint && second != first)
        #expect(try String(contentsOfFile: file, encoding: .utf8).components(separatedBy: "BEGIN CERTIFICATE").count == 3)
        #expect(Self.logLines(log).filter { $0.hasPrefix("cleanup") }.count == 2, "one cleanup for the order, one for the reissue")
    }

    @Test func applyWithNothingToSendStillValidatesWhatWaits() async throws {
        let repo = try Self.repository()
        #expect(try Self.run(repo, ["apply", "--auto-approve"]).status == 0)
        #expect(try await repo.state().certificates.values.allSatisfy { $0.status == .pending })
        let log = repo.path + "/hook.log"
        let apply = try Self.run(repo, ["apply", "--auto-approve", "--hook", Self.hook], environment: Self.hookEnvironment(repo, log: log))
        #expect(apply.status == 0, "\(apply.stdout)\(apply.stderr)")
        #expect(apply.stdout.contains("Nothing to apply."))
        #expect(try await repo.state().certificates.values.allSatisfy { $0.status == .issued })
        #expect(Self.logLines(log).count == 6)
    }

    /// A blocked name holds up no other order's validation: with nothing to send, apply still
    /// runs the hook for every order that waits, then exits 1 for the blocked one.
    @Test func aBlockedNameDoesNotStopTheHookForTheOthers() async throws {
        let repo = try Self.repository()
        #expect(try Self.run(repo, ["apply", "--auto-approve"]).status == 0)
        var state = try await repo.state()
        state.certificates["c02"]?.extra[StateRecord.renewedElsewhereKey] = 0
        _ = try await StateStore(path: repo.statePath).save(state)
        let log = repo.path + "/hook.log"
        let apply = try Self.run(repo, ["apply", "--auto-approve", "--hook", Self.hook], environment: Self.hookEnvironment(repo, log: log))
        #expect(apply.status == 1, "\(apply.stdout)\(apply.stderr)")
        #expect(apply.stdout.contains("Nothing to apply."), "\(apply.stdout)")
        #expect(apply.stdout.contains("blocked"), "\(apply.stdout)")
        let after = try await repo.state().certificates
        #expect(after["c00"]?.status == .issued && after["c01"]?.status == .issued, "\(apply.stdout)")
    }

    /// The sandbox hook, logging what each run was given: `ACTION RECORD VALUE`.
    static func recordingHook(_ repo: ApplyRepository, log: String) -> String {
        "echo \"$CERTFORM_DCV_ACTION $CERTFORM_DCV_RECORD $CERTFORM_DCV_VALUE\" >> '\(log)'; exec '\(hook)'"
    }

    /// A state file is as editable as any file in a pull request: names and a random value put in
    /// it never reach a hook. The hook publishes what CertCentral says of the order, and nothing
    /// for an order CertCentral does not know.
    @Test func aHookPublishesWhatCertCentralSaysNotWhatStateSays() async throws {
        let repo = try Self.repository()
        #expect(try Self.run(repo, ["apply", "--auto-approve"]).status == 0)
        var state = try await repo.state()
        state.certificates["c00"]?.dnsNames = ["_acme-challenge.victim.example"]
        state.certificates["c00"]?.dcvRandomValue = "attackerstoken"
        state.certificates["c00"]?.dcvExpiresAt = "2099-01-01T00:00:00Z"
        var evil = StateRecord(orderID: 999_999, product: .sslDVGeoTrust, commonName: "login.victim.example", dnsNames: [], status: .pending)
        (evil.dcvMethod, evil.dcvRandomValue, evil.dcvExpiresAt) = (.dnsTXTToken, "attackerstoken", "2099-01-01T00:00:00Z")
        state.certificates["evil"] = evil
        _ = try await StateStore(path: repo.statePath).save(state)
        let log = repo.path + "/values.log"
        let apply = try Self.run(repo, ["apply", "--auto-approve", "--hook", Self.recordingHook(repo, log: log)],
                                 environment: Self.hookEnvironment(repo, log: repo.path + "/hook.log"))
        let runs = Self.logLines(log)
        #expect(!runs.isEmpty && !runs.contains { $0.contains("victim") || $0.contains("attackerstoken") }, "\(runs)")
        #expect(apply.stdout.contains("order 999999 could not be read from CertCentral, so nothing was published"), "\(apply.stdout)")
        #expect(apply.status == 1, "a validation that could not run fails the run")
        let after = try await repo.state().certificates
        #expect(after["c00"]?.status == .issued && after["c00"]?.dnsNames == [], "CertCentral's names are recorded")
    }

    /// A person publishes what `certform dcv` prints: with the API key, the names and value are
    /// CertCentral's, whatever the state file says; without it, state's, marked as not confirmed.
    @Test func dcvShowsWhatCertCentralSaysNotWhatStateSays() async throws {
        let repo = try Self.repository()
        #expect(try Self.run(repo, ["apply", "--auto-approve"]).status == 0)
        var state = try await repo.state()
        let value = try #require(state.certificates["c00"]?.dcvRandomValue)
        state.certificates["c00"]?.commonName = "login.victim.example"
        state.certificates["c00"]?.dcvRandomValue = "attackerstoken"
        state.certificates["c00"]?.dcvExpiresAt = "2099-01-01T00:00:00Z"
        _ = try await StateStore(path: repo.statePath).save(state)
        // Without the key nothing is sent: state's values, marked.
        let offline = try Self.run(repo, ["dcv", "c00"], environment: ["DIGICERT_API_KEY": ""])
        #expect(offline.status == 0, "\(offline.stderr)")
        #expect(offline.stdout.contains("publish TXT    login.victim.example  \"attackerstoken\""), "\(offline.stdout)")
        #expect(offline.stdout.contains("not confirmed: names and value are the state file's"))
        let offlineJSON = try Self.run(repo, ["dcv", "c00", "--format", "json"], environment: ["DIGICERT_API_KEY": ""])
        #expect(try JSONParser.parse(offlineJSON.stdout)["orders"]?.arrayValue?.first?["confirmed"] == false)
        // With it: CertCentral's (and its value is recorded).
        let dcv = try Self.run(repo, ["dcv", "c00", "--format", "json"])
        #expect(dcv.status == 0, "\(dcv.stdout)\(dcv.stderr)")
        let order = try #require(try JSONParser.parse(dcv.stdout)["orders"]?.arrayValue?.first)
        #expect(order["confirmed"] == true)
        #expect(order["dcv_random_value"]?.stringValue == value)
        let publish = try #require(order["publish"]?.arrayValue)
        #expect(publish.compactMap { $0["record"]?.stringValue } == ["c00.example.com"], "\(publish)")
        #expect(publish.allSatisfy { $0["value"]?.stringValue == value })
        let text = try Self.run(repo, ["dcv", "c00"])
        #expect(!text.stdout.contains("victim") && !text.stdout.contains("attackerstoken") && !text.stdout.contains("not confirmed"), "\(text.stdout)")
    }

    /// With the key but no CertCentral to ask, only the first order waits out the client's retries;
    /// the others say why they are not confirmed, and state's values are shown, marked.
    @Test func anUnreachableCertCentralIsAskedOnce() async throws {
        let dir = TemporaryDirectory()
        var state = State()
        state.lineage = "00000000-0000-4000-8000-000000000000"
        for (index, name) in ["a", "b", "c"].enumerated() {
            var record = StateRecord(orderID: 10 + index, product: .sslDVGeoTrust, commonName: "\(name).example.com", dnsNames: [], status: .pending)
            (record.dcvMethod, record.dcvRandomValue, record.dcvExpiresAt) = (.dnsTXTToken, "value-\(name)", "2099-01-01T00:00:00Z")
            state.certificates[name] = record
        }
        _ = try await StateStore(path: dir.path + "/orders.json").save(state)
        let endpoint = "http://127.0.0.1:\(try SandboxProcess.closedPort())/services/v2"
        // With --check too, which asks nothing more either. A minute of retries: off the pool.
        let dcv = try await CLI.runDetached(["dcv", "--check", "--state", dir.path + "/orders.json"],
                                            environment: ["DIGICERT_API_KEY": "k", "CERTFORM_ENDPOINT": endpoint])
        #expect(dcv.status == 1)
        #expect(dcv.stdout.components(separatedBy: "could not be read from CertCentral, so what the state file says is shown, not confirmed").count == 2, "\(dcv.stdout)")
        #expect(dcv.stdout.components(separatedBy: "CertCentral could not be reached for an earlier order").count == 6, "\(dcv.stdout)")
        #expect(dcv.stdout.components(separatedBy: "not confirmed: names and value are the state file's (see the problem below)").count == 4, "\(dcv.stdout)")
        #expect(dcv.stdout.components(separatedBy: "check: FAILED: CertCentral could not be reached for an earlier order").count == 4, "\(dcv.stdout)")
    }

    /// A cleanup deletes DNS records and files: it runs only for a publication certform recorded
    /// itself (tagged with the API key), never for a `dcv_published_value` written into state.
    @Test func aCleanupRunsOnlyForWhatCertformPublished() async throws {
        let repo = try Self.repository()
        let log = repo.path + "/values.log"
        let environment = Self.hookEnvironment(repo, log: repo.path + "/hook.log")
        #expect(try Self.run(repo, ["apply", "--auto-approve", "--hook", Self.recordingHook(repo, log: log)], environment: environment).status == 0)
        #expect(Self.logLines(log).filter { $0.hasPrefix("cleanup") }.count == 3)
        var state = try await repo.state()
        state.certificates["c01"]?.dcvPublishedValue = "www"
        _ = try await StateStore(path: repo.statePath).save(state)
        let dcv = try Self.run(repo, ["dcv", "--hook", Self.recordingHook(repo, log: log)], environment: environment)
        #expect(Self.logLines(log).filter { $0.hasPrefix("cleanup") }.count == 3, "no cleanup for the written value: \(Self.logLines(log))")
        #expect(dcv.stdout.contains("no cleanup ran"), "\(dcv.stdout)")
        #expect(try await repo.state().certificates["c01"]?.dcvPublishedValue == nil, "reported once, then forgotten")
    }

    /// Names CertCentral gave at publication are kept beside the tag: a cleanup removes what was
    /// published, even when the record's names changed since (a reissue), and an order that was
    /// issued between runs is recorded whole when the hook finds it so.
    @Test func aCleanupRemovesWhatWasPublishedAndAnOrderIssuedMeanwhileIsRecorded() async throws {
        let repo = try Self.repository()
        #expect(try Self.run(repo, ["apply", "--auto-approve"]).status == 0)
        let log = repo.path + "/values.log"
        let environment = Self.hookEnvironment(repo, log: repo.path + "/hook.log")
        // Publish only: the sandbox's manual DCV then validates c00 itself, between runs.
        var state = try await repo.state()
        let c00 = try #require(state.certificates["c00"])
        _ = try repo.sandbox.curl("POST", "/_sandbox/dns", body: #"{"name": "c00.example.com", "type": "TXT", "value": "\#(c00.dcvRandomValue ?? "")"}"#, key: nil)
        _ = try repo.sandbox.curl("PUT", "/services/v2/order/certificate/\(c00.orderID)/check-dcv")
        // A record whose names state changed after publication (as a reissue would).
        // Published where the sandbox does not look, so c01 stays pending with its publication.
        let elsewhere = "echo \"$CERTFORM_DCV_ACTION $CERTFORM_DCV_RECORD\" >> '\(log)'"
        let dcv = try Self.run(repo, ["dcv", "c01", "--hook", elsewhere], environment: environment)
        #expect(dcv.stdout.contains("hook publish"), "\(dcv.stdout)\(dcv.stderr)")
        state = try await repo.state()
        let published = state.certificates["c01"]?.extra["dcv_published_names"]
        #expect(published == ["c01.example.com"], "\(String(describing: published))")
        state.certificates["c01"]?.status = .issued
        state.certificates["c01"]?.dnsNames = ["www.c01.example.com"]
        _ = try await StateStore(path: repo.statePath).save(state)
        let refresh = try Self.run(repo, ["dcv", "c00", "c01", "--hook", Self.recordingHook(repo, log: log)], environment: environment)
        #expect(refresh.stdout.contains("cleanup c01.example.com: ok") || Self.logLines(log).contains { $0.hasPrefix("cleanup") && $0.contains("c01.example.com") },
                "\(refresh.stdout) \(Self.logLines(log))")
        #expect(!Self.logLines(log).contains { $0.contains("www.c01") }, "\(Self.logLines(log))")
        let after = try await repo.state().certificates
        #expect(after["c01"]?.dcvPublishedValue == nil && after["c01"]?.extra["dcv_published_names"] == nil)
        #expect(after["c00"]?.status == .issued && after["c00"]?.thumbprint != nil, "issued meanwhile, recorded whole")
    }

    @Test func aRenewalMadeOutsideCertformGetsItsValueAndIsValidatedByRefresh() async throws {
        let repo = try ApplyRepository(count: 1, sandboxArguments: ["--dcv", "manual"])
        let log = repo.path + "/hook.log"
        #expect(try Self.run(repo, ["apply", "--auto-approve", "--hook", Self.hook], environment: Self.hookEnvironment(repo, log: log)).status == 0)
        let old = try #require(try await repo.state().certificates["c00"])
        let renewed = try repo.sandbox.curl("POST", "/_sandbox/orders/\(old.orderID)/renew", key: nil)
        let renewal = try #require(try JSONParser.parse(renewed.body)["id"]?.intValue, "\(renewed.body)")
        let refresh = try Self.run(repo, ["refresh"])
        #expect(refresh.status == 0, "\(refresh.stdout)\(refresh.stderr)")
        var record = try #require(try await repo.state().certificates["c00"])
        #expect(record.orderID == renewal && record.status == .pending)
        let value = try #require(record.dcvRandomValue, "the adopted renewal's random value is read and recorded")
        #expect(refresh.stdout.contains("publish TXT    c00.example.com  \"\(value)\""), "\(refresh.stdout)")
        let validate = try Self.run(repo, ["refresh", "--hook", Self.hook], environment: Self.hookEnvironment(repo, log: log))
        #expect(validate.status == 0, "\(validate.stdout)\(validate.stderr)")
        record = try #require(try await repo.state().certificates["c00"])
        #expect(record.status == .issued && record.thumbprint != old.thumbprint)
    }

    /// The shipped example hooks do what their comments say, with certform's variables.
    @Test func theExampleHooksPublishAndCleanUp() throws {
        let dir = TemporaryDirectory()
        func variables(_ action: String, type: String, record: String, value: String) -> [String: String] {
            ["CERTFORM_DCV_ACTION": action, "CERTFORM_DCV_TYPE": type, "CERTFORM_DCV_METHOD": "x", "CERTFORM_NAME": "web",
             "CERTFORM_DCV_DOMAIN": "www.example.com", "CERTFORM_DCV_RECORD": record, "CERTFORM_DCV_VALUE": value]
        }
        let webroot = CLI.root + "/examples/dcv-hooks/webroot.sh"
        let path = "/.well-known/pki-validation/fileauth.txt"
        var env = variables("publish", type: "HTTP", record: path, value: "t0ken")
        env["WEBROOT"] = dir.path
        #expect(try Subprocess.run("/bin/sh", [webroot], environment: env).status == 0)
        #expect(try String(contentsOfFile: dir.path + path, encoding: .utf8) == "t0ken\n")
        env["CERTFORM_DCV_ACTION"] = "cleanup"
        #expect(try Subprocess.run("/bin/sh", [webroot], environment: env).status == 0)
        #expect(!FileManager.default.fileExists(atPath: dir.path + path))
        env["CERTFORM_DCV_DOMAIN"] = "../../etc"
        env["CERTFORM_DCV_ACTION"] = "publish"
        #expect(try Subprocess.run("/bin/sh", [webroot], environment: env).status == 2, "a domain that climbs out is refused")

        // nsupdate.sh with a stand-in nsupdate that records the commands it is given.
        let fake = dir.path + "/nsupdate"
        try "#!/bin/sh\ncat >> \"\(dir.path)/commands\"\n".write(toFile: fake, atomically: true, encoding: .utf8)
        chmod(fake, 0o755)
        let nsupdate = CLI.root + "/examples/dcv-hooks/nsupdate.sh"
        var dns = variables("publish", type: "TXT", record: "www.example.com", value: "t0ken")
        dns["NSUPDATE_SERVER"] = "ns1.example.com"
        dns["NSUPDATE"] = fake
        #expect(try Subprocess.run("/bin/sh", [nsupdate], environment: dns).status == 0)
        dns["CERTFORM_DCV_ACTION"] = "cleanup"
        #expect(try Subprocess.run("/bin/sh", [nsupdate], environment: dns).status == 0)
        dns["CERTFORM_DCV_VALUE"] = "x\"; send; update delete example.com"
        #expect(try Subprocess.run("/bin/sh", [nsupdate], environment: dns).status == 2, "nothing reaches nsupdate's command language")
        let commands = try String(contentsOfFile: dir.path + "/commands", encoding: .utf8)
        #expect(commands == "server ns1.example.com\nupdate add www.example.com. 60 TXT \"t0ken\"\nsend\n"
                    + "server ns1.example.com\nupdate delete www.example.com. TXT \"t0ken\"\nsend\n")
    }

    @Test func theJSONFormatIsStable() throws {
        let dir = TemporaryDirectory()
        dir.write("state/orders.json", try String(contentsOfFile: CLI.root + "/Tests/Corpus/dcv/state.json", encoding: .utf8))
        let result = try CLI.run(["dcv", "--format", "json", "--as-of", "2026-12-01T00:00:00Z"], in: dir.path)
        #expect(result.status == 0, "\(result.stderr)")
        try DCVGolden.check(result.stdout, against: "dcv.json")
        let text = try CLI.run(["dcv", "--as-of", "2026-12-01T00:00:00Z"], in: dir.path)
        try DCVGolden.check(text.stdout, against: "dcv.txt")
    }
}

/// Golden files of `certform dcv` (CERTFORM_UPDATE_GOLDEN=1 rewrites them; review the diff).
enum DCVGolden {
    static func check(_ text: String, against name: String) throws {
        let path = CLI.root + "/Tests/Golden/" + name
        if ProcessInfo.processInfo.environment["CERTFORM_UPDATE_GOLDEN"] == "1" {
            try text.write(toFile: path, atomically: true, encoding: .utf8)
        }
        let expected = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text == expected, "\(name) differs from the golden file; rerun with CERTFORM_UPDATE_GOLDEN=1 if intended")
    }
}
