import Escaping
import Files
import Foundation

/// Renders diagnostics for people (with the source line and a caret), as JSON data, and as GitHub
/// workflow annotations.
public struct DiagnosticRenderer {
    /// Source text by file, read on first use; tests can supply it directly.
    private var sources: [PathKey: [Substring]] = [:]
    private let readFile: (String) -> String?

    /// By default a source is read as the loader reads manifests: a regular file of bounded size
    /// (never a FIFO or device swapped in after the load), or no excerpt at all.
    public init(readFile: @escaping (String) -> String? = { path in
        guard case .success(let bytes) = FileBytes.read(path, limit: ManifestLoader.manifestSizeLimit) else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }) {
        self.readFile = readFile
    }

    /// `file:line:col: error: message`, then the line and a caret under the column. The line is
    /// cut to about ``excerptWidth`` characters around the column and escaped, so that one
    /// enormous or hostile line prints a bounded, inert excerpt however many problems it holds.
    public mutating func text(_ diagnostic: Diagnostic) -> String {
        var out = diagnostic.headline
        guard let location = diagnostic.location, let line = sourceLine(diagnostic.file, location.line) else {
            return out
        }
        let (excerpt, caretColumn) = Self.excerpt(line, column: location.column)
        let number = String(location.line)
        let gutter = String(repeating: " ", count: max(0, 5 - number.count)) + number
        let pad = String(repeating: " ", count: gutter.count)
        // Keep tabs under tabs so that the caret lines up in a terminal.
        let lead = excerpt.prefix(max(0, caretColumn - 1)).map { $0 == "\t" ? "\t" : " " }.joined()
        out += "\n\(gutter) | \(excerpt)\n\(pad) | \(lead)^"
        return out
    }

    /// Characters of a source line shown around the column.
    public static let excerptWidth = 200

    /// At most ``excerptWidth`` characters of `line` around `column` (1-based), with `…` where it
    /// was cut, and the caret's column within the excerpt. Control characters other than tabs
    /// are replaced by `·` so that the caret stays under its character.
    static func excerpt(_ line: Substring, column: Int) -> (String, Int) {
        let characters = Array(line)
        let half = excerptWidth / 2
        let start = max(0, min(column - 1 - half, characters.count - excerptWidth))
        let end = min(characters.count, start + excerptWidth)
        var text = start > 0 ? "…" : ""
        for character in characters[start..<end] {
            let control = character != "\t" && character.unicodeScalars.contains(where: Escape.isControl)
            text.append(control ? "·" : character)
        }
        if end < characters.count { text += "…" }
        return (text, column - start + (start > 0 ? 1 : 0))
    }

    mutating func sourceLine(_ file: String, _ number: Int) -> Substring? {
        if sources[PathKey(file)] == nil {
            guard let text = readFile(file) else { return nil }
            sources[PathKey(file)] = text.split(separator: "\n", omittingEmptySubsequences: false)
        }
        guard let lines = sources[PathKey(file)], number >= 1, number <= lines.count else { return nil }
        var line = lines[number - 1]
        if line.hasSuffix("\r") { line = line.dropLast() }
        return line
    }

    /// `::error file=…,line=…,col=…::message` for GitHub Actions (printed on standard error, so
    /// that JSON on standard output always parses); the path and message can never end the
    /// command or start another.
    public static func annotation(_ diagnostic: Diagnostic) -> String {
        var properties = "file=\(Escape.annotationProperty(diagnostic.file))"
        if let location = diagnostic.location {
            properties += ",line=\(location.line),col=\(location.column)"
        }
        return "::\(diagnostic.severity.rawValue) \(properties)::\(Escape.annotationData(diagnostic.message))"
    }
}
