import Apply
import ArgumentParser
import CertCentralAPI
import Dates
import Foundation
import JSON
import Manifests
import Plans
import States

struct PlanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Show which orders, renewals and reissues apply would send.",
        discussion: """
        Reads the manifests and the state file, decides one action per certificate, and prints the plan. Makes no network call. The same inputs and --as-of always print the same plan.

        Actions: create and renew are paid orders; reissue is free; wait, none, orphan and blocked send nothing. A blocked certificate needs a person's decision and makes plan exit 1.

        Exit status: 0 success; with --detailed-exitcode, 0 no changes, 2 changes present; 1 errors or a blocked certificate; 64 usage error.

        Examples:
          certform plan
          certform plan --format markdown --detailed-exitcode
          certform plan --out plan.json
          certform plan --as-of 2027-05-20T00:00:00Z

        A plan saved with --out is applied by 'certform apply FILE' only if its --as-of is not later than when it was made (a later one would turn coverage into renewals); to rehearse a later time, run 'certform apply --as-of TIME' without a file, against the sandbox (against CertCentral it buys what that time's plan holds, today).
        """)

    @OptionGroup var manifestOptions: ManifestOptions
    @OptionGroup var stateOptions: StateOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var api: APIOptions
    @OptionGroup var pricing: PricingOptions

    @Option(help: "Output format: text, json or markdown.")
    var format: PlanView.Format = .text

    @Option(help: ArgumentHelp("Also write the JSON plan to this file, for 'certform apply FILE'.", valueName: "file"),
            completion: .file(extensions: ["json"]))
    var out: String?

    @Option(name: .customLong("as-of"), help: ArgumentHelp("Plan as of this time instead of now (2026-12-01T00:00:00Z or 2026-12-01).", valueName: "time"))
    var asOf: AsOfTime?

    @Flag(name: .customLong("detailed-exitcode"), help: "Exit 2 when the plan has changes, 0 when it has none.")
    var detailedExitcode = false

    @Flag(help: "Read CertCentral first (as 'certform refresh' does, in memory only; needs the API key). Plain plan makes no network call.")
    var refresh = false

    func run() async throws {
        let now = Date()
        let asOf = self.asOf?.date ?? now
        var timings = PhaseTimings()
        defer { timings.report() }
        // The state is read concurrently while the manifests load (most of which is libyaml on
        // one core); a large state then costs little extra time.
        // Once read, the state's names are handed to the manifests' reader, so that a certificate
        // and its record hold one copy of the same names.
        let stateOptions = self.stateOptions, stateNames = StateNames()
        let stateTask = Task { () async -> Result<(State, LockInfo?), StateError> in
            do throws(StateError) {
                let read = try await Self.readState(stateOptions)
                stateNames.provide(read.0.recordNames)
                return .success(read)
            } catch { return .failure(error) }
        }
        // CSR text is read again only for the requests the plan makes (ManifestSet.resolveCSR).
        var loader = ManifestLoader(directory: manifestOptions.manifests, asOf: CalendarDate(asOf), keepsCSRText: false)
        loader.usesGitIndex = true
        loader.stateNames = stateNames
        var read: ReadManifests? = timings.measure("load manifests") { loader.read() }
        let stateResult = await timings.measure("load state (rest)") { await stateTask.value }
        // A CSR whose bytes a state record vouches for is not verified again (SPEC §3).
        let recorded = (try? stateResult.get()).map(\.0.recordedCSRs)
        let manifests = timings.measure("check CSRs") { loader.check(read.take()!, recorded: recorded) }
        timings.note(manifests.csrCounts.summary)
        DiagnosticsView.report(manifests, format: .quietText)
        if manifests.hasErrors {
            // JSON on standard output always parses: the problems, as validate prints them.
            if format == .json { Console.out(rendered: JSONWriter.pretty(DiagnosticsView.json(manifests, shown: DiagnosticsView.capped(manifests.diagnostics)))) }
            throw ExitCode.failure
        }
        if format == .json, case .failure(let error) = stateResult { PlanView.errorJSON("\(error)") }
        let (state, holder) = try Failure.report { () throws(StateError) in try stateResult.get() }
        if let holder { PlanView.lockedNote(holder.summary) }  // plan takes no lock; a writer may be at work
        let planned = refresh ? try await refreshedInMemory(state, windows: Refresh.renewalWindows(of: manifests.certificates)) : state
        var plan = timings.measure("plan") {
            Planner().plan(manifests: manifests.certificates, state: planned, asOf: asOf,
                           manifestsDigest: manifests.digest, fileCount: manifests.files.count, resolveCSR: manifests.resolveCSR)
        }
        KeptUntilExit.keep((manifests, planned))
        plan.spend = try pricing.load().map { SpendEstimate(plan.changes, prices: $0, asOf: asOf) }
        PlanView.show(plan, format: format, color: output.usesColor)
        KeptUntilExit.keep(plan)
        if let out {
            try Failure.report { () throws(StateError) in
                try StateStore.writeAtomically(JSONWriter.pretty(PlanDocument.json(plan, createdAt: now)), to: out)
            }
            if asOf > now.addingTimeInterval(SavedPlan.asOfAllowance) { PlanView.savedForLaterTime(out, asOf: asOf) }
        }
        let summary = plan.summary
        if summary[.blocked] > 0 {
            PlanView.blocked(summary[.blocked])
            throw ExitCode.failure
        }
        if detailedExitcode && summary.hasChanges { throw ExitCode(2) }
    }

    /// `state` brought up to date from CertCentral in memory (nothing is written).
    func refreshedInMemory(_ state: State, windows: [String: Int]) async throws -> State {
        try await api.withClient { client in
            let writer = StateWriter(state: state, store: MemoryStateBackend(state, name: stateOptions.statePath))
            let result = await Refresher(client: client, writer: writer).refresh(all: false, concurrency: 4, windows: windows)
            RefreshView.report(result)
            if result.listError != nil { throw ExitCode.failure }
            var refreshed = await writer.state
            refreshed.serial = state.serial  // nothing was written: the plan is for the state as stored
            return refreshed
        }
    }

    /// The state and who holds its writers' lock, if anyone.
    static func readState(_ options: StateOptions) async throws(StateError) -> (State, LockInfo?) {
        let backend = try await options.backend()
        do throws(StateError) {
            let result = (try await backend.load(), await backend.currentHolder())
            await backend.close()
            return result
        } catch {
            await backend.close()
            throw error
        }
    }
}

/// What `plan` holds at its end — every spec, record and change — is not freed piece by piece:
/// the process is about to exit, which returns the memory at once (freeing 100,000 of each one
/// by one took a tenth of a large plan). Only what lives to the end anyway is kept, so the peak
/// does not grow.
enum KeptUntilExit {
    nonisolated(unsafe) private static var values: [Any] = []

    static func keep(_ value: Any) {
        values.append(value)
    }
}
