import CertformTestSupport
import Foundation
import Testing

/// `make dist` makes a relocatable tarball. The test runs the real thing — `make dist`, a release
/// build linked with `--static-swift-stdlib` (about 8.5 minutes cold on the project's 2-core
/// machine) — in a stage of its own (.build/dist-test) into a temporary folder, holding
/// /tmp/certform-release.lock as every release build here does; then it checks the checksum and
/// the contents, unpacks the tarball into an empty folder, and runs the binaries from there with
/// LD_LIBRARY_PATH empty: `certform --version`, `validate` and `plan` on the shipped example (the
/// plan must equal the one the tested build prints), its third-party notices, and the action's
/// download step on the tarball.
@Suite(.serialized) struct DistTests {
    static let asOf = "2026-12-01T00:00:00Z"

    @Test(.timeLimit(.minutes(60)))
    func theTarballRunsFromAnEmptyFolderWithNoSwiftRuntime() throws {
        let out = TemporaryDirectory()
        let started = Date()
        // nice: the other tests run meanwhile, some with timeouts of their own. `make test` runs
        // this same `make dist` before `swift test`, so that here it only finds its stage built.
        let build = try Subprocess.run("/usr/bin/env", ["flock", "/tmp/certform-release.lock", "nice", "-n", "19", "make", "dist", "CONFIGURATION=release",
                                                        "DIST_DIR=\(out.path)", "STAGE_DIR=.build/dist-test"], in: CLI.root)
        try #require(build.status == 0, "make dist failed:\n\(build.stdout.suffix(3000))\n\(build.stderr.suffix(3000))")
        print("DistTests: make dist took \(Int(Date().timeIntervalSince(started))) s")

        let package = try Self.packageName()
        let tarball = out.path + "/\(package).tar.gz"
        try Self.checkChecksum(of: tarball, package: package, in: out.path)
        #expect(try Self.listing(tarball) == Self.expectedListing(package))

        let unpacked = TemporaryDirectory()
        #expect(try FileManager.default.contentsOfDirectory(atPath: unpacked.path).isEmpty)
        let untar = try Subprocess.run("/usr/bin/env", ["tar", "-xzf", tarball, "-C", unpacked.path])
        try #require(untar.status == 0, "\(untar.stderr)")
        let bin = unpacked.path + "/" + package
        for binary in ["certform", "certcentral-sandbox"] {
            try Self.checkLinkage(bin + "/" + binary)
        }
        try Self.checkRunsFromThere(bin)
        try Self.checkCompletions(bin + "/completions")
        let notices = try String(contentsOfFile: bin + "/THIRD-PARTY-NOTICES.txt", encoding: .utf8)
        try ThirdPartyNoticesTests.check(notices, against: CLI.root + "/.build/dist-test/Package.resolved")
        try Self.checkActionDownloadStep(tarball: tarball, package: package)
    }

