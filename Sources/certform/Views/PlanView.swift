import ArgumentParser
import Dates
import Escaping
import Foundation
import JSON
import Plans

/// A plan in the format asked for, and in GitHub's job summary when there is one.
enum PlanView {
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json, markdown
    }

    static func render(_ plan: Plan, format: Format, color: Bool) -> String {
        switch format {
        case .text: return TextRenderer(color: color).render(plan)
        case .json: return PlanDocument.render(plan)
        case .markdown: return MarkdownRenderer().render(plan)
        }
    }

    static func show(_ plan: Plan, format: Format, color: Bool) {
        let text = render(plan, format: format, color: color)
        // The text renderer escapes every field and adds colour codes of its own.
        Console.out(format == .text ? TerminalText(escapedFields: text) : TerminalText(rendered: text), terminator: "")
        if let summaryFile = Environment.value("GITHUB_STEP_SUMMARY") {
            appendStepSummary(MarkdownRenderer().render(plan), to: summaryFile)
        }
    }

    static func lockedNote(_ holderSummary: String) {
        Console.error("note: the state is locked by \(holderSummary); this plan may be out of date when it finishes")
    }

    /// `{"error": "…"}` on standard output, for `--format json` when there is no plan to print
    /// (the message also goes to standard error, as for every format).
    static func errorJSON(_ message: String) {
        Console.out(rendered: JSONWriter.pretty(["error": .string(Escape.terminal(message))]))
    }

    /// A plan saved for a later time than now, which apply refuses.
    static func savedForLaterTime(_ path: String, asOf: Date) {
        Console.error("warning: '\(path)' is a plan as of \(Timestamp.format(asOf)), later than now: 'certform apply \(path)' refuses a saved plan for a later time; to rehearse it against the sandbox, run 'certform apply --as-of \(Timestamp.format(asOf))' without a file")
    }

    static func blocked(_ count: Int) {
        Console.error("error: \(count) certificate\(count == 1 ? " is" : "s are") blocked; see the reasons above")
    }

    /// Appends `markdown` to the GitHub job summary file; a failure to do so is only a warning.
    static func appendStepSummary(_ markdown: String, to path: String) {
        guard let handle = FileHandle(forWritingAtPath: path) ?? {
            FileManager.default.createFile(atPath: path, contents: nil) ? FileHandle(forWritingAtPath: path) : nil
        }() else {
            Console.error("warning: cannot write the job summary '\(path)'")
            return
        }
        handle.seekToEndOfFile()
        handle.write(Data((markdown + "\n").utf8))
        try? handle.close()
    }
}
