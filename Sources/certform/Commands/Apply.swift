import CertCentralAPI
import Apply
import ArgumentParser
import CertCentral
import Dates
import Foundation
import JSON
import Manifests
import Plans
import States

struct ApplyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Place the orders, renewals and reissues of a plan, each exactly once.",
        discussion: """
        Without PLAN_FILE, plans now, prints the plan and asks for 'yes' (or --auto-approve). With PLAN_FILE (from 'certform plan --out'), applies exactly that plan after checking that it still holds: same state lineage and serial, same manifests, not older than --max-plan-age.

        Before each request certform writes an intent to the state; after it, the order. A crash, a timeout or a dropped connection is settled by looking the order up, never by ordering twice. Leftover intents from an earlier run are settled first.

        Exit status: 0 when every change succeeded, 1 otherwise (the state holds every order that was placed either way).

        Examples:
          certform apply
          certform apply --auto-approve --max-orders 10
          certform plan --out plan.json && certform apply plan.json
        """)

    @OptionGroup var manifestOptions: ManifestOptions
    @OptionGroup var stateOptions: StateOptions
    @OptionGroup var lockOptions: LockOptions
    @OptionGroup var api: APIOptions
    @OptionGroup var output: OutputOptions

    @Argument(help: ArgumentHelp("A plan saved with 'certform plan --out FILE'.", valueName: "plan-file"))
    var planFile: String?

    @Flag(name: .customLong("auto-approve"), help: "Apply without asking (for CI).")
    var autoApprove = false

    @Option(name: .customLong("max-orders"), help: ArgumentHelp("Refuse, before sending anything, a plan with more paid orders than this.", valueName: "n"))
    var maxOrders: Int?

    @Option(help: "Changes in flight at once.")
    var concurrency = 4

    @Option(name: .customLong("max-plan-age"), help: ArgumentHelp("Refuse a saved plan older than this (e.g. 7d, 12h).", valueName: "duration"))
    var maxPlanAge = "7d"

    @Option(name: .customLong("as-of"), help: ArgumentHelp("Plan as of this time instead of now (without PLAN_FILE).", valueName: "time"))
    var asOf: AsOfTime?

    @Flag(help: "Refresh the state from CertCentral first (without PLAN_FILE).")
    var refresh = false

    func validate() throws {
        guard concurrency >= 1 else { throw ValidationError("--concurrency must be at least 1") }
        guard DurationText.seconds(maxPlanAge) != nil else { throw ValidationError("--max-plan-age takes a duration such as 7d or 12h") }
        if planFile != nil && (refresh || asOf != nil) {
            throw ValidationError("--refresh and --as-of plan anew; they cannot be used with a saved plan")
        }
    }

    func run() async throws {
        let now = Date()
        let locked = try Failure.report { () throws(StateError) in
            try stateOptions.openLocked(operation: "apply", timeout: lockOptions.lockTimeout)
        }
        defer { locked.close() }
        let store = locked.store
        let initial = try Failure.report { () throws(StateError) in try store.load() }
        let client = try api.makeClient()
        defer { Task { try? await client.shutdown() } }
        let writer = StateWriter(state: initial, store: store)
        let applier = Applier(client: client, writer: writer)

        // A saved plan is checked against the state as it was when the plan was made, before
        // anything changes it.
        var saved: SavedPlan?
        if let planFile {
            saved = try readSavedPlan(planFile, state: initial, now: now)
        }

        let leftovers = await applier.resolveLeftoverIntents()
        ApplyOutput.reportIntents(leftovers)

        let changes: [Change]
        if let saved {
            changes = saved.changes
            print("Applying the saved plan \(planFile!) (made \(Timestamp.format(saved.createdAt))).")
        } else {
            if refresh {
                let refresher = Refresher(client: client, writer: writer)
                let names = Refresher.names(in: await writer.state, all: false)
                let reports = await refresher.refresh(names, concurrency: concurrency) { _ in }
                ApplyOutput.reportRefresh(reports)
            }
            let asOfDate = asOf?.date ?? now
            let manifests = ManifestLoader(directory: manifestOptions.manifests, asOf: CalendarDate(asOfDate)).load()
            DiagnosticOutput.report(manifests, format: .quietText)
            if manifests.hasErrors { throw ExitCode.failure }
            let plan = Planner().plan(manifests: manifests.certificates, state: await writer.state, asOf: asOfDate,
                                      manifestsDigest: manifests.digest, fileCount: manifests.files.count)
            print(TextRenderer(color: output.usesColor).render(plan))
            changes = plan.changes
            guard plan.summary.hasChanges else {
                try await recordRenames(applier, changes)
                print("Nothing to apply.")
                if plan.summary[.blocked] > 0 { throw ExitCode.failure }
                return
            }
            if !autoApprove {
                guard isatty(STDIN_FILENO) == 1 else {
                    Console.error("error: standard input is not a terminal; review the plan and rerun with --auto-approve, or apply a saved plan")
                    throw ExitCode.failure
                }
                print("Apply these changes? Only 'yes' is accepted: ", terminator: "")
                Console.flush()
                guard readLine()?.trimmingCharacters(in: .whitespaces) == "yes" else {
                    print("Apply cancelled; nothing was sent.")
                    throw ExitCode.failure
                }
            }
        }

        let work = changes.filter(\.action.isChange)
        let paid = work.filter(\.isPaid).count
        if let maxOrders, paid > maxOrders {
            Console.error("error: the plan has \(paid) paid orders, more than --max-orders \(maxOrders); nothing was sent")
            throw ExitCode.failure
        }
        try await recordRenames(applier, changes)
        let counter = ProgressCounter(total: work.count)
        let outcomes = await applier.apply(changes, concurrency: concurrency) { outcome in
            let index = await counter.next()
            print(ApplyOutput.progressLine(outcome, index: index, total: work.count))
            Console.flush()
        }
        print(ApplyOutput.summary(outcomes, stateSerial: await writer.state.serial))
        let instructions = ApplyOutput.dcvInstructions(outcomes)
        if !instructions.isEmpty { print(instructions) }
        let blocked = changes.filter { $0.action == .blocked }.count
        if outcomes.contains(where: { !$0.succeeded }) || blocked > 0 || leftovers.contains(where: {
            if case .undecided = $0.1 { return true }
            return false
        }) {
            throw ExitCode.failure
        }
    }

    /// Renamed certificates whose order stays as it is only move their state record.
    func recordRenames(_ applier: Applier, _ changes: [Change]) async throws {
        let moved = try await Failure.reportAsync { () async throws(StateError) in try await applier.applyRenames(changes) }
        for (old, new) in moved {
            print("moved the state record of '\(old)' to '\(new)' (moved_from)")
        }
    }

    func readSavedPlan(_ path: String, state: State, now: Date) throws -> SavedPlan {
        guard let data = FileManager.default.contents(atPath: path) else {
            Console.error("error: cannot read the plan file '\(path)'")
            throw ExitCode.failure
        }
        let saved: SavedPlan
        do {
            saved = try PlanDocument.read(try JSONParser.parse(Array(data)))
        } catch let error as JSONParseError {
            Console.error("error: the plan file '\(path)' is not JSON: \(error)")
            throw ExitCode.failure
        } catch {
            Console.error("error: the plan file '\(path)' cannot be applied: \(error)")
            throw ExitCode.failure
        }
        var reasons: [String] = []
        if saved.stateLineage != state.lineage {
            reasons.append("the state lineage is \(state.lineage ?? "none"), the plan was made for \(saved.stateLineage ?? "none")")
        }
        if saved.stateSerial != state.serial {
            reasons.append("the state serial is \(state.serial), the plan was made at serial \(saved.stateSerial)")
        }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: manifestOptions.manifests, isDirectory: &isDirectory), isDirectory.boolValue {
            let digest = ManifestLoader(directory: manifestOptions.manifests, asOf: CalendarDate(now), checksCSRs: false).load().digest
            if digest != saved.manifestsDigest { reasons.append("the manifests changed since the plan was made") }
        }
        let age = now.timeIntervalSince(saved.createdAt)
        let limit = DurationText.seconds(maxPlanAge) ?? 0
        if age > limit {
            reasons.append("the plan is \(Int(age / 3600)) hours old, older than --max-plan-age \(maxPlanAge)")
        }
        if !reasons.isEmpty {
            Console.error("error: the saved plan '\(path)' is stale: \(reasons.joined(separator: "; ")); make a new plan")
            throw ExitCode.failure
        }
        return saved
    }
}

