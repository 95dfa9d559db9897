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

    @Test func manifestsWithErrorsAreCountedAndNotTimed() throws {
        let dir = TemporaryDirectory()
        dir.write("manifests/web.yaml", "apiVersion: certform/v1\ncertificates:\n  web:\n    dns_name: [a.example.com]\n")
        let run = try CLI.run([dir.path + "/manifests", "--runs", "1"], executable: "certform-load-bench")
        #expect(run.status == 1, "\(run.stdout)\(run.stderr)")
        #expect(run.stderr.contains("problems: run 'certform validate --manifests \(dir.path)/manifests' to see them"), "\(run.stderr)")
        #expect(!run.stderr.contains("Fatal error"))
        #expect(!run.stdout.contains("ratio"))
    }
}
