@testable import Manifests
import Testing

/// `csr_file` paths are resolved once per directory (``ResolvedPaths``); the answer must be the
/// lexical resolution's, for every shape of path.
@Suite struct ResolvedPathsTests {
    static let manifests = ["manifests/web.yaml", "/work/repo/manifests/web.yaml", "web.yaml", "./m/web.yaml", "/web.yaml",
                            "a/b/c/web.yaml", "../up/web.yaml", "m//web.yaml"]
    static let written = ["../csr/web.csr", "csr/web.csr", "web.csr", "./web.csr", "../../csr/web.csr", "../../../../../x.csr",
                          "/abs/x.csr", "a/./b/../c.csr", "a//b.csr", "../csr/", "../csr/.", "../csr/..", "..", ".", "",
                          "x/../../y/z.csr", "../csr/group-000/svc-000001.csr"]

    @Test func everyShapeResolvesAsTheLexicalResolutionDoes() {
        let paths = ResolvedPaths()
        for manifest in Self.manifests {
            for written in Self.written {
                let expected = ManifestLoader.resolve(written, relativeTo: manifest)
                // Twice: once computed, once from what was kept.
                #expect(paths.resolve(written, relativeTo: manifest) == expected, "\(manifest) + \(written)")
                #expect(paths.resolve(written, relativeTo: manifest) == expected, "\(manifest) + \(written)")
            }
        }
        #expect(ManifestLoader.resolve("../csr/web.csr", relativeTo: "/work/repo/manifests/web.yaml") == "/work/repo/csr/web.csr")
        #expect(ManifestLoader.resolve("../../x.csr", relativeTo: "manifests/web.yaml") == "../x.csr")
    }

    /// A plan identifies a committed CSR from its path as the spec holds it, in two parts, without
    /// putting them together: the parts must split as the whole path does, and go the long way
    /// for the same paths.
    @Test func aPathHeldInPartsSplitsAsTheWholePath() {
        for written in Self.written + ["/x.csr", "/", "//x.csr", "a/b/", "x"] {
            let parts = CertificateSpec.Origin.split(written)
            #expect(parts.directory + parts.name == written)
            let whole = ResolvedPaths.directoryAndName(written), held = ResolvedPaths.directoryAndName(parts)
            #expect(whole.map { [String($0.directory), String($0.name)] } == held.map { [String($0.directory), String($0.name)] }, "\(written)")
        }
    }
}
