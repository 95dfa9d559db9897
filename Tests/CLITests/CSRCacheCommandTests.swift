import CertformTestSupport
import Foundation
import JSON
import States
import Testing

/// `apply` records each verified CSR's `csr_digest`; `plan` then verifies only CSRs whose bytes
/// changed, and prints exactly what it prints without the digests.
@Suite struct CSRCacheCommandTests {
    /// The plan as JSON, with `state/orders.json` as it is, and with its `csr_digest`s removed.
    static func plans(_ repo: ApplyRepository) throws -> (cached: Subprocess.Result, uncached: Subprocess.Result) {
        // One as-of for both, which the JSON plan prints: two plans a second apart differ in it.
        let asOf = ISO8601DateFormatter().string(from: Date())
        let cached = try repo.certform(["plan", "--format", "json", "--as-of", asOf])
        let text = try String(contentsOfFile: repo.statePath, encoding: .utf8)
        guard case .object(var root) = try JSONParser.parse(text), case .object(var records) = root["certificates"] else {
            throw CocoaError(.fileReadCorruptFile)
        }
        for (name, record) in records {
            guard case .object(var fields) = record else { continue }
            fields.removeValue(forKey: "csr_digest")
            records[name] = .object(fields)
        }
        root["certificates"] = .object(records)
        repo.dir.write("state/uncached.json", JSONWriter.pretty(.object(root)))
        let uncached = try repo.certform(["plan", "--format", "json", "--state", "state/uncached.json", "--as-of", asOf])
        return (cached, uncached)
    }

    @Test func appliedRecordsCarryTheDigestAndPlansAreTheSameWithOrWithoutIt() async throws {
        let repo = try ApplyRepository(count: 3)
        #expect(try repo.certform(["apply", "--auto-approve"]).status == 0)
        #expect(try repo.certform(["refresh"]).status == 0)
        let state = try await repo.state()
        #expect(state.certificates.count == 3)
        #expect(state.certificates.values.allSatisfy { $0.csrDigest?.hasPrefix("sha256:") == true && $0.specDigest != nil })

        var (cached, uncached) = try Self.plans(repo)
        #expect(cached.status == 0 && cached.stdout == uncached.stdout, "\(cached.stdout)\n\(cached.stderr)")

        // A new key for c01 with the same names: a reissue, with or without the digest.
        repo.dir.write("csr/c01.csr", TestCSR.make(commonName: "c01.example.com", sans: ["c01.example.com"]))
        (cached, uncached) = try Self.plans(repo)
        #expect(cached.status == 0 && cached.stdout == uncached.stdout, "\(cached.stdout)\n\(cached.stderr)")
        #expect(cached.stdout.contains("the CSR changed (a new key or new names)"))

        // A tampered c02, whose old digest is still recorded, is refused as before.
        try Self.expectTamperedC02Refused(repo)
    }

    /// A tampered c02 over a recorded digest is refused, with and without the digests.
    static func expectTamperedC02Refused(_ repo: ApplyRepository) throws {
        repo.dir.write("csr/c02.csr", TestCSR.tampered(commonName: "c02.example.com"))
        let (cached, uncached) = try plans(repo)
        #expect(cached.status == 1 && uncached.status == 1)
        #expect(cached.stderr.contains("csr_file '../csr/c02.csr' of certificate 'c02': the CSR's signature does not verify"), "\(cached.stderr)")
        #expect(cached.stderr == uncached.stderr)
    }

    /// The CSR counts a plan reports with `CERTFORM_TIMINGS=1`.
    static func counts(_ repo: ApplyRepository) throws -> (result: Subprocess.Result, counts: String) {
        let result = try CLI.run(["plan", "--format", "json", "--as-of", "2026-12-01T00:00:00Z"], in: repo.path,
                                 environment: repo.environment.merging(["CERTFORM_TIMINGS": "1"]) { $1 })
        let line = result.stderr.split(separator: "\n").first { $0.hasPrefix("timings: CSRs:") } ?? ""
        return (result, String(line.dropFirst("timings: ".count)))
    }

    /// Commits everything in the repository, its files dated ten seconds back first so that no
    /// index entry is racily clean.
    static func commit(_ repo: ApplyRepository) throws {
        let past = Date().addingTimeInterval(-10)
        for folder in ["csr", "manifests"] {
            for name in try FileManager.default.contentsOfDirectory(atPath: "\(repo.path)/\(folder)") {
                try FileManager.default.setAttributes([.modificationDate: past], ofItemAtPath: "\(repo.path)/\(folder)/\(name)")
            }
        }
        // Entries are made afresh: git, comparing whole seconds, may take a file edited in the
        // second of its last `add` for unchanged (certform, comparing nanoseconds, would not).
        for arguments in [["init", "-q"], ["rm", "-r", "-q", "--cached", "--ignore-unmatch", "csr", "manifests"], ["add", "-A", "csr", "manifests"], ["commit", "-q", "--allow-empty", "-m", "certificates"]] {
            let git = try Subprocess.run("/usr/bin/env", ["git", "-c", "user.name=t", "-c", "user.email=t@example.com"] + arguments, in: repo.path)
            #expect(git.status == 0, "\(git.stderr)")
        }
    }

    @Test func inACheckoutCommittedCSRFilesAreNotReadAndThePlanIsTheSame() async throws {
        let repo = try ApplyRepository(count: 3)
        #expect(try repo.certform(["apply", "--auto-approve"]).status == 0)
        #expect(try repo.certform(["refresh"]).status == 0)
        // Outside a git repository every CSR file is read (the records still spare the checks).
        var (result, counts) = try Self.counts(repo)
        #expect(counts == "CSRs: 3 vouched for by the state (0 unread, known from git's index), 3 read, 0 verified", "\(result.stderr)")
        let outside = result.stdout

        try Self.commit(repo)
        (result, counts) = try Self.counts(repo)
        #expect(counts == "CSRs: 3 vouched for by the state (3 unread, known from git's index), 0 read, 0 verified", "\(result.stderr)")
        #expect(result.status == 0 && result.stdout == outside)
        var (cached, uncached) = try Self.plans(repo)
        #expect(cached.stdout == uncached.stdout)

        // A new key for c01, committed: git's index has its new id, which no record vouches for.
        repo.dir.write("csr/c01.csr", TestCSR.make(commonName: "c01.example.com", sans: ["c01.example.com"]))
        try Self.commit(repo)
        (result, counts) = try Self.counts(repo)
        #expect(counts == "CSRs: 2 vouched for by the state (2 unread, known from git's index), 1 read, 1 verified", "\(result.stderr)")
        (cached, uncached) = try Self.plans(repo)
        #expect(cached.status == 0 && cached.stdout == uncached.stdout)
        #expect(cached.stdout.contains("the CSR changed (a new key or new names)"))

        // A tampered c02 in the working tree, not committed: its stat no longer matches the index.
        try Self.expectTamperedC02Refused(repo)
    }
}
