import CertformTestSupport
import Dates
import Files
import Foundation
@testable import Manifests
import Testing

/// Paths are bytes. Two directories whose names are the same text in two Unicode spellings (é as
/// one character, or as e and a combining accent) are two directories, and Swift's `String`
/// calls them equal: whatever keeps paths must keep them apart, or a pull request could have
/// certform read a CSR from a file other than the one its manifest names.
@Suite struct UnicodePathTests {
    static let composed = "\u{E9}", decomposed = "e\u{301}"

    @Test func theTwoSpellingsAreEqualStringsButNotEqualBytes() {
        #expect(Self.composed == Self.decomposed)
        #expect(Array(Self.composed.utf8) != Array(Self.decomposed.utf8))
    }

    @Test func resolvedPathsKeepTheSpellingWritten() {
        let paths = ResolvedPaths()
        for (first, second) in [(Self.composed, Self.decomposed), (Self.decomposed, Self.composed)] {
            for manifest in ["manifests/web.yaml", "manifests/\(first)/web.yaml"] {
                let one = paths.resolve("../csr/\(first)/x.csr", relativeTo: manifest)
                let other = paths.resolve("../csr/\(second)/x.csr", relativeTo: manifest)
                #expect(Array(one.utf8) == Array(ManifestLoader.resolve("../csr/\(first)/x.csr", relativeTo: manifest).utf8))
                #expect(Array(other.utf8) == Array(ManifestLoader.resolve("../csr/\(second)/x.csr", relativeTo: manifest).utf8))
            }
            // The manifest's own directory spelled both ways.
            let one = paths.resolve("csr/x.csr", relativeTo: "manifests/\(first)/web.yaml")
            let other = paths.resolve("csr/x.csr", relativeTo: "manifests/\(second)/web.yaml")
            #expect(Array(one.utf8) == Array("manifests/\(first)/csr/x.csr".utf8))
            #expect(Array(other.utf8) == Array("manifests/\(second)/csr/x.csr".utf8))
        }
    }

