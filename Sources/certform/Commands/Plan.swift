import CertCentralAPI
import ArgumentParser
import Dates
import Foundation
import JSON
import Manifests
import Plans
import States

struct Plan: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show which orders, renewals and reissues apply would send.",
        discussion: """
        Reads the manifests and the state file, decides one action per certificate, and prints the plan. Makes no network call. The same inputs and --as-of always print the same plan.

        Actions: create and renew are paid orders; reissue is free; wait, none, orphan and blocked send nothing. A blocked certificate needs a person's decision and makes plan exit 1.

        Exit status: 0 success; with --detailed-exitcode, 0 no changes, 2 changes present; 1 errors or a blocked certificate; 64 usage error.

        Examples:
          certform plan
          certform plan --format markdown --detailed-exitcode
          certform plan --as-of 2027-05-20T00:00:00Z --out plan.json
        """)

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json, markdown
    }

    @OptionGroup var manifestOptions: ManifestOptions
    @OptionGroup var stateOptions: StateOptions
    @OptionGroup var output: OutputOptions

    @Option(help: "Output format: text, json or markdown.")
    var format: Format = .text

    @Option(help: ArgumentHelp("Also write the JSON plan to this file, for 'certform apply FILE'.", valueName: "file"))
    var out: String?

    @Option(name: .customLong("as-of"), help: ArgumentHelp("Plan as of this time instead of now (2026-12-01T00:00:00Z or 2026-12-01).", valueName: "time"))
    var asOf: AsOfTime?

    @Flag(name: .customLong("detailed-exitcode"), help: "Exit 2 when the plan has changes, 0 when it has none.")
    var detailedExitcode = false

    func run() throws {
        let now = Date()
        let asOf = self.asOf?.date ?? now
        var timings = PhaseTimings()
        // The state file is read on another thread while the manifests load (most of which is
        // libyaml on one core); a large state then costs little extra time.
        let stateOptions = self.stateOptions
        let stateResult = InBackground { () -> Result<(State, LockInfo?), StateError> in
            Result { () throws(StateError) in
                let backend = try stateOptions.backend()
                defer { backend.close() }
                return (try backend.load(), backend.currentHolder())
            }
        }
        let manifests = timings.measure("load manifests") {
            ManifestLoader(directory: manifestOptions.manifests, asOf: CalendarDate(asOf)).load()
        }
        DiagnosticOutput.report(manifests, format: .quietText)
        if manifests.hasErrors { throw ExitCode.failure }
        let (state, holder) = try timings.measure("load state (rest)") {
            try Failure.report { () throws(StateError) in try stateResult.value.get() }
        }
        if let holder {
            // Plan takes no lock; a writer at work may change the state under this plan.
            Console.error("note: the state is locked by \(holder.summary); this plan may be out of date when it finishes")
        }

        let plan = timings.measure("plan") {
            Planner().plan(manifests: manifests.certificates, state: state, asOf: asOf,
                           manifestsDigest: manifests.digest, fileCount: manifests.files.count)
        }
        defer { timings.report() }
        switch format {
        case .text: print(TextRenderer(color: output.usesColor).render(plan), terminator: "")
        case .json: print(PlanDocument.render(plan), terminator: "")
        case .markdown: print(MarkdownRenderer().render(plan), terminator: "")
        }
        if let out {
            try Failure.report { () throws(StateError) in
                try StateStore.writeAtomically(JSONWriter.pretty(PlanDocument.json(plan, createdAt: now)), to: out)
            }
        }
        if let summaryFile = Environment.value("GITHUB_STEP_SUMMARY") {
            StepSummary.append(MarkdownRenderer().render(plan), to: summaryFile)
        }
        let summary = plan.summary
        if summary[.blocked] > 0 {
            Console.error("error: \(summary[.blocked]) certificate\(summary[.blocked] == 1 ? " is" : "s are") blocked; see the reasons above")
            throw ExitCode.failure
        }
        if detailedExitcode && summary.hasChanges { throw ExitCode(2) }
    }
}

/// `--as-of`: an RFC 3339 time or a plain date (midnight UTC).
struct AsOfTime: ExpressibleByArgument {
    var date: Date

    init?(argument: String) {
        if let date = Timestamp.parse(argument) {
            self.date = date
        } else if let day = CalendarDate(argument) {
            self.date = day.startDate
        } else {
            return nil
        }
    }

    static var defaultCompletionKind: CompletionKind { .default }
}

enum StepSummary {
    /// Appends `markdown` to the GitHub job summary file; a failure to do so is only a warning.
    static func append(_ markdown: String, to path: String) {
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

/// How long each phase of a command took, printed to standard error when `CERTFORM_TIMINGS` is
/// set (for benchmarks and for finding what is slow on a large repository).
struct PhaseTimings {
    private var phases: [(String, Duration)] = []
    private let start = ContinuousClock.now

    mutating func measure<T>(_ phase: String, _ body: () throws -> T) rethrows -> T {
        let begin = ContinuousClock.now
        defer { phases.append((phase, ContinuousClock.now - begin)) }
        return try body()
    }

    func report() {
        guard Environment.value("CERTFORM_TIMINGS") != nil else { return }
        let parts = (phases + [("total", ContinuousClock.now - start)]).map { name, duration in
            let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
            return "\(name) \((seconds * 1000).rounded() / 1000) s"
        }
        Console.error("timings: " + parts.joined(separator: ", "))
    }
}

/// Runs `body` on a thread of its own at once; ``value`` waits for its result.
final class InBackground<Value: Sendable>: @unchecked Sendable {
    private var result: Value?
    private let done = DispatchSemaphore(value: 0)

    init(_ body: @escaping @Sendable () -> Value) {
        Thread { [self] in
            result = body()
            done.signal()
        }.start()
    }

    /// The result, once `body` has returned.
    var value: Value {
        done.wait()
        defer { done.signal() }  // so that a second read does not wait forever
        return result!
    }
}
