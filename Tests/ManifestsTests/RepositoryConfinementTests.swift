import CertformTestSupport
import Dates
import Foundation
@testable import Manifests
import Testing

/// A repository in a scratch directory, with room outside it: `<outer>/repo` (holding `.git`
/// unless asked not to) and files beside it that the repository must not reach.
struct ConfinementLayout {
    static let asOf = CalendarDate("2026-11-29")!
    /// Text planted in files outside the repository: it must never show up in what is loaded.
    static let canary = "CANARY-7f3d9e"

    let dir = TemporaryDirectory()
    var outer: String { dir.path }
    var repo: String { dir.path + "/repo" }
    /// The repository root as certform names it: its canonical path.
    var root: String { Self.canonical(repo) }

    init(git: Bool = true) {
        try! FileManager.default.createDirectory(atPath: repo + (git ? "/.git" : ""), withIntermediateDirectories: true)
    }

    static func canonical(_ path: String) -> String {
        guard let resolved = realpath(path, nil) else { return path }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// Writes `text` at `relative` inside the repository; returns the full path.
    @discardableResult
    func write(_ relative: String, _ text: String) -> String { dir.write("repo/" + relative, text) }

    /// A symbolic link at `relative` inside the repository, to `target` (as written).
    func link(_ relative: String, to target: String) {
        let path = repo + "/" + relative
        try! FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        precondition(symlink(target, path) == 0, "symlink \(path)")
    }

    func fifo(_ relative: String) {
        let path = repo + "/" + relative
        try! FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        precondition(mkfifo(path, 0o644) == 0, "mkfifo \(path)")
    }

    /// One certificate `name` for `commonName`, whose CSR is `csrFile`.
    static func manifest(_ name: String, commonName: String, csrFile: String) -> String {
        """
        apiVersion: certform/v1
        certificates:
          \(name):
            product: ssl_dv_geotrust
            common_name: \(commonName)
            validity_years: 1
            dcv_method: dns-txt-token
            csr_file: \(csrFile)

        """
    }

    func load(_ manifests: String = "manifests") -> ManifestSet {
        ManifestLoader(directory: repo + "/" + manifests, asOf: Self.asOf).load()
    }

    /// Every diagnostic of `set`, as `file: message` with the repository's path shortened to `repo`.
    func report(_ set: ManifestSet) -> [String] {
        set.diagnostics.map { "\($0.file.replacingOccurrences(of: repo, with: "repo")): \($0.message)" }
    }

    /// Whether the canary appears in anything `set` holds.
    static func leaks(_ set: ManifestSet) -> Bool {
        set.diagnostics.contains { $0.message.contains(canary) || $0.file.contains(canary) }
            || set.certificates.contains { $0.csr.contains(canary) || $0.name.contains("canary") }
    }
}

/// Manifest files stay inside the repository (SPEC §2.1): links out, FIFOs, devices and huge
/// files are errors naming the path as found, and are never opened.
@Suite struct ManifestFileConfinementTests {
    /// A manifest committed as a link to the job's environment: its text (secrets included) must
    /// not be read, let alone quoted in an excerpt.
    @Test(.enabled(if: FileManager.default.fileExists(atPath: "/proc/self/environ")))
    func manifestLinkedToProcSelfEnvironIsNotRead() {
        let layout = ConfinementLayout()
        layout.link("manifests/env.yaml", to: "/proc/self/environ")
        let set = layout.load()
        #expect(layout.report(set) == ["repo/manifests/env.yaml: this file resolves outside the repository ('\(layout.root)'); it was not read"])
        #expect(set.files.isEmpty)
        #expect(!set.diagnostics.contains { $0.message.contains("PATH=") || $0.message.contains("HOME=") })
    }

    @Test func manifestLinkedOutsideIsNotReadAndTheRestLoads() {
        let layout = ConfinementLayout()
        layout.dir.write("secret.yaml", ConfinementLayout.manifest("canary", commonName: "canary.example.com", csrFile: ConfinementLayout.canary))
        layout.link("manifests/leak.yaml", to: "../../secret.yaml")
        layout.write("csr/a.csr", TestCSR.make(commonName: "a.example.com"))
        layout.write("manifests/a.yaml", ConfinementLayout.manifest("a", commonName: "a.example.com", csrFile: "../csr/a.csr"))
        let set = layout.load()
        #expect(layout.report(set) == ["repo/manifests/leak.yaml: this file resolves outside the repository ('\(layout.root)'); it was not read"])
        #expect(set.files == [layout.repo + "/manifests/a.yaml"])
        #expect(set.certificates.map(\.name) == ["a"])
        #expect(!ConfinementLayout.leaks(set))
    }

