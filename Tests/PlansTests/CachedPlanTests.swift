import CertCentralAPI
import CertformTestSupport
import Dates
import Foundation
import JSON
import Manifests
@testable import Plans
import States
import Testing

/// `plan` does not verify again a CSR whose bytes a state record vouches for (`csr_digest`) and
/// holds no CSR text until a request needs it. These tests hold it to the answer of a plan that
/// verifies every CSR and holds every text, byte for byte, in every format.
@Suite struct CachedPlanTests {
    static let asOf = Timestamp.parse("2026-12-01T00:00:00Z")!
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    /// The plan as before the cache: every CSR verified, every text held.
    static func uncachedPlan(_ manifests: String, _ state: State) -> (ManifestSet, Plan) {
        let set = ManifestLoader(directory: manifests, asOf: CalendarDate(asOf)).load()
        return (set, Planner().plan(manifests: set.certificates, state: state, asOf: asOf, manifestsDigest: set.digest, fileCount: set.files.count))
    }

    /// The plan as `certform plan` makes it now: no CSR text held, records vouching for CSRs.
    static func cachedPlan(_ manifests: String, _ state: State) -> (ManifestSet, Plan) {
        let loader = ManifestLoader(directory: manifests, asOf: CalendarDate(asOf), keepsCSRText: false)
        let set = loader.check(loader.read(), recorded: state.recordedCSRs)
        return (set, Planner().plan(manifests: set.certificates, state: state, asOf: asOf, manifestsDigest: set.digest,
                                    fileCount: set.files.count, resolveCSR: set.resolveCSR))
    }

    static func rendered(_ plan: Plan) -> [String] {
        [PlanDocument.render(plan), TextRenderer(color: false).render(plan), MarkdownRenderer().render(plan)]
    }

