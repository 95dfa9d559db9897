import ArgumentParser
import Dates
import Foundation
import Manifests

struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check the manifests and report every problem.",
        discussion: """
        Reads every *.yaml and *.yml file under the manifests directory and checks it against the rules of the manifest format: YAML syntax, keys and types, DNS names, wildcards, DCV e-mail domains, dates and CSRs. Every problem is reported with its file, line and column.

        Exit status: 0 when there are no errors (warnings are printed), 1 otherwise.

        Examples:
          certform validate
          certform validate --manifests deploy/certs --format json
        """)

    @OptionGroup var manifestOptions: ManifestOptions

    @Option(help: "Output format: text or json.")
    var format: StateView.Format = .text

    func run() throws {
        // Every CSR is verified (validate reads no state to vouch for one); none is held as text.
        let set = ManifestLoader(directory: manifestOptions.manifests, asOf: CalendarDate(Date()), keepsCSRText: false).load()
        DiagnosticsView.report(set, format: format == .json ? .json : .text)
        KeptUntilExit.keep(set)
        if set.hasErrors { throw ExitCode.failure }
    }
}

/// How commands that load manifests print what the loader found.