    /// Two certificates whose CSR files lie in the two spellings of one directory name: each is
    /// read from its own file. With git's index, each is identified as its own file, even where
    /// the state vouches for the other file's bytes under its name.
    @Test(arguments: [false, true])
    func eachCertificateReadsTheCSRItsManifestNames(withGit: Bool) throws {
        let dir = TemporaryDirectory()
        let one = TestCSR.make(commonName: "one.example.com"), two = TestCSR.make(commonName: "two.example.com")
        let paths = ["csr/\(Self.composed)/x.csr", "csr/\(Self.decomposed)/x.csr", "manifests/web.yaml"]
        dir.write(paths[0], one)
        dir.write(paths[1], two)
        dir.write(paths[2], """
            apiVersion: certform/v1
            defaults:
              product: ssl_dv_geotrust
              validity_years: 1
              dcv_method: dns-txt-token
            certificates:
              one:
                common_name: one.example.com
                csr_file: ../csr/\(Self.composed)/x.csr
              two:
                common_name: two.example.com
                csr_file: ../csr/\(Self.decomposed)/x.csr
            """)
        let bytes = [one, two].map { CSRBytesDigest(of: Array($0.utf8)) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path + "/csr").count == 2)
        var recorded: RecordedCSRs?
        if withGit {
            try GitIndexTests.git(dir, ["init", "-q"])
            let past = Date().addingTimeInterval(-10)
            for path in paths { try FileManager.default.setAttributes([.modificationDate: past], ofItemAtPath: dir.path + "/" + path) }
            try GitIndexTests.git(dir, ["add", "-A"])
            try GitIndexTests.git(dir, ["commit", "-q", "-m", "files"])
            // The state claims that two's CSR is one's bytes.
            let specDigest = "sha256:recorded"
            let claim = CSRDigest.of(bytes[0], product: .sslDVGeoTrust, commonName: "two.example.com", dnsNames: [], specDigest: specDigest)
            recorded = RecordedCSRs { name in name == "two" ? RecordedCSR(csrDigest: claim, specDigest: specDigest) : nil }
        }
        var loader = ManifestLoader(directory: dir.path + "/manifests", asOf: CalendarDate("2026-11-29")!, keepsCSRText: false)
        loader.usesGitIndex = withGit
        let read = loader.read()
        #expect((read.gitIndex != nil) == withGit)
        let set = loader.check(read, recorded: recorded)
        #expect(!set.hasErrors, "\(set.diagnostics)")
        #expect(set.certificates.map(\.name) == ["one", "two"])
        #expect(set.certificates.map(\.csrBytesDigest) == bytes)
        #expect(set.certificates.allSatisfy { $0.vouchedSpecDigest == nil && $0.csrSummary != nil })
    }

    /// Manifests in the two spellings of one directory name are two directories, both read; and
    /// the manifests' digest covers the CSR file of each, so that changing either changes it.
    @Test func bothDirectoriesAreReadAndBothCSRFilesCounted() throws {
        let dir = TemporaryDirectory()
        let one = TestCSR.make(commonName: "one.example.com"), two = TestCSR.make(commonName: "two.example.com")
        for (spelling, name, csr) in [(Self.composed, "one", one), (Self.decomposed, "two", two)] {
            dir.write("csr/\(name).csr", csr)
            dir.write("manifests/\(spelling)/web.yaml", """
                apiVersion: certform/v1
                certificates:
                  \(name):
                    product: ssl_dv_geotrust
                    common_name: \(name).example.com
                    validity_years: 1
                    dcv_method: dns-txt-token
                    csr_file: ../../csr/\(name).csr
                """)
        }
        dir.write("manifests/shared.yaml", """
            apiVersion: certform/v1
            defaults: {product: ssl_dv_geotrust, validity_years: 1, dcv_method: dns-txt-token}
            certificates:
              three: {common_name: one.example.com, csr_file: ../csr/\(Self.composed).csr}
              four: {common_name: two.example.com, csr_file: ../csr/\(Self.decomposed).csr}
            """)
        dir.write("csr/\(Self.composed).csr", one)
        dir.write("csr/\(Self.decomposed).csr", two)
        func load() -> ManifestSet {
            let loader = ManifestLoader(directory: dir.path + "/manifests", asOf: CalendarDate("2026-11-29")!)
            return loader.check(loader.read())
        }
        let set = load()
        #expect(!set.hasErrors, "\(set.diagnostics)")
        #expect(set.certificates.map(\.name) == ["four", "one", "three", "two"])
        #expect(set.files.count == 3)
        // Another CSR in the decomposed file (same names): the digest must change.
        dir.write("csr/\(Self.decomposed).csr", TestCSR.make(commonName: "two.example.com"))
        #expect(load().digest != set.digest)
    }

    /// Manifests in the two spellings of one directory, each naming `csr/web.csr` beside it (two
    /// files): the digest covers both, so that changing either changes it, and the files are
    /// read in one order, their bytes'.
    @Test func theDigestCoversTheCSRFileBesideEachManifest() throws {
        let dir = TemporaryDirectory()
        // (The two spellings are equal strings: told apart by their place, not by `==`.)
        for (spelling, name) in [(Self.composed, "one"), (Self.decomposed, "two")] {
            dir.write("manifests/\(spelling)/csr/web.csr", TestCSR.make(commonName: "web.example.com"))
            dir.write("manifests/\(spelling)/web.yaml", """
                apiVersion: certform/v1
                certificates:
                  web-\(name):
                    product: ssl_dv_geotrust
                    common_name: web.example.com
                    validity_years: 1
                    dcv_method: dns-txt-token
                    csr_file: csr/web.csr
                """)
        }
        func load() -> ManifestSet {
            let loader = ManifestLoader(directory: dir.path + "/manifests", asOf: CalendarDate("2026-11-29")!)
            return loader.check(loader.read())
        }
        let set = load()
        #expect(set.certificates.count == 2 && set.files.count == 2)
        #expect(set.files.map { Array($0.utf8) } == set.files.map { Array($0.utf8) }.sorted { $0.lexicographicallyPrecedes($1) })
        for (spelling, name) in [(Self.composed, "composed"), (Self.decomposed, "decomposed")] {
            let before = load().digest
            dir.write("manifests/\(spelling)/csr/web.csr", TestCSR.make(commonName: "web.example.com"))
            #expect(load().digest != before, "a new CSR under the \(name) spelling")
        }
        #expect(load().digest != set.digest)
    }

    /// The repository's boundary is a prefix of bytes: a path that is the root's text in another
    /// spelling is not inside it.
    @Test func insideTheRepositoryIsAPrefixOfBytes() {
        #expect(!RealPath.isInside("/ci/caf\(Self.composed)/m/web.yaml", root: "/ci/caf\(Self.decomposed)"))
        #expect(!RealPath.isInside("/ci/caf\(Self.decomposed)/m/web.yaml", root: "/ci/caf\(Self.composed)"))
        #expect(RealPath.isInside("/ci/caf\(Self.composed)/m/web.yaml", root: "/ci/caf\(Self.composed)"))
        #expect(RealPath.isInside("/ci/caf\(Self.composed)", root: "/ci/caf\(Self.composed)"))
        #expect(!RealPath.isInside("/ci/caf\(Self.composed)x", root: "/ci/caf\(Self.composed)"))
        #expect(RealPath.isInside("/x", root: "/") && !RealPath.isInside("x", root: "/"))
    }

    /// Paths split at `/` bytes, as the file system splits them, even where a neighbour joins a
    /// `/` into one character with it (U+0600 before it, a combining accent after it).
    @Test func pathsSplitAtEverySlashByte() {
        let cases: [(written: String, manifest: String, resolved: String)] = [
            ("a/x\u{600}/../../web.csr", "m/web.yaml", "m/web.csr"),
            ("../csr/\u{301}x.csr", "m/web.yaml", "csr/\u{301}x.csr"),
            ("a\u{600}/../web.csr", "m/web.yaml", "m/web.csr"),
            ("x.csr", "m\u{600}/../web.yaml", "x.csr"),
            ("../csr/web.csr", "/r/m/web.yaml", "/r/csr/web.csr"),
        ]
        let paths = ResolvedPaths()
        for (written, manifest, resolved) in cases {
            #expect(Array(ManifestLoader.resolve(written, relativeTo: manifest).utf8) == Array(resolved.utf8), "\(written.unicodeScalars.map(\.value))")
            #expect(Array(paths.resolve(written, relativeTo: manifest).utf8) == Array(resolved.utf8), "\(written.unicodeScalars.map(\.value))")
        }
        #expect(PathBytes.components("a//b\u{600}/\u{301}c/").map { Array($0.utf8) } == ["a", "", "b\u{600}", "\u{301}c", ""].map { Array($0.utf8) })
        #expect(PathBytes.lastSlash("x") == nil)
        #expect(PathBytes.lastSlash("/x").map { [String($0.directory), String($0.name)] } == ["", "x"])
    }

    /// `PathBytes.same` compares bytes, whatever holds them: two spellings of é are equal strings
    /// but other bytes; small (inline) and large strings, substrings, and empty ones.
    @Test func sameBytesMeansTheSameUTF8() {
        let long = "../csr/group-000/directory-with-a-long-name/"
        #expect(PathBytes.same("caf\(Self.composed)", "caf\(Self.composed)"))
        #expect(!PathBytes.same("caf\(Self.composed)", "caf\(Self.decomposed)"))
        #expect("caf\(Self.composed)" == "caf\(Self.decomposed)")
        #expect(PathBytes.same(long, String(long.utf8.map { Character(UnicodeScalar($0)) })))
        #expect(!PathBytes.same(long, long.dropLast()))
        #expect(!PathBytes.same(long, long.replacingOccurrences(of: "000", with: "001")))
        #expect(PathBytes.same(long.dropLast(), Substring(long.dropLast())))
        #expect(PathBytes.same(Substring(long.utf8.prefix(7)), "../csr/"))
        #expect(PathBytes.same("", long.prefix(0)) && !PathBytes.same("", "a") && !PathBytes.same("a", ""))
        // Equal text, other bytes of the same length: D with a dot above then one below, and
        // the other way round (5 bytes each).
        let above = "x/\u{1E0A}\u{323}", below = "x/\u{1E0C}\u{307}"
        #expect(above == below && above.utf8.count == below.utf8.count)
        #expect(!PathBytes.same(above, below) && PathBytes.same(above, String(above)))
        #expect(PathKey(long + "x.csr") == PathKey(long + "x.csr") && PathKey("caf\(Self.composed)") != PathKey("caf\(Self.decomposed)"))
    }
}