    /// Both plans, which must print the same bytes; returns the cached load and plan.
    static func expectSamePlans(_ manifests: String, _ state: State) -> (ManifestSet, Plan) {
        let (uncachedSet, uncached) = uncachedPlan(manifests, state)
        let (cachedSet, cached) = cachedPlan(manifests, state)
        #expect(!uncachedSet.hasErrors && !cachedSet.hasErrors)
        #expect(cachedSet.diagnostics == uncachedSet.diagnostics)
        #expect(cachedSet.digest == uncachedSet.digest)
        let (a, b) = (rendered(uncached), rendered(cached))
        for (one, other) in zip(a, b) { #expect(one == other) }
        #expect(cached.changes.map(\.csrDigest) == uncached.changes.map(\.csrDigest))
        return (cachedSet, cached)
    }

    @Test func theShippedExamplePlansTheSameWithAndWithoutTheCache() throws {
        let data = try #require(FileManager.default.contents(atPath: Self.root + "/state/orders.json"))
        var state = try State(json: JSONParser.parse(Array(data)))
        // The digests certform records once it has verified a CSR, for every record whose spec
        // digest is the current spec's (as if each had been ordered by this version).
        let (set, _) = Self.uncachedPlan(Self.root + "/manifests", state)
        var vouchable = 0
        for spec in set.certificates {
            guard var record = state.certificates[spec.name], record.specDigest == SpecDigest.of(spec) else { continue }
            record.csrDigest = CSRDigest.of(spec, specDigest: record.specDigest!)
            state.certificates[spec.name] = record
            vouchable += 1
        }
        #expect(vouchable >= 3)
        let (cachedSet, _) = Self.expectSamePlans(Self.root + "/manifests", state)
        #expect(cachedSet.certificates.count { $0.vouchedSpecDigest != nil } == vouchable)
    }

    /// `plan` hands the state's names to the loader (``StateNames``): the certificates whose names
    /// are their records' bytes hold the records' blocks, and the plan is the same, byte for byte.
    @Test func certificatesHoldingTheirRecordsNamesPlanTheSame() {
        let repo = GeneratedRepository(count: 40)
        var state = repo.orderedState()
        // A record with other names: its certificate keeps a block of its own.
        state.certificates["cert-05"]!.dnsNames = ["other.example.com"]
        let names = StateNames()
        names.provide(state.recordNames)
        var loader = ManifestLoader(directory: repo.manifests, asOf: CalendarDate(Self.asOf), keepsCSRText: false)
        loader.stateNames = names
        let set = loader.check(loader.read(), recorded: state.recordedCSRs)
        let shared = Planner().plan(manifests: set.certificates, state: state, asOf: Self.asOf, manifestsDigest: set.digest,
                                    fileCount: set.files.count, resolveCSR: set.resolveCSR)
        let (_, alone) = Self.cachedPlan(repo.manifests, state)
        #expect(Self.rendered(shared) == Self.rendered(alone))
        #expect(shared.changes.first { $0.name == "cert-05" }?.action == alone.changes.first { $0.name == "cert-05" }?.action)
        #expect(set.certificates.count == 40)
        for spec in set.certificates {
            #expect(spec.names.sharesBlock(with: state.certificates[spec.name]!.names) == (spec.name != "cert-05"), "\(spec.name)")
        }
    }

    @Test func aGeneratedRepositoryPlansTheSameWithAndWithoutTheCache() throws {
        let repo = GeneratedRepository(count: 40)
        let state = repo.orderedState()
        var (set, plan) = Self.expectSamePlans(repo.manifests, state)
        #expect(set.certificates.count { $0.vouchedSpecDigest != nil } == 40, "every CSR vouched for")
        #expect(set.certificates.allSatisfy { $0.csr.isEmpty && $0.csrSummary == nil })
        #expect(plan.summary[.reissue] == 4 && plan.summary[.none] == 36)
        // The reissues carry each CSR, read again, and the digests of what they order.
        for change in plan.changes where change.action == .reissue {
            #expect(change.request?.json["certificate"]?["csr"]?.stringValue == repo.csr(change.name))
            #expect(change.csrDigest == state.certificates[change.name]?.csrDigest, "same bytes, same names: same csr_digest")
        }

        // A new key with the same names (cert-03), and one new certificate (cert-40).
        repo.replaceCSR(3)
        repo.add(40)
        (set, plan) = Self.expectSamePlans(repo.manifests, state)
        #expect(set.certificates.count { $0.vouchedSpecDigest != nil } == 39)
        let changed = try #require(plan.changes.first { $0.name == "cert-03" })
        #expect(changed.action == .reissue)
        #expect(changed.reasons.first == "the CSR changed (a new key or new names)")
        #expect(changed.csrDigest != state.certificates["cert-03"]?.csrDigest)
        #expect(plan.changes.first { $0.name == "cert-40" }?.action == .create)
    }

    @Test func aTamperedCSRIsReportedWithAndWithoutTheCache() {
        let repo = GeneratedRepository(count: 12)
        let state = repo.orderedState()
        repo.tamper(5)
        let (uncachedSet, _) = Self.uncachedPlan(repo.manifests, state)
        let (cachedSet, _) = Self.cachedPlan(repo.manifests, state)
        let expected = "csr_file '../csr/cert-05.csr' of certificate 'cert-05': the CSR's signature does not verify"
        #expect(uncachedSet.diagnostics.map(\.message) == [expected])
        #expect(cachedSet.diagnostics == uncachedSet.diagnostics)
    }

    @Test func aCSRThatCannotBeReadAgainBlocksItsRequestInsteadOfSendingIt() throws {
        let repo = GeneratedRepository(count: 12)
        let state = repo.orderedState()
        let (set, _) = Self.cachedPlan(repo.manifests, state)
        // cert-00 expires inside the window (a reissue); its file changes after it was read.
        repo.replaceCSR(0)
        let plan = Planner().plan(manifests: set.certificates, state: state, asOf: Self.asOf, resolveCSR: set.resolveCSR)
        let change = try #require(plan.changes.first { $0.name == "cert-00" })
        #expect(change.action == .blocked && change.request == nil)
        #expect(change.reasons == ["csr_file '../csr/cert-00.csr' of certificate 'cert-00' changed while certform was reading it; plan again"])
        // Without a way to read CSRs again, a spec without its text blocks too.
        let unresolved = Planner().plan(manifests: set.certificates, state: state, asOf: Self.asOf)
        #expect(unresolved.changes.first { $0.name == "cert-00" }?.action == .blocked)
    }
}

/// A repository of `count` certificates in two manifest files (defaults, contacts from an anchor),
/// each with its own CSR file, RSA-2048 for one in four and ECDSA P-256 for the rest.
final class GeneratedRepository: @unchecked Sendable {
    let dir = TemporaryDirectory()
    var manifests: String { dir.path + "/manifests" }