    static func version() throws -> String {
        try String(contentsOfFile: CLI.root + "/VERSION", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// `certform-VERSION-linux-ARCH`, as scripts/dist.sh names it.
    static func packageName() throws -> String {
        let version = try version()
        let machine = try Subprocess.run("/usr/bin/env", ["uname", "-m"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let arch = ["amd64": "x86_64", "arm64": "aarch64"][machine] ?? machine
        return "certform-\(version)-linux-\(arch)"
    }

    static func expectedListing(_ package: String) -> [String] {
        ["", "CHANGELOG.md", "LICENSE", "README.md", "THIRD-PARTY-NOTICES.txt", "certcentral-sandbox", "certform", "completions/",
         "completions/_certform", "completions/certform.bash", "completions/certform.fish"].map { "\(package)/\($0)" }
    }

    static func listing(_ tarball: String) throws -> [String] {
        let result = try Subprocess.run("/usr/bin/env", ["tar", "-tzf", tarball])
        try #require(result.status == 0, "\(result.stderr)")
        return result.stdout.split(separator: "\n").map(String.init).sorted()
    }

    static func checkChecksum(of tarball: String, package: String, in directory: String) throws {
        let line = try String(contentsOfFile: tarball + ".sha256", encoding: .utf8)
        #expect(line.range(of: "^[0-9a-f]{64}  \(package)\\.tar\\.gz\n$", options: .regularExpression) != nil, "\(line)")
        let check = try Subprocess.run("/usr/bin/env", ["sha256sum", "--check", "--strict", "\(package).tar.gz.sha256"], in: directory)
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
    }

    /// Only the C and C++ runtime, zlib and libyaml: no Swift library, nothing unresolved.
    static func checkLinkage(_ binary: String) throws {
        let ldd = try Subprocess.run("/usr/bin/env", ["ldd", binary], environment: ["LD_LIBRARY_PATH": ""])
        try #require(ldd.status == 0, "ldd \(binary): \(ldd.stderr)")
        let allowed = #"^(linux-vdso|linux-gate|(/[^ ]*/)?ld-linux[-a-z0-9_]*|libc|libm|libstdc\+\+|libgcc_s|libpthread|libdl|librt|libutil|libz|libyaml-0)\.so"#
        let libraries = ldd.stdout.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        #expect(!libraries.isEmpty)
        for library in libraries {
            #expect(library.range(of: "swift|Foundation|dispatch|BlocksRuntime", options: [.regularExpression, .caseInsensitive]) == nil,
                    "\(binary) loads a Swift library: \(library)")
            #expect(!library.contains("not found"), "\(binary): \(library)")
            #expect(library.range(of: allowed, options: .regularExpression) != nil, "\(binary) needs \(library)")
        }
    }

    /// From the unpacked folder, with no library path and a bare PATH.
    static func checkRunsFromThere(_ bin: String) throws {
        let environment = ["LD_LIBRARY_PATH": "", "PATH": "/usr/bin:/bin"]
        let printed = try CLI.run(["--version"], environment: environment, executable: bin + "/certform")
        let expected = try Self.version()
        let head = try TestTools.git(["rev-parse", "HEAD"]).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(["\(expected) (commit \(head))\n", "\(expected) (commit \(head)-dirty)\n"].contains(printed.stdout),
                "--version printed \(printed.stdout) \(printed.stderr)")

        let repo = try ActionTests.exampleRepository()
        let validate = try CLI.run(["validate"], in: repo.path, environment: environment, executable: bin + "/certform")
        #expect(validate.status == 0, "\(validate.stdout)\(validate.stderr)")
        let arguments = ["plan", "--as-of", asOf, "--detailed-exitcode"]
        let plan = try CLI.run(arguments, in: repo.path, environment: environment, executable: bin + "/certform")
        let tested = try CLI.run(arguments, in: repo.path)
        #expect(plan.status == 2, "\(plan.stderr)")
        #expect(plan.stdout == tested.stdout && plan.status == tested.status, "the shipped binary plans differently:\n\(plan.stdout)")
        #expect(plan.stdout.contains("2 paid orders"))

        let sandbox = try CLI.run(["--help"], environment: environment, executable: bin + "/certcentral-sandbox")
        #expect(sandbox.status == 0 && sandbox.stdout.contains("USAGE: certcentral-sandbox"), "\(sandbox.stdout)\(sandbox.stderr)")
    }

    static func checkCompletions(_ directory: String) throws {
        let markers = ["certform.bash": "-F _certform certform", "_certform": "#compdef certform", "certform.fish": "complete -c 'certform'"]
        for (file, marker) in markers {
            let text = try String(contentsOfFile: directory + "/" + file, encoding: .utf8)
            #expect(text.contains(marker), "\(file) is not a completion script")
            #expect(text.contains("validate") && text.contains("plan"), "\(file) lacks the commands")
        }
    }

    /// action.yml's download step, given the tarball as a file:// URL: it verifies the checksum
    /// and unpacks a working certform; with a tampered tarball it fails and installs nothing.
    static func checkActionDownloadStep(tarball: String, package: String) throws {
        let tools = TemporaryDirectory()
        let good = try ActionTests.runStep("Download and verify certform", in: tools.path, runner: TemporaryDirectory(), environment: [
            "URL": "file://" + tarball, "NAME": package, "DIR": tools.path + "/installed",
        ])
        #expect(good.result.status == 0, "\(good.result.stdout)\(good.result.stderr)")
        let installed = try CLI.run(["--version"], environment: ["LD_LIBRARY_PATH": ""], executable: tools.path + "/installed/certform")
        #expect(installed.status == 0)

        let tampered = TemporaryDirectory()
        var bytes = try Data(contentsOf: URL(fileURLWithPath: tarball))
        bytes[bytes.count / 2] ^= 0xFF
        tampered.write("\(package).tar.gz", bytes)
        try FileManager.default.copyItem(atPath: tarball + ".sha256", toPath: tampered.path + "/\(package).tar.gz.sha256")
        let bad = try ActionTests.runStep("Download and verify certform", in: tools.path, runner: TemporaryDirectory(), environment: [
            "URL": "file://\(tampered.path)/\(package).tar.gz", "NAME": package, "DIR": tools.path + "/refused",
        ])
        #expect(bad.result.status != 0, "a tampered tarball was installed")
        #expect(bad.result.stdout.contains("FAILED") || bad.result.stderr.contains("FAILED"), "\(bad.result.stdout)\(bad.result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: tools.path + "/refused/certform"))
    }
}
