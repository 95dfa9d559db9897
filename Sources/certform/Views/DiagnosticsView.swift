import Escaping
import Files
import JSON
import Manifests

/// Manifest diagnostics for people (text with the source line), for scripts (JSON), and for
/// GitHub Actions (annotations, on standard error so that JSON on standard output always parses).
enum DiagnosticsView {
    enum Format { case text, json, quietText }

    /// Diagnostics printed per file; the rest are counted, so that output stays proportional to
    /// the number of files, not to what one hostile file holds.
    static let perFileLimit = 50

    static func report(_ set: ManifestSet, format: Format) {
        let shown = capped(set.diagnostics)
        if Environment.value("GITHUB_ACTIONS") == "true" {
            for diagnostic in shown {
                Console.error(rendered: DiagnosticRenderer.annotation(diagnostic))
            }
        }
        switch format {
        case .json:
            Console.out(rendered: JSONWriter.pretty(json(set, shown: shown)))
        case .text, .quietText:
            var renderer = DiagnosticRenderer()
            for diagnostic in shown {
                Console.error(rendered: renderer.text(diagnostic))
            }
            if format == .text || set.hasErrors {
                if set.hasErrors { Console.error(summary(set)) } else { Console.out(summary(set)) }
            }
        }
    }

    /// The first ``perFileLimit`` diagnostics of each file, then one that says how many more
    /// there are.
    static func capped(_ diagnostics: [Diagnostic]) -> [Diagnostic] {
        // By the file's bytes: two names that spell é differently are two files.
        var perFile: [PathKey: Int] = [:]
        var shown: [Diagnostic] = []
        var hidden: [PathKey: (count: Int, errors: Bool)] = [:]
        for diagnostic in diagnostics {
            let file = PathKey(diagnostic.file)
            let count = perFile[file, default: 0]
            perFile[file] = count + 1
            if count < perFileLimit {
                shown.append(diagnostic)
            } else {
                let before = hidden[file] ?? (0, false)
                hidden[file] = (before.count + 1, before.errors || diagnostic.severity == .error)
            }
        }
        for (file, more) in hidden.sorted(by: { $0.key.path.utf8.lexicographicallyPrecedes($1.key.path.utf8) }) {
            shown.append(Diagnostic(more.errors ? .error : .warning,
                                    "\(more.count) more problem\(plural(more.count)) in this file not shown; fix the ones above and validate again",
                                    file: file.path, at: nil))
        }
        return shown
    }

    /// "3 certificates in 2 files: 0 errors, 1 warning".
    static func summary(_ set: ManifestSet) -> TerminalText {
        let warnings = set.diagnostics.count - set.errorCount
        return "\(set.certificates.count) certificate\(plural(set.certificates.count)) in \(set.files.count) file\(plural(set.files.count)): \(set.errorCount) error\(plural(set.errorCount)), \(warnings) warning\(plural(warnings))"
    }

    /// `{"diagnostics": [{"file", "line", "column", "severity", "message"}], "certificates": N}`;
    /// messages are cut as in the text form.
    static func json(_ set: ManifestSet, shown: [Diagnostic]) -> JSONValue {
        let diagnostics: [JSONValue] = shown.map {
            ["file": .string($0.file), "line": JSONValue($0.location?.line), "column": JSONValue($0.location?.column),
             "severity": .string($0.severity.rawValue), "message": .string(Escape.terminal($0.message))]
        }
        return ["diagnostics": .array(diagnostics), "certificates": .int(set.certificates.count)]
    }
}

/// "s" for counts other than one.
func plural(_ count: Int) -> String { count == 1 ? "" : "s" }
