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
}