actor ProgressCounter {
    let total: Int
    var done = 0

    init(total: Int) { self.total = total }

    func next() -> Int {
        done += 1
        return done
    }
}

/// The words apply and refresh print.
enum ApplyOutput {
    static func progressLine(_ outcome: ChangeOutcome, index: Int, total: Int) -> String {
        let change = outcome.change
        let symbol = TextRenderer.symbol(change.action)
        let head = "[\(index)/\(total)] \(symbol) \(change.name)"
        switch outcome.kind {
        case .placed(let orderID, _):
            return change.action == .reissue ? "\(head)  reissue of order \(orderID) requested" : "\(head)  order \(orderID) placed"
        case .adopted(let orderID):
            return "\(head)  order \(orderID) found after an unknown outcome and recorded"
        case .refused(let reason):
            return "\(head)  FAILED: \(reason)"
        case .skipped(let reason):
            return "\(head)  skipped: \(reason); plan again"
        case .undecided(let intentID, let reason):
            return "\(head)  UNDECIDED (intent \(intentID)): \(reason); it stays blocked until 'certform apply' or 'certform state resolve \(intentID)' settles it"
        }
    }

    static func summary(_ outcomes: [ChangeOutcome], stateSerial: Int) -> String {
        let placed = outcomes.filter(\.succeeded).count
        let failed = outcomes.count - placed
        let paid = outcomes.filter { $0.succeeded && $0.change.isPaid }.count
        return "\nApply: \(placed) of \(outcomes.count) change\(outcomes.count == 1 ? "" : "s") done (\(paid) paid order\(paid == 1 ? "" : "s")), \(failed) failed · state serial \(stateSerial)"
    }

