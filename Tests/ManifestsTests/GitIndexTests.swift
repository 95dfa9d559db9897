import CertformTestSupport
import Files
import Foundation
@testable import Manifests
import Testing

/// ``GitIndex`` gives a committed file's blob id without reading it only while the file is
/// exactly as git last saw it, and reads every index version git writes.
@Suite struct GitIndexTests {
    /// A git repository with `files` committed, their times set back ten seconds first so that no
    /// entry is racily clean.
    static func repository(_ files: [String: String], indexVersion: Int? = nil) throws -> TemporaryDirectory {
        let dir = TemporaryDirectory()
        for (path, text) in files { dir.write(path, text) }
        try git(dir, ["init", "-q"])
        if let indexVersion { try git(dir, ["config", "index.version", "\(indexVersion)"]) }
        let past = Date().addingTimeInterval(-10)
        for path in files.keys {
            try FileManager.default.setAttributes([.modificationDate: past], ofItemAtPath: dir.path + "/" + path)
        }
        try git(dir, ["add", "-A"])
        try git(dir, ["commit", "-q", "-m", "files"])
        return dir
    }

    @discardableResult
    static func git(_ dir: TemporaryDirectory, _ arguments: [String]) throws -> String {
        let result = try Subprocess.run("/usr/bin/env", ["git", "-c", "user.name=test", "-c", "user.email=test@example.com"] + arguments,
                                        in: dir.path)
        #expect(result.status == 0, "git \(arguments): \(result.stderr)")
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func root(_ dir: TemporaryDirectory) throws -> String {
        try RealPath.resolve(dir.path).get()
    }

    static let files = [
        "csr/a.csr": "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n",
        "csr/deep/b.csr": "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb",
        "manifests/certs.yaml": "apiVersion: certform/v1\ncertificates: {}\n",
    ]

    @Test(arguments: [2, 3, 4])
    func everyCommittedFileHasTheIdGitGivesIt(version: Int) throws {
        let dir = try Self.repository(Self.files, indexVersion: version)
        let root = try Self.root(dir)
        let index = try #require(GitIndex.load(worktree: root))
        for (path, text) in Self.files {
            let expected = try Self.git(dir, ["hash-object", path])
            #expect(index.blobID(ofCanonicalPath: root + "/" + path)?.hex == expected, "\(path) in a version \(version) index")
            #expect(CSRBytesDigest(of: Array(text.utf8)).hex == expected)
        }
        #expect(index.blobID(ofCanonicalPath: root + "/csr/missing.csr") == nil)
        #expect(index.blobID(ofCanonicalPath: root + "/csr") == nil)
        #expect(index.blobID(ofCanonicalPath: "/etc/passwd") == nil)
    }

    @Test func anEditedFileIsNotAnsweredForEvenWithItsSizeAndTimeRestored() throws {
        let dir = try Self.repository(Self.files)
        let root = try Self.root(dir)
        let path = root + "/csr/deep/b.csr"
        let before = try FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as! Date
        // Same size, other bytes, and the modification time set back: the change time still moves.
        dir.write("csr/deep/b.csr", String(repeating: "c", count: 80))
        try FileManager.default.setAttributes([.modificationDate: before], ofItemAtPath: path)
        let index = try #require(GitIndex.load(worktree: root))
        #expect(index.blobID(ofCanonicalPath: path) == nil)
        #expect(index.blobID(ofCanonicalPath: root + "/csr/a.csr") != nil)
    }

    @Test func aFileReplacedByALinkIsNotAnsweredFor() throws {
        let dir = try Self.repository(Self.files)
        let root = try Self.root(dir)
        try FileManager.default.removeItem(atPath: root + "/csr/a.csr")
        try FileManager.default.createSymbolicLink(atPath: root + "/csr/a.csr", withDestinationPath: root + "/csr/deep/b.csr")
        let index = try #require(GitIndex.load(worktree: root))
        #expect(index.blobID(ofCanonicalPath: root + "/csr/a.csr") == nil)
    }

    /// Files asked about in an opened directory get the whole path's answer, for a file edited in
    /// place and one replaced by a link too; so do those of a directory that could not be opened,
    /// asked by whole paths.
    @Test(arguments: [true, false])
    func filesInADirectoryAreAnsweredAsByTheirWholePaths(opened: Bool) throws {
        let dir = try Self.repository(Self.files)
        let root = try Self.root(dir)
        let index = try #require(GitIndex.load(worktree: root))
        let csr = GitIndex.Directory(canonical: Array((root + "/csr/").utf8), opening: opened)
        let deep = GitIndex.Directory(canonical: Array((root + "/csr/deep/").utf8), opening: opened)
        #expect((csr.descriptor >= 0) == opened && (deep.descriptor >= 0) == opened)
        #expect(index.blobID(in: csr, name: "a.csr")?.hex == (try Self.git(dir, ["hash-object", "csr/a.csr"])))
        #expect(index.blobID(in: deep, name: "b.csr")?.hex == (try Self.git(dir, ["hash-object", "csr/deep/b.csr"])))
        for absent in ["missing.csr", "deep", "b.csr"] { #expect(index.blobID(in: csr, name: absent[...]) == nil, "\(absent)") }
        // Edited in place (size and modification time restored), and replaced by a link.
        let before = try FileManager.default.attributesOfItem(atPath: root + "/csr/deep/b.csr")[.modificationDate] as! Date
        dir.write("csr/deep/b.csr", String(repeating: "c", count: 80))
        try FileManager.default.setAttributes([.modificationDate: before], ofItemAtPath: root + "/csr/deep/b.csr")
        try FileManager.default.removeItem(atPath: root + "/csr/a.csr")
        try FileManager.default.createSymbolicLink(atPath: root + "/csr/a.csr", withDestinationPath: root + "/manifests/certs.yaml")
        #expect(index.blobID(in: deep, name: "b.csr") == nil)
        #expect(index.blobID(in: csr, name: "a.csr") == nil)
        #expect(index.blobID(in: GitIndex.Directory(canonical: Array((root + "/manifests/").utf8), opening: opened), name: "certs.yaml") != nil)
        // A path that is not a directory opens nothing.
        #expect(GitIndex.Directory(canonical: Array((root + "/manifests/certs.yaml/").utf8)).descriptor == -1)
    }

    /// Only a directory in the worktree is opened: one outside it, or beside it with a name the
    /// worktree's starts, is asked by whole paths (and has no entries).
    @Test func onlyDirectoriesInTheWorktreeAreOpened() throws {
        let dir = try Self.repository(Self.files)
        let root = try Self.root(dir)
        try FileManager.default.createDirectory(atPath: root + "-beside", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root + "-beside") }
        let index = try #require(GitIndex.load(worktree: root))
        #expect(index.directory(canonical: Array((root + "/csr/").utf8)).descriptor >= 0)
        #expect(index.directory(canonical: Array((root + "/").utf8)).descriptor >= 0)
        for outside in ["/etc/", "/", root + "-beside/", try RealPath.resolve(root + "/..").get() + "/"] {
            let directory = index.directory(canonical: Array(outside.utf8))
            #expect(directory.descriptor == -1, "\(outside)")
            #expect(index.blobID(in: directory, name: "a.csr") == nil)
        }
        #expect(index.blobID(in: index.directory(canonical: Array((root + "/csr/").utf8)), name: "a.csr") != nil)
    }

    @Test func aRacilyCleanEntryIsNotTrusted() throws {
        let dir = try Self.repository(Self.files)
        let root = try Self.root(dir)
        let path = root + "/csr/a.csr"
        #expect(GitIndex.load(worktree: root)?.blobID(ofCanonicalPath: path) != nil)
        // An index written no later than the file was modified: an edit in that instant would not
        // show in the file's stat, so the entry answers nothing (git then hashes the file too).
        // The file's own time, in whole seconds (a Date round trip could round it up, past the file's).
        let modified = try #require(FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as? Date)
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSince1970: modified.timeIntervalSince1970.rounded(.down))],
                                              ofItemAtPath: root + "/.git/index")
        #expect(try #require(GitIndex.load(worktree: root)).blobID(ofCanonicalPath: path) == nil)
    }

    @Test func aWorktreeFindsItsIndexThroughItsGitFile() throws {
        let dir = try Self.repository(Self.files)
        try Self.git(dir, ["worktree", "add", "-q", "other"])
        let root = try Self.root(dir) + "/other"
        let index = try #require(GitIndex.load(worktree: root))
        let expected = try Self.git(dir, ["hash-object", "csr/a.csr"])
        #expect(index.entries.count == Self.files.count)
        #expect(index.entries["csr/a.csr"]?.blob.hex == expected)
    }

    @Test func anIndexInAFormItDoesNotKnowGivesNoAnswer() throws {
        #expect(GitIndex.parse(Array("DIRC".utf8) + [0, 0, 0, 9, 0, 0, 0, 0]) == nil)  // version 9
        #expect(GitIndex.parse(Array("NOPE".utf8) + [0, 0, 0, 2, 0, 0, 0, 0]) == nil)
        #expect(GitIndex.parse(Array("DIRC".utf8) + [0, 0, 0, 2, 0, 0, 0, 5]) == nil)  // five entries promised, none there
        let dir = try Self.repository(Self.files)
        try Self.git(dir, ["update-index", "--split-index"])
        #expect(GitIndex.load(worktree: try Self.root(dir)) == nil)
        #expect(GitIndex.load(worktree: "/nonexistent-certform-test") == nil)
    }

    /// Entries are found by binary search in git's order, byte by byte: '-' (0x2D) sorts before
    /// '.' and '/' before '0', so names that share a prefix must each still be found, and names
    /// between them, around them or cut short must not.
    @Test(arguments: [2, 4])
    func everyPathIsFoundAmongNeighboursThatSortCloseToIt(version: Int) throws {
        var files: [String: String] = [:]
        for name in ["a", "x-b", "x.b", "x/b", "x/d/c", "x0", "xb", "b", "csr/x.csr", "csr/x.csr2", "csr/x-y.csr", "Z", "é.csr"] {
            files[name] = "text of \(name)\n"
        }
        for number in 0..<200 { files["csr/n\(number).csr"] = "csr \(number)\n" }
        let dir = try Self.repository(files, indexVersion: version)
        let root = try Self.root(dir)
        let index = try #require(GitIndex.load(worktree: root))
        #expect(index.entries.count == files.count)
        for (path, text) in files {
            #expect(index.blobID(ofCanonicalPath: root + "/" + path) == CSRBytesDigest(of: Array(text.utf8)), "\(path)")
        }
        for absent in ["", "x", "x-", "x.", "x/", "x/d", "x/b/", "x/c", "xa", "x1", "aa", "c", "csr/x", "csr/n200.csr", "csr/n1.cs", "z", "e.csr"] {
            #expect(index.entries[absent] == nil, "\(absent)")
        }
    }

    /// Git writes its entries sorted; an index that is not cannot be searched, and gives no answer
    /// rather than a wrong one.
    @Test func anIndexOutOfOrderGivesNoAnswer() throws {
        let dir = try Self.repository(["csr/x1.csr": "one\n", "csr/x2.csr": "two\n"], indexVersion: 2)
        let bytes = try Array(Data(contentsOf: URL(fileURLWithPath: dir.path + "/.git/index")))
        #expect(GitIndex.parse(bytes)?.count == 2)
        // Two entries of one size: 62 bytes, a 10-byte path and its NUL padded to 80.
        let first = 12..<92, second = 92..<172
        #expect(bytes[first].suffix(18).starts(with: Array("csr/x1.csr".utf8)))
        var swapped = bytes
        swapped.replaceSubrange(first, with: bytes[second])
        swapped.replaceSubrange(second, with: bytes[first])
        #expect(GitIndex.parse(swapped) == nil)
    }

    /// The index is the checkout's, not a pull request's, but a damaged one must still give an
    /// answer or none, never a crash: every truncation, and every byte flipped, of a real index.
    @Test(arguments: [2, 4])
    func aDamagedIndexNeverCrashesTheReader(version: Int) throws {
        let dir = try Self.repository(Self.files, indexVersion: version)
        let bytes = try Array(Data(contentsOf: URL(fileURLWithPath: dir.path + "/.git/index")))
        var answered = 0
        for length in 0..<bytes.count where GitIndex.parse(Array(bytes.prefix(length))) != nil { answered += 1 }
        for index in bytes.indices {
            var damaged = bytes
            damaged[index] ^= 0xFF
            _ = GitIndex.parse(damaged)
        }
        // Only cuts inside the trailing extensions and checksum still read as whole indexes.
        #expect(answered < 64)
        #expect(GitIndex.parse(bytes)?.count == Self.files.count)
    }
}
