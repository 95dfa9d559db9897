import Foundation

/// Renders diagnostics for people (with the source line and a caret), as JSON data, and as GitHub
/// workflow annotations.
public struct DiagnosticRenderer {
    /// Source text by file, read on first use; tests can supply it directly.
    private var sources: [String: [Substring]] = [:]
    private let readFile: (String) -> String?

    public init(readFile: @escaping (String) -> String? = { path in
        FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) }
    }) {
        self.readFile = readFile
    }

    /// `file:line:col: error: message`, then the line and a caret under the column.
    public mutating func text(_ diagnostic: Diagnostic) -> String {
        var out = diagnostic.headline
        guard let location = diagnostic.location, let line = sourceLine(diagnostic.file, location.line) else {
            return out
        }
        let number = String(location.line)
        let gutter = String(repeating: " ", count: max(0, 5 - number.count)) + number
        let pad = String(repeating: " ", count: gutter.count)
        // Keep tabs under tabs so that the caret lines up in a terminal.
        let lead = line.prefix(max(0, location.column - 1)).map { $0 == "\t" ? "\t" : " " }.joined()
        out += "\n\(gutter) | \(line)\n\(pad) | \(lead)^"
        return out
    }

    mutating func sourceLine(_ file: String, _ number: Int) -> Substring? {
        if sources[file] == nil {
            guard let text = readFile(file) else { return nil }
            sources[file] = text.split(separator: "\n", omittingEmptySubsequences: false)
        }
        guard let lines = sources[file], number >= 1, number <= lines.count else { return nil }
        var line = lines[number - 1]
        if line.hasSuffix("\r") { line = line.dropLast() }
        return line
    }

    /// `::error file=…,line=…,col=…::message` for GitHub Actions.
    public static func annotation(_ diagnostic: Diagnostic) -> String {
        var properties = "file=\(escapeProperty(diagnostic.file))"
        if let location = diagnostic.location {
            properties += ",line=\(location.line),col=\(location.column)"
        }
        return "::\(diagnostic.severity.rawValue) \(properties)::\(escapeData(diagnostic.message))"
    }

    static func escapeData(_ text: String) -> String {
        text.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "\r", with: "%0D")
            .replacingOccurrences(of: "\n", with: "%0A")
    }

    static func escapeProperty(_ text: String) -> String {
        escapeData(text).replacingOccurrences(of: ":", with: "%3A").replacingOccurrences(of: ",", with: "%2C")
    }
}
