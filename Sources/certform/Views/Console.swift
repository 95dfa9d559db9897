import Foundation

/// Where every view writes: standard output for results, standard error for problems and notes.
enum Console {
    /// A line (or block) on standard output.
    static func out(_ text: String, terminator: String = "\n") {
        print(text, terminator: terminator)
    }

    /// A line on standard error, after flushing standard output so that the two interleave as
    /// they happened.
    static func error(_ text: String) {
        flush()
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    /// Flushes buffered standard output, so that progress appears as it happens.
    static func flush() {
        fflush(nil)
    }
}