    /// The test finishes: the FIFO is never opened (opening it for reading would wait for a writer).
    @Test func manifestThatIsAFIFOIsNotOpened() {
        let layout = ConfinementLayout()
        layout.fifo("manifests/pipe.yaml")
        layout.link("manifests/pipe-link.yml", to: "pipe.yaml")
        let set = layout.load()
        #expect(layout.report(set) == [
            "repo/manifests/pipe-link.yml: this file is not a regular file (a FIFO); it was not read",
            "repo/manifests/pipe.yaml: this file is not a regular file (a FIFO); it was not read",
        ])
    }

    @Test func manifestLinkedToADeviceIsNotRead() {
        let layout = ConfinementLayout()
        layout.link("manifests/zero.yaml", to: "/dev/zero")
        let set = layout.load()
        #expect(layout.report(set) == ["repo/manifests/zero.yaml: this file resolves outside the repository ('\(layout.root)'); it was not read"])
    }

    /// Sized by `lstat`, never read: a sparse file of 256 MiB and one byte costs nothing to make.
    @Test func manifestLargerThan256MiBIsNotRead() {
        let layout = ConfinementLayout()
        let path = layout.write("manifests/huge.yaml", "")
        #expect(truncate(path, (256 << 20) + 1) == 0)
        let set = layout.load()
        #expect(layout.report(set) == ["repo/manifests/huge.yaml: this file is larger than 256 MiB; it was not read"])
    }

    @Test func directoryLinkedOutsideIsNotWalked() {
        let layout = ConfinementLayout()
        layout.dir.write("elsewhere/x.yaml", ConfinementLayout.manifest("canary", commonName: "canary.example.com", csrFile: ConfinementLayout.canary))
        layout.link("manifests/ext", to: layout.outer + "/elsewhere")
        layout.link("manifests/root", to: "/")
        layout.write("csr/a.csr", TestCSR.make(commonName: "a.example.com"))
        layout.write("manifests/a.yaml", ConfinementLayout.manifest("a", commonName: "a.example.com", csrFile: "../csr/a.csr"))
        let set = layout.load()
        #expect(layout.report(set) == [
            "repo/manifests/ext: this directory resolves outside the repository ('\(layout.root)'); it was not walked",
            "repo/manifests/root: this directory resolves outside the repository ('\(layout.root)'); it was not walked",
        ])
        #expect(set.files == [layout.repo + "/manifests/a.yaml"])
        #expect(!ConfinementLayout.leaks(set))
    }

    /// Links that stay inside are followed; a loop of links is walked once and ends.
    @Test func directoryLinkedInsideIsWalkedAndLoopsEnd() {
        let layout = ConfinementLayout()
        layout.write("csr/a.csr", TestCSR.make(commonName: "a.example.com"))
        layout.write("csr/s.csr", TestCSR.make(commonName: "s.example.com"))
        layout.write("shared/s.yaml", ConfinementLayout.manifest("s", commonName: "s.example.com", csrFile: "../../csr/s.csr"))
        layout.write("manifests/a.yaml", ConfinementLayout.manifest("a", commonName: "a.example.com", csrFile: "../csr/a.csr"))
        layout.link("manifests/shared", to: "../shared")
        layout.link("manifests/loop", to: ".")
        let set = layout.load()
        #expect(set.diagnostics.isEmpty, "\(layout.report(set))")
        #expect(set.files == [layout.repo + "/manifests/a.yaml", layout.repo + "/manifests/shared/s.yaml"])
        #expect(set.certificates.map(\.name) == ["a", "s"])
    }

    /// A manifests directory committed as a link to another checkout (which holds `.git` of its
    /// own) does not make that checkout the repository.
    @Test func manifestsDirectoryLinkedToAnotherCheckoutIsRefused() {
        let layout = ConfinementLayout()
        layout.dir.write("other/.git/HEAD", "ref: refs/heads/main\n")
        layout.dir.write("other/x.yaml", ConfinementLayout.manifest("canary", commonName: "canary.example.com", csrFile: ConfinementLayout.canary))
        layout.link("manifests", to: layout.outer + "/other")
        let set = layout.load()
        #expect(layout.report(set) == ["repo/manifests: the manifests directory resolves outside the repository ('\(layout.root)'); it was not read"])
        #expect(set.files.isEmpty)
        #expect(!ConfinementLayout.leaks(set))
    }
}