    static func dcvInstructions(_ outcomes: [ChangeOutcome]) -> String {
        var lines: [String] = []
        for outcome in outcomes.sorted(by: { $0.change.name < $1.change.name }) {
            guard case .placed(let orderID, let value?) = outcome.kind else { continue }
            let names = [outcome.change.commonName] + outcome.change.dnsNames
            switch outcome.change.dcvMethod {
            case .dnsTXTToken?:
                for name in names {
                    lines.append("  \(outcome.change.name) (order \(orderID)): TXT record at \(name.hasPrefix("*.") ? String(name.dropFirst(2)) : name) with value \(value)")
                }
            case .httpToken?:
                for name in names {
                    lines.append("  \(outcome.change.name) (order \(orderID)): serve \(value) at http://\(name)/.well-known/pki-validation/fileauth.txt")
                }
            default:
                lines.append("  \(outcome.change.name) (order \(orderID)): publish the DCV value \(value) as \(outcome.change.dcvMethod?.rawValue ?? "the DCV method") requires")
            }
        }
        return lines.isEmpty ? "" : "\nDomain control validation — publish these so that CertCentral can issue:\n" + lines.joined(separator: "\n")
    }

    static func reportIntents(_ results: [(Intent, IntentResolver.Resolution)]) {
        for (intent, resolution) in results {
            switch resolution {
            case .placed(let info):
                print("intent \(intent.id) (\(intent.action) \(intent.name)): order \(info.id) was placed; recorded")
            case .notPlaced:
                print("intent \(intent.id) (\(intent.action) \(intent.name)): no order was placed; it will be planned again")
            case .undecided(let reason):
                Console.error("intent \(intent.id) (\(intent.action) \(intent.name)) is still undecided: \(reason); '\(intent.name)' stays blocked — run 'certform state resolve \(intent.id) --order ID' or '--not-placed'")
            }
        }
    }

    static func reportRefresh(_ reports: [Refresher.Report]) {
        for report in reports {
            if let error = report.error {
                Console.error("refresh \(report.name) (order \(report.orderID)) failed: \(error)")
            } else if !report.changes.isEmpty {
                print("refresh \(report.name) (order \(report.orderID)): \(report.changes.joined(separator: "; "))")
            }
        }
    }
}
