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

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    @OptionGroup var manifestOptions: ManifestOptions

    @Option(help: "Output format: text or json.")
    var format: Format = .text

    func run() throws {
        let set = ManifestLoader(directory: manifestOptions.manifests, asOf: CalendarDate(Date())).load()
        DiagnosticOutput.report(set, format: format == .json ? .json : .text)
        if set.hasErrors { throw ExitCode.failure }
    }
}

/// How commands that load manifests print what the loader found.
enum DiagnosticOutput {
    enum Format { case text, json, quietText }

    static func report(_ set: ManifestSet, format: Format) {
        if Environment.value("GITHUB_ACTIONS") == "true" {
            for diagnostic in set.diagnostics {
                print(DiagnosticRenderer.annotation(diagnostic))
            }
        }
        switch format {
        case .json:
            print(json(set))
        case .text, .quietText:
            var renderer = DiagnosticRenderer()
            for diagnostic in set.diagnostics {
                Console.error(renderer.text(diagnostic))
            }
            if format == .text || set.hasErrors {
                let warnings = set.diagnostics.count - set.errorCount
                let summary = "\(set.certificates.count) certificate\(set.certificates.count == 1 ? "" : "s") in \(set.files.count) file\(set.files.count == 1 ? "" : "s"): \(set.errorCount) error\(set.errorCount == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s")"
                if set.hasErrors { Console.error(summary) } else { print(summary) }
            }
        }
    }

    /// `{"certificates": N, "diagnostics": [{file, line, column, severity, message}]}`.
    static func json(_ set: ManifestSet) -> String {
        struct Item: Encodable {
            var file: String
            var line: Int?
            var column: Int?
            var severity: String
            var message: String

            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encode(file, forKey: .file)
                try container.encode(line, forKey: .line)
                try container.encode(column, forKey: .column)
                try container.encode(severity, forKey: .severity)
                try container.encode(message, forKey: .message)
            }

            enum CodingKeys: String, CodingKey { case file, line, column, severity, message }
        }
        struct Document: Encodable {
            var diagnostics: [Item]
            var certificates: Int
        }
        let document = Document(
            diagnostics: set.diagnostics.map {
                Item(file: $0.file, line: $0.location?.line, column: $0.location?.column, severity: $0.severity.rawValue, message: $0.message)
            },
            certificates: set.certificates.count)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(document)) ?? Data("{}".utf8), as: UTF8.self)
    }
}