/// `csr_file` stays inside the repository (SPEC §2.1) and is a regular file of at most 64 KiB.
@Suite struct CSRFileConfinementTests {
    static func loadWithCSRFile(_ csrFile: String, in layout: ConfinementLayout) -> ManifestSet {
        layout.write("manifests/a.yaml", ConfinementLayout.manifest("a", commonName: "a.example.com", csrFile: csrFile))
        return layout.load()
    }

    /// `../../outside.csr` from `manifests/`: a valid CSR, but outside, so not read.
    @Test func traversalOutsideTheRepositoryIsRefused() {
        let layout = ConfinementLayout()
        layout.dir.write("outside.csr", TestCSR.make(commonName: "a.example.com"))
        let set = Self.loadWithCSRFile("../../outside.csr", in: layout)
        #expect(layout.report(set) == ["repo/manifests/a.yaml: cannot read csr_file '../../outside.csr' of certificate 'a': it resolves outside the repository ('\(layout.root)')"])
        #expect(set.certificates.isEmpty)
        #expect(set.diagnostics.first?.location?.description == "8:15")
    }

    @Test func absolutePathOutsideIsRefused() {
        let layout = ConfinementLayout()
        let outside = layout.dir.write("outside.csr", TestCSR.make(commonName: "a.example.com"))
        let set = Self.loadWithCSRFile(outside, in: layout)
        #expect(layout.report(set) == ["repo/manifests/a.yaml: cannot read csr_file '\(outside)' of certificate 'a': it resolves outside the repository ('\(layout.root)')"])
    }

    @Test func linkLeadingOutsideIsRefused() {
        let layout = ConfinementLayout()
        layout.dir.write("outside.csr", TestCSR.make(commonName: "a.example.com"))
        layout.link("csr/a.csr", to: "../../outside.csr")
        let set = Self.loadWithCSRFile("../csr/a.csr", in: layout)
        #expect(layout.report(set) == ["repo/manifests/a.yaml: cannot read csr_file '../csr/a.csr' of certificate 'a': it resolves outside the repository ('\(layout.root)')"])
    }

    /// The directory on the way is resolved too: `csr/` committed as a link to a directory outside.
    @Test func directoryLinkedOutsideOnTheWayIsRefused() {
        let layout = ConfinementLayout()
        layout.dir.write("elsewhere/a.csr", TestCSR.make(commonName: "a.example.com"))
        layout.link("csr", to: layout.outer + "/elsewhere")
        let set = Self.loadWithCSRFile("../csr/a.csr", in: layout)
        #expect(layout.report(set) == ["repo/manifests/a.yaml: cannot read csr_file '../csr/a.csr' of certificate 'a': it resolves outside the repository ('\(layout.root)')"])
    }

    @Test func linkStayingInsideIsFollowed() {
        let layout = ConfinementLayout()
        layout.write("csr/real/a.csr", TestCSR.make(commonName: "a.example.com"))
        layout.link("csr/a.csr", to: "real/a.csr")
        let set = Self.loadWithCSRFile("../csr/a.csr", in: layout)
        #expect(set.diagnostics.isEmpty, "\(layout.report(set))")
        #expect(set.certificates.first?.csrSummary != nil)
    }

    /// The test finishes: the FIFO is never opened.
    @Test func fifoIsNotOpened() {
        let layout = ConfinementLayout()
        layout.fifo("csr/pipe.csr")
        let set = Self.loadWithCSRFile("../csr/pipe.csr", in: layout)
        #expect(layout.report(set) == ["repo/manifests/a.yaml: cannot read csr_file '../csr/pipe.csr' of certificate 'a': it is not a regular file (a FIFO)"])
    }

