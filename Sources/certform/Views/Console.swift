import Escaping
import Foundation

/// Where every view writes: standard output for results, standard error for problems and notes.
///
/// A line is a ``TerminalText``: its interpolated values are escaped as it is built, so that text
/// from a manifest, a state file, a saved plan or CertCentral never reaches the terminal or a CI
/// log raw. A block that a renderer built from escaped fields goes through `rendered:`, which still
/// escapes every control character but newlines and tabs.
enum Console {
    static func out(_ text: TerminalText, terminator: String = "\n") {
        write(text.text + terminator, to: .standardOutput)
    }

    static func out(rendered text: String, terminator: String = "") {
        write(Escape.terminalBlock(text) + terminator, to: .standardOutput)
    }

    /// A line on standard error, after flushing standard output so that the two interleave as
    /// they happened.
    static func error(_ text: TerminalText) {
        flush()
        FileHandle.standardError.write(Data((text.text + "\n").utf8))
    }

    static func error(rendered text: String) {
        flush()
        FileHandle.standardError.write(Data((Escape.terminalBlock(text) + "\n").utf8))
    }

    enum Stream { case standardOutput }

    static func write(_ text: String, to stream: Stream) {
        print(text, terminator: "")
    }

    /// Flushes buffered standard output, so that progress appears as it happens.
    static func flush() {
        fflush(nil)
    }
}
