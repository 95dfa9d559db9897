import Apply
import ArgumentParser
import CertCentral
import Dates
import DomainValidation
import Escaping
import Files
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
    @OptionGroup var pricing: PricingOptions
    @OptionGroup var hookOptions: DCVHookOptions

    @Argument(help: ArgumentHelp("A plan saved with 'certform plan --out FILE'.", valueName: "plan-file"),
              completion: .file(extensions: ["json"]))
    var planFile: String?

    @Flag(name: .customLong("auto-approve"), help: "Apply without asking (for CI).")
    var autoApprove = false

    @Option(name: .customLong("max-orders"), help: ArgumentHelp("Refuse, before sending anything, a plan with more paid orders than this; 'unlimited' lifts it.", valueName: "n|unlimited"))
    var maxOrders = OrderLimitArgument(count: 25)

    @Option(name: .customLong("max-spend"), help: ArgumentHelp("Refuse, before sending anything, a plan whose estimated total (from the price list) exceeds this amount, or is unknown (env CERTFORM_MAX_SPEND).", valueName: "amount"))
    var maxSpendOption: SpendLimit?

    @Option(help: "Changes in flight at once.")
    var concurrency = 4

    @Option(name: .customLong("max-plan-age"), help: ArgumentHelp("Refuse a saved plan older than this (e.g. 7d, 12h).", valueName: "duration"))
    var maxPlanAge = DurationArgument(seconds: 7 * 86_400, written: "7d")

    @Option(name: .customLong("as-of"), help: ArgumentHelp("Plan as of this time instead of now (without PLAN_FILE).", valueName: "time"))
    var asOf: AsOfTime?

    @Flag(help: "Refresh the state from CertCentral first (without PLAN_FILE).")
    var refresh = false

    func validate() throws {
        guard concurrency >= 1 else { throw ValidationError("--concurrency must be at least 1") }
        _ = try spendCap()
        if planFile != nil && (refresh || asOf != nil) {
            throw ValidationError("--refresh and --as-of plan anew; they cannot be used with a saved plan")
        }
    }

    func run() async throws {
        let now = Date()
        let locked = try await Failure.report { () async throws(StateError) in
            try await stateOptions.openLocked(operation: "apply", timeout: lockOptions.lockTimeout)
        }
        do {
            try await api.withClient { client in try await apply(locked.store, client: client, now: now) }
            await locked.close()
        } catch {
            await locked.close()
            throw error
        }
    }

    /// Settles leftover intents, decides the changes (the saved plan, or a plan made now), and
    /// sends them.
    func apply(_ store: any StateBackend, client: CertCentralClient, now: Date) async throws {
        let initial = try await Failure.report { () async throws(StateError) in try await store.load() }
        let writer = StateWriter(state: initial, store: store)
        let applier = Applier(client: client, writer: writer)
        // A saved plan is checked against the state as it was when the plan was made, before
        // anything changes it.
        let saved = try planFile.map { try checkedSavedPlan($0, state: initial, now: now) }
        let leftovers = await applier.resolveLeftoverIntents()
        ApplyView.reportIntents(leftovers)
        let adopted = leftovers.compactMap { if case .placed = $0.1 { return $0.0.name } else { return nil } }
        let changes: [Change]
        if let saved, let planFile {
            ApplyView.applying(savedPlan: planFile, createdAt: saved.plan.createdAt)
            changes = saved.changes
            try await refuseOverSpending(changes, asOf: saved.plan.asOf, client: client)
        } else {
            switch try await planNow(client: client, writer: writer, applier: applier, now: now) {
            case .send(let planned):
                changes = planned
            case .nothing(let blocked):
                // Nothing to send; orders placed earlier may still wait for their validation, and a
                // blocked name holds up no other order's.
                let validation = await validateDomains(adopted, writer: writer, client: client)
                DCVView.section(validation)
                if blocked || validation.contains(where: \.failed) { throw ExitCode.failure }
                return
            }
        }
        try await send(changes, applier: applier, writer: writer, client: client, adopted: adopted)
        let undecided = leftovers.contains { if case .undecided = $0.1 { return true } else { return false } }
        if undecided { throw ExitCode.failure }
    }

    /// What a plan made now leaves to do: its changes, approved; or nothing to send (with
    /// whether any name is blocked, which makes apply exit 1 once validation has run).
    enum Planned {
        case send([Change])
        case nothing(blocked: Bool)
    }

    /// Plans from the manifests and the state now (after a refresh when asked), prints the plan
    /// and asks for approval.
    func planNow(client: CertCentralClient, writer: StateWriter, applier: Applier, now: Date) async throws -> Planned {
        if refresh {
            RefreshView.report(await Refresher(client: client, writer: writer)
                .refresh(all: false, concurrency: concurrency, windows: Refresh.renewalWindows(in: manifestOptions.manifests)))
        }
        let asOfDate = asOf?.date ?? now
        let manifests = ManifestLoader(directory: manifestOptions.manifests, asOf: CalendarDate(asOfDate)).load()
        DiagnosticsView.report(manifests, format: .quietText)
        if manifests.hasErrors { throw ExitCode.failure }
        var plan = Planner().plan(manifests: manifests.certificates, state: await writer.state, asOf: asOfDate,
                                  manifestsDigest: manifests.digest, fileCount: manifests.files.count)
        plan.spend = try pricing.load().map { SpendEstimate(plan.changes, prices: $0, asOf: asOfDate) }
        Console.out(TerminalText(escapedFields: TextRenderer(color: output.usesColor).render(plan)))
        guard plan.summary.hasChanges else {
            try await recordRenames(applier, plan.changes)
            ApplyView.nothingToApply()
            return .nothing(blocked: plan.summary[.blocked] > 0)
        }
        try refuseTooManyOrders(plan.changes)  // before anyone is asked to approve them
        try await refuseOverSpending(plan.changes, asOf: asOfDate, client: client)
        if !autoApprove {
            guard isatty(STDIN_FILENO) == 1 else {
                ApplyView.notATerminal()
                throw ExitCode.failure
            }
            guard ApplyView.confirm() else {
                ApplyView.cancelled()
                throw ExitCode.failure
            }
        }
        return .send(plan.changes)
    }

    /// Refuses too many paid orders, moves renamed records, sends every change, runs domain
    /// control validation, and reports.
    func send(_ changes: [Change], applier: Applier, writer: StateWriter, client: CertCentralClient, adopted: [String] = []) async throws {
        let work = changes.filter(\.action.isChange)
        try refuseTooManyOrders(changes)
        try await recordRenames(applier, changes)
        let counter = ProgressCounter(total: work.count)
        let outcomes = await applier.apply(changes, concurrency: concurrency) { outcome in
            ApplyView.progress(outcome, index: await counter.next(), total: work.count)
        }
        let validation = await validateDomains(outcomes.filter(\.succeeded).map(\.change.name) + adopted, writer: writer, client: client)
        ApplyView.finished(outcomes, stateSerial: await writer.state.serial)
        DCVView.section(validation)
        let blocked = changes.contains { $0.action == .blocked }
        if outcomes.contains(where: { !$0.succeeded }) || blocked || validation.contains(where: \.failed) { throw ExitCode.failure }
    }

    /// Domain control validation after the changes: the orders placed or adopted now get their
    /// random value (reissues, adopted orders and dns-cname-token orders are not given one in the
    /// answer); with a hook, every order awaiting validation is published, checked and cleaned up.
    func validateDomains(_ placed: [String], writer: StateWriter, client: CertCentralClient) async -> [DCVReport] {
        let hook = hookOptions.hook
        let state = await writer.state
        let names = hook == nil ? placed : Array(Set(placed).union(DomainValidator.names(in: state, hook: true))).sorted()
        guard !names.isEmpty else { return [] }
        return await DomainValidator(client: client, writer: writer, options: .init(hook: hook, placed: Set(placed))).run(names: names)
    }

    /// The spending cap: `--max-spend`, else `CERTFORM_MAX_SPEND`. A variable that is set but does
    /// not read as an amount is an error, never a missing cap (`5,000` must not lift the limit).
    func spendCap() throws -> Double? {
        if let option = maxSpendOption { return option.amount }
        guard let written = Environment.value("CERTFORM_MAX_SPEND") else { return nil }
        guard let limit = SpendLimit(argument: written) else {
            throw ValidationError("CERTFORM_MAX_SPEND '\(Escape.terminal(written, limit: 40))' is not an amount: a plain number such as 5000, in the price list's currency")
        }
        return limit.amount
    }

    /// `--max-spend`: refuses, before anything is sent, a plan whose estimated total exceeds the
    /// cap or cannot be told. The estimate uses the account's prices as CertCentral gives them now,
    /// not the committed price list: that file is in the repository, where a pull request could
    /// lower its prices to zero.
    func refuseOverSpending(_ changes: [Change], asOf: Date, client: CertCentralClient) async throws {
        guard let cap = try spendCap(), changes.contains(where: \.isPaid) else { return }
        let prices: PriceList
        do {
            prices = PriceList(try await client.pricing(), readAt: Date())
        } catch {
            ApplyView.spendUnknown("the account's prices could not be read from CertCentral: \(error)", cap: cap)
            throw ExitCode.failure
        }
        let spend = SpendEstimate(changes, prices: prices, asOf: asOf)
        guard let total = spend.total else {
            ApplyView.spendUnknown(spend.unknownReason ?? "a price is unknown", cap: cap)
            throw ExitCode.failure
        }
        if total.amount > cap {
            ApplyView.overSpending(spend.totalWords, cap: cap)
            throw ExitCode.failure
        }
    }

    /// `--max-orders`: refuses, before anything is sent, more paid orders than the limit.
    func refuseTooManyOrders(_ changes: [Change]) throws {
        let paid = changes.filter(\.isPaid).count
        if let limit = maxOrders.count, paid > limit {
            ApplyView.tooManyOrders(paid, limit: limit)
            throw ExitCode.failure
        }
    }

    /// Renamed certificates whose order stays as it is only move their state record.
    func recordRenames(_ applier: Applier, _ changes: [Change]) async throws {
        ApplyView.renamed(try await Failure.report { () async throws(StateError) in try await applier.applyRenames(changes) })
    }

    /// The saved plan at `path` when it still holds against `state` and holds only what the
    /// manifests and state give now (SPEC §5), with the changes to send: the planner's own,
    /// recomputed at the plan's as-of, for the names the plan holds.
    func checkedSavedPlan(_ path: String, state: State, now: Date) throws -> (plan: SavedPlan, changes: [Change]) {
        let saved = try readSavedPlan(path, state: state, now: now)
        let manifests = ManifestLoader(directory: manifestOptions.manifests, asOf: CalendarDate(saved.asOf)).load()
        DiagnosticsView.report(manifests, format: .quietText)
        if manifests.hasErrors { throw ExitCode.failure }
        let recomputed = Planner().plan(manifests: manifests.certificates, state: state, asOf: saved.asOf,
                                        manifestsDigest: manifests.digest, fileCount: manifests.files.count)
        let problems = saved.tampering(against: recomputed, now: now)
        guard problems.isEmpty else {
            ApplyView.refusedPlan(path, problems: problems)
            throw ExitCode.failure
        }
        return (saved, saved.narrowed(recomputed))
    }

    /// The saved plan at `path`, when it still holds against `state` (SPEC §5).
    func readSavedPlan(_ path: String, state: State, now: Date) throws -> SavedPlan {
        // A regular file, not through a symbolic link (a pull request can commit one pointing at
        // /proc/self/environ), and never a FIFO or device that would block the apply.
        let data: [UInt8]
        switch FileBytes.read(path, limit: 1 << 30, followsSymlinks: false) {
        case .success(let bytes): data = bytes
        case .failure(let error):
            Console.error("error: the plan file '\(path)' \(error)")
            throw ExitCode.failure
        }
        let saved: SavedPlan
        do {
            saved = try PlanDocument.read(try JSONParser.parse(data))
        } catch let error as JSONParseError {
            Console.error("error: the plan file '\(path)' is not JSON: \(error)")
            throw ExitCode.failure
        } catch {
            Console.error("error: the plan file '\(path)' cannot be applied: \(error)")
            throw ExitCode.failure
        }
        var isDirectory: ObjCBool = false
        let manifestsExist = FileManager.default.fileExists(atPath: manifestOptions.manifests, isDirectory: &isDirectory) && isDirectory.boolValue
        let digest = manifestsExist ? ManifestLoader(directory: manifestOptions.manifests, asOf: CalendarDate(now), checksCSRs: false).load().digest : nil
        let reasons = saved.staleness(state: state, manifestsDigest: digest, now: now, maxAge: (maxPlanAge.seconds, maxPlanAge.written))
        guard reasons.isEmpty else {
            ApplyView.stalePlan(path, reasons: reasons)
            throw ExitCode.failure
        }
        return saved
    }
}
