import JSON
import Manifests

/// Manifest diagnostics for people (text with the source line), for scripts (JSON), and for
/// GitHub Actions (annotations).
enum DiagnosticsView {
    enum Format { case text, json, quietText }

    static func report(_ set: ManifestSet, format: Format) {
        if Environment.value("GITHUB_ACTIONS") == "true" {
            for diagnostic in set.diagnostics {
                Console.out(DiagnosticRenderer.annotation(diagnostic))
            }
        }
        switch format {
        case .json:
            Console.out(JSONWriter.pretty(json(set)), terminator: "")
        case .text, .quietText:
            var renderer = DiagnosticRenderer()
            for diagnostic in set.diagnostics {
                Console.error(renderer.text(diagnostic))
            }
            if format == .text || set.hasErrors {
                if set.hasErrors { Console.error(summary(set)) } else { Console.out(summary(set)) }
            }
        }
    }

    /// "3 certificates in 2 files: 0 errors, 1 warning".
    static func summary(_ set: ManifestSet) -> String {
        let warnings = set.diagnostics.count - set.errorCount
        return "\(set.certificates.count) certificate\(plural(set.certificates.count)) in \(set.files.count) file\(plural(set.files.count)): \(set.errorCount) error\(plural(set.errorCount)), \(warnings) warning\(plural(warnings))"
    }

    /// `{"diagnostics": [{"file", "line", "column", "severity", "message"}], "certificates": N}`.
    static func json(_ set: ManifestSet) -> JSONValue {
        let diagnostics: [JSONValue] = set.diagnostics.map {
            ["file": .string($0.file), "line": JSONValue($0.location?.line), "column": JSONValue($0.location?.column),
             "severity": .string($0.severity.rawValue), "message": .string($0.message)]
        }
        return ["diagnostics": .array(diagnostics), "certificates": .int(set.certificates.count)]
    }
}

/// "s" for counts other than one.
func plural(_ count: Int) -> String { count == 1 ? "" : "s" }
