import Escaping
import YAML

/// One problem found in the manifests, located in a file.
public struct Diagnostic: Sendable, Hashable {
    public enum Severity: String, Sendable, Hashable {
        case error, warning
    }

    public var severity: Severity
    public var message: String
    /// The path as the loader was given it (manifests directory joined with the relative path).
    public var file: String
    /// Nil for problems that belong to no line (an unreadable file, an empty directory).
    public var location: SourceLocation?

    public init(_ severity: Severity, _ message: String, file: String, at location: SourceLocation?) {
        self.severity = severity
        self.message = message
        self.file = file
        self.location = location
    }

    public static func error(_ message: String, file: String, at location: SourceLocation?) -> Diagnostic {
        Diagnostic(.error, message, file: file, at: location)
    }

    public static func warning(_ message: String, file: String, at location: SourceLocation?) -> Diagnostic {
        Diagnostic(.warning, message, file: file, at: location)
    }

    /// `file:line:column: severity: message`, the form compilers use and editors link; the path
    /// and the message (which quotes manifest text) escaped for a terminal, on one line.
    public var headline: String {
        let file = Escape.terminal(self.file), message = Escape.terminal(self.message)
        if let location {
            return "\(file):\(location.line):\(location.column): \(severity.rawValue): \(message)"
        }
        return "\(file): \(severity.rawValue): \(message)"
    }
}

extension Diagnostic: Comparable {
    /// Orders by file, then position, so reports read top to bottom.
    public static func < (lhs: Diagnostic, rhs: Diagnostic) -> Bool {
        if lhs.file != rhs.file { return lhs.file < rhs.file }
        let l = lhs.location ?? SourceLocation(line: 0, column: 0)
        let r = rhs.location ?? SourceLocation(line: 0, column: 0)
        if l != r { return l < r }
        return lhs.message < rhs.message
    }
}
