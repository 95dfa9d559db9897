import CertformTestSupport
import Foundation
import Testing

/// `certform-load-bench` (bench/LoadBenchmark), which BENCHMARKS.md tells people to run by hand:
/// it answers `--help`, and a wrong argument or a manifest with errors is a message and an exit
/// status, not a crash with a backtrace (as `--help` was, read as a directory).
@Suite struct LoadBenchToolTests {
    @Test func helpSaysWhatItMeasures() throws {
        let help = try CLI.run(["--help"], executable: "certform-load-bench")
        #expect(help.status == 0, "\(help.stderr)")
        #expect(help.stdout.hasPrefix("usage: certform-load-bench MANIFESTS_DIR [--runs N] [--profile tree|load|csr]"))
        #expect(help.stderr.isEmpty)
    }

    @Test(arguments: [
        ([], "usage: certform-load-bench"),
        (["/nonexistent-certform-dir"], "/nonexistent-certform-dir is not a directory of manifests"),
        (["--runs", "0", "."], "--runs takes a number of runs, 1 or more"),
        ([".", "--profile", "everything"], "--profile takes tree, load or csr"),
    ])
    func aWrongArgumentIsAUsageError(arguments: [String], message: String) throws {
        let run = try CLI.run(arguments, executable: "certform-load-bench")
        #expect(run.status == 64, "\(run.stdout)\(run.stderr)")
        #expect(run.stderr.contains(message), "\(run.stderr)")
        #expect(!run.stderr.contains("Fatal error"))
    }

    /// `--profile csr` on both shapes the bench generates: CSR files straight under `csr/`
    /// (large) and in a directory per manifest (lean, where the directory was read as a file).
    @Test(arguments: [false, true])
    func theCSRProfileReadsEveryCSRWhereverItIs(inDirectories: Bool) throws {
        let dir = TemporaryDirectory()
        dir.write("manifests/web.yaml", "apiVersion: certform/v1\n")
        dir.write(inDirectories ? "csr/group-000/web.csr" : "csr/web.csr", TestCSR.make(commonName: "a.example.com"))
        let run = try CLI.run([dir.path + "/manifests", "--profile", "csr", "--runs", "1"], executable: "certform-load-bench")
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(run.stderr.isEmpty, "\(run.stderr)")
    }

    @Test func theCSRProfileWithNoCSRSaysWhereItLooked() throws {
        let dir = TemporaryDirectory()
        dir.write("manifests/web.yaml", "apiVersion: certform/v1\n")
        let run = try CLI.run([dir.path + "/manifests", "--profile", "csr", "--runs", "1"], executable: "certform-load-bench")
        #expect(run.status == 64, "\(run.stdout)\(run.stderr)")
        #expect(run.stderr.contains("--profile csr found no .csr file under \(dir.path)/manifests/../csr"), "\(run.stderr)")
    }

    @Test func manifestsWithErrorsAreCountedAndNotTimed() throws {
        let dir = TemporaryDirectory()
        dir.write("manifests/web.yaml", "apiVersion: certform/v1\ncertificates:\n  web:\n    dns_name: [a.example.com]\n")
        let run = try CLI.run([dir.path + "/manifests", "--runs", "1"], executable: "certform-load-bench")
        #expect(run.status == 1, "\(run.stdout)\(run.stderr)")
        #expect(run.stderr.range(of: #"the manifests have [2-9][0-9]* problems: run 'certform validate --manifests "# + NSRegularExpression.escapedPattern(for: dir.path)
                                 + #"/manifests' to see them"#, options: .regularExpression) != nil, "\(run.stderr)")
        #expect(!run.stderr.contains("Fatal error"))
        #expect(!run.stdout.contains("ratio"))
    }

    /// One problem, said in the singular: a directory with no manifest in it.
    @Test func anEmptyDirectoryIsOneProblem() throws {
        let dir = TemporaryDirectory()
        dir.write("manifests/README", "not a manifest\n")
        let run = try CLI.run([dir.path + "/manifests", "--runs", "1"], executable: "certform-load-bench")
        #expect(run.status == 1, "\(run.stdout)\(run.stderr)")
        #expect(run.stderr.contains("the manifests have 1 problem: run"), "\(run.stderr)")
    }
}