    @Test func directoryIsNotRead() {
        let layout = ConfinementLayout()
        layout.write("csr/dir.csr/keep", "")
        let set = Self.loadWithCSRFile("../csr/dir.csr", in: layout)
        #expect(layout.report(set) == ["repo/manifests/a.yaml: cannot read csr_file '../csr/dir.csr' of certificate 'a': it is not a regular file (a directory)"])
    }

    /// Devices are outside any repository, written directly or through a link.
    @Test(arguments: ["/dev/null", "/dev/zero", "/dev/urandom", "../csr/zero.csr"])
    func deviceIsNotRead(csrFile: String) {
        let layout = ConfinementLayout()
        layout.link("csr/zero.csr", to: "/dev/zero")
        let set = Self.loadWithCSRFile(csrFile, in: layout)
        #expect(layout.report(set) == ["repo/manifests/a.yaml: cannot read csr_file '\(csrFile)' of certificate 'a': it resolves outside the repository ('\(layout.root)')"])
    }

    @Test func fileLargerThan64KiBIsNotRead() {
        let layout = ConfinementLayout()
        let csr = TestCSR.make(commonName: "a.example.com")
        layout.write("csr/big.csr", csr + String(repeating: "\n", count: (64 << 10) + 1 - csr.utf8.count))
        layout.write("csr/exact.csr", csr + String(repeating: "\n", count: (64 << 10) - csr.utf8.count))
        let big = Self.loadWithCSRFile("../csr/big.csr", in: layout)
        #expect(layout.report(big) == ["repo/manifests/a.yaml: cannot read csr_file '../csr/big.csr' of certificate 'a': it is larger than 64 KiB"])
        let exact = Self.loadWithCSRFile("../csr/exact.csr", in: layout)
        #expect(exact.diagnostics.isEmpty, "\(layout.report(exact))")
        #expect(exact.certificates.map(\.name) == ["a"])
    }
}

/// Which directory is the repository (SPEC §2.1).
@Suite struct RepositoryRootTests {
    /// With `.git` at `repo/`, a manifests directory two levels down may use `repo/csr`.
    @Test func nearestAncestorHoldingGitIsTheRoot() throws {
        let layout = ConfinementLayout()
        layout.write("csr/a.csr", TestCSR.make(commonName: "a.example.com"))
        layout.write("config/manifests/a.yaml", ConfinementLayout.manifest("a", commonName: "a.example.com", csrFile: "../../csr/a.csr"))
        let set = layout.load("config/manifests")
        #expect(set.diagnostics.isEmpty, "\(layout.report(set))")
        #expect(try RepositoryRoot.enclosing(layout.repo + "/config/manifests").get().path == layout.root)
    }

    /// Without `.git`, the root is the manifests directory's parent: `repo/csr` is outside
    /// `repo/config`.
    @Test func parentOfTheManifestsDirectoryWithoutGit() throws {
        let layout = ConfinementLayout(git: false)
        layout.write("csr/a.csr", TestCSR.make(commonName: "a.example.com"))
        layout.write("config/manifests/a.yaml", ConfinementLayout.manifest("a", commonName: "a.example.com", csrFile: "../../csr/a.csr"))
        let set = layout.load("config/manifests")
        let config = ConfinementLayout.canonical(layout.repo + "/config")
        #expect(layout.report(set) == ["repo/config/manifests/a.yaml: cannot read csr_file '../../csr/a.csr' of certificate 'a': it resolves outside the repository ('\(config)')"])
        #expect(try RepositoryRoot.enclosing(layout.repo + "/config/manifests/").get().path == config)
    }

    /// `.git` as a file (a worktree or a submodule) marks the root too; `.` and `..` are taken as
    /// written.
    @Test func gitFileMarksTheRoot() throws {
        let layout = ConfinementLayout(git: false)
        layout.write(".git", "gitdir: /somewhere/else\n")
        layout.write("config/manifests/a.yaml", "")
        let root = try RepositoryRoot.enclosing(layout.repo + "/config/./x/../manifests").get()
        #expect(root.path == layout.root)
        #expect(root.contains(layout.root + "/csr/a.csr"))
        #expect(root.contains(layout.root))
        #expect(!root.contains(layout.root + "-other/a.csr"))
        #expect(!root.contains(ConfinementLayout.canonical(layout.outer)))
    }
}
