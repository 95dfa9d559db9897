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
        let cached = try repo.certform(["plan", "--format", "json"])
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
        let uncached = try repo.certform(["plan", "--format", "json", "--state", "state/uncached.json"])
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
        repo.dir.write("csr/c02.csr", TestCSR.tampered(commonName: "c02.example.com"))
        (cached, uncached) = try Self.plans(repo)
        #expect(cached.status == 1 && uncached.status == 1)
        #expect(cached.stderr.contains("csr_file '../csr/c02.csr' of certificate 'c02': the CSR's signature does not verify"), "\(cached.stderr)")
        #expect(cached.stderr == uncached.stderr)
    }
}