    init(count: Int) {
        try! FileManager.default.createDirectory(atPath: dir.path + "/.git", withIntermediateDirectories: true)
        for file in 0..<2 {
            var lines = ["apiVersion: certform/v1", "x-contact: &ops {first_name: Jim, last_name: Smith, telephone: 555-555-5555, email: ops@example.com}",
                         "defaults:", "  product: ssl_dv_geotrust", "  validity_years: 1", "  dcv_method: dns-txt-token",
                         "  skip_approval: true", "  technical_contact: *ops", "certificates:"]
            for index in stride(from: file, to: count, by: 2) { lines += entry(index) }
            dir.write("manifests/m\(file).yaml", lines.joined(separator: "\n") + "\n")
        }
    }

    static func name(_ index: Int) -> String { String(format: "cert-%02d", index) }
    static func names(_ index: Int) -> [String] { ["h\(index).example.com"] + (0..<(index % 3)).map { "a\($0)-\(index).example.com" } }

    func entry(_ index: Int) -> [String] {
        let names = Self.names(index)
        dir.write("csr/\(Self.name(index)).csr", TestCSR.make(commonName: names[0], sans: names, shared: index % 4 == 1 ? .rsa2048 : .p256))
        var lines = ["  \(Self.name(index)):", "    common_name: \(names[0])", "    csr_file: ../csr/\(Self.name(index)).csr"]
        if names.count > 1 { lines.append("    dns_names: [\(names.dropFirst().joined(separator: ", "))]") }
        if index % 5 == 2 { lines.append("    comments: \"Team \(index)\"") }
        return lines
    }

    func csr(_ name: String) -> String {
        String(decoding: FileManager.default.contents(atPath: "\(dir.path)/csr/\(name).csr")!, as: UTF8.self)
    }

    /// A new key for the same names.
    func replaceCSR(_ index: Int) {
        let names = Self.names(index)
        dir.write("csr/\(Self.name(index)).csr", TestCSR.make(commonName: names[0], sans: names))
    }

    /// One bit of the signature flipped.
    func tamper(_ index: Int) {
        let pem = csr(Self.name(index))
        let body = pem.split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()
        var der = [UInt8](Data(base64Encoded: body)!)
        der[der.count - 1] ^= 0x01
        let encoded = Data(der).base64EncodedString(options: [.lineLength64Characters, .endLineWithLineFeed])
        dir.write("csr/\(Self.name(index)).csr", "-----BEGIN CERTIFICATE REQUEST-----\n\(encoded)\n-----END CERTIFICATE REQUEST-----\n")
    }

    /// Adds certificate `index` to the second manifest.
    func add(_ index: Int) {
        let path = manifests + "/m1.yaml"
        let text = String(decoding: FileManager.default.contents(atPath: path)!, as: UTF8.self)
        dir.write("manifests/m1.yaml", text + entry(index).joined(separator: "\n") + "\n")
    }

    /// The state once every certificate is ordered and issued, each record as apply writes it
    /// (OrderRecords.placed: the change's digests); one in ten expires inside the window.
    func orderedState() -> State {
        let (set, plan) = CachedPlanTests.uncachedPlan(manifests, State())
        precondition(!set.hasErrors && plan.changes.allSatisfy { $0.action == .create && $0.csrDigest != nil })
        let today = CalendarDate(CachedPlanTests.asOf)
        var state = State()
        state.lineage = "00000000-0000-4000-8000-000000000000"
        for (index, change) in plan.changes.enumerated() {
            var record = StateRecord(orderID: 5000 + index, product: change.product, commonName: change.commonName,
                                     dnsNames: change.dnsNames, status: .issued)
            record.specDigest = change.specDigest
            record.settingsDigest = change.settingsDigest
            record.csrDigest = change.csrDigest
            record.validTill = today.adding(days: index % 10 == 0 ? 10 : 200)
            record.orderValidTill = today.adding(days: 300)
            record.thumbprint = String(format: "%040X", index + 1)
            state.certificates[change.name] = record
        }
        return state
    }
}
