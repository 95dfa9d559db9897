import Apply
import Escaping
import Dates
import Foundation
import Plans
import States

actor ProgressCounter {
    let total: Int
    var done = 0

    init(total: Int) { self.total = total }

    func next() -> Int {
        done += 1
        return done
    }
}

/// What apply prints: progress per change, the summary, and how leftover intents were settled
/// (what to publish for DCV is ``DCVView``'s).
enum ApplyView {
    static func progressLine(_ outcome: ChangeOutcome, index: Int, total: Int) -> TerminalText {
        let change = outcome.change
        let symbol = TextRenderer.symbol(change.action)
        let head: TerminalText = "[\(index)/\(total)] \(symbol) \(change.name)"
        switch outcome.kind {
        case .placed(let orderID, _):
            return change.action == .reissue ? "\(head)  reissue of order \(orderID) requested" : "\(head)  order \(orderID) placed"
        case .adopted(let orderID):
            return "\(head)  order \(orderID) found after an unknown outcome and recorded"
        case .renewedElsewhere(let orderID):
            return "\(head)  already renewed outside certform as order \(orderID); adopted, nothing bought"
        case .blocked(let reason):
            return "\(head)  BLOCKED: \(reason)"
        case .refused(let reason):
            return "\(head)  FAILED: \(reason)"
        case .skipped(let reason):
            return "\(head)  skipped: \(reason); plan again"
        case .undecided(let intentID, let reason):
            return "\(head)  UNDECIDED (intent \(intentID)): \(reason); it stays blocked until 'certform apply' or 'certform state resolve \(intentID)' settles it"
        }
    }

    static func summary(_ outcomes: [ChangeOutcome], stateSerial: Int) -> TerminalText {
        let placed = outcomes.filter(\.succeeded).count
        let failed = outcomes.count - placed
        // An order found after an unknown outcome was sent, and bought, in this run as well.
        let paid = outcomes.filter { outcome in
            switch outcome.kind {
            case .placed, .adopted: return outcome.change.isPaid
            default: return false
            }
        }.count
        return "\nApply: \(placed) of \(outcomes.count) change\(outcomes.count == 1 ? "" : "s") done (\(paid) paid order\(paid == 1 ? "" : "s")), \(failed) failed · state serial \(stateSerial)"
    }

    static func applying(savedPlan path: String, createdAt: Date) {
        Console.out("Applying the saved plan \(path) (made \(Timestamp.format(createdAt))).")
    }

    static func progress(_ outcome: ChangeOutcome, index: Int, total: Int) {
        Console.out(progressLine(outcome, index: index, total: total))
        Console.flush()
    }

    static func finished(_ outcomes: [ChangeOutcome], stateSerial: Int) {
        Console.out(summary(outcomes, stateSerial: stateSerial))
    }

    static func renamed(_ moves: [(String, String)]) {
        for (old, new) in moves {
            Console.out("moved the state record of '\(old)' to '\(new)' (moved_from)")
        }
    }

    static func nothingToApply() { Console.out("Nothing to apply.") }
    static func cancelled() { Console.out("Apply cancelled; nothing was sent.") }
    static func notATerminal() {
        Console.error("error: standard input is not a terminal; review the plan and rerun with --auto-approve, or apply a saved plan")
    }

    /// Asks for 'yes'; true only for exactly that.
    static func confirm() -> Bool {
        Console.out("Apply these changes? Only 'yes' is accepted: ", terminator: "")
        Console.flush()
        return readLine()?.trimmingCharacters(in: .whitespaces) == "yes"
    }

    static func tooManyOrders(_ paid: Int, limit: Int) {
        Console.error("error: the plan has \(paid) paid orders, more than --max-orders \(limit); nothing was sent. Review the plan; to place them, rerun with --max-orders \(paid) (or --max-orders unlimited)")
    }

    static func overSpending(_ total: String, cap: Double) {
        Console.error("error: the plan will spend \(total), more than --max-spend \(String(format: "%g", cap)); nothing was sent")
    }

    static func spendUnknown(_ why: String, cap: Double) {
        Console.error("error: --max-spend \(String(format: "%g", cap)) is set but the plan's spend cannot be estimated (\(why)); nothing was sent")
    }

    static func stalePlan(_ path: String, reasons: [String]) {
        Console.error("error: the saved plan '\(path)' is stale: \(reasons.joined(separator: "; ")); make a new plan")
    }

    static func refusedPlan(_ path: String, problems: [String]) {
        Console.error("error: the saved plan '\(path)' is not what the manifests and state give, so nothing was sent: \(problems.joined(separator: "; ")); make a new plan and review it")
    }

    static func reportIntents(_ results: [(Intent, IntentResolver.Resolution)]) {
        for (intent, resolution) in results {
            switch resolution {
            case .placed(let info):
                Console.out("intent \(intent.id) (\(intent.action) \(intent.name)): order \(info.id) was placed; recorded")
            case .notPlaced:
                Console.out("intent \(intent.id) (\(intent.action) \(intent.name)): no order was placed; it will be planned again")
            case .undecided(let reason):
                Console.error("intent \(intent.id) (\(intent.action) \(intent.name)) is still undecided: \(reason); '\(intent.name)' stays blocked — run 'certform state resolve \(intent.id) --order ID' or '--not-placed'")
            }
        }
    }
}

/// What refresh prints: each order that changed or failed, and a summary.
enum RefreshView {
    static func report(_ result: Refresher.Result) {
        if let error = result.listError {
            Console.error("refresh: the account's orders could not be listed, so nothing was read: \(error)")
        }
        for report in result.reports {
            if let error = report.error {
                Console.error("refresh \(report.name) (order \(report.orderID)) failed: \(error)")
            } else if !report.changes.isEmpty {
                Console.out("refresh \(report.name) (order \(report.orderID)): \(report.changes.joined(separator: "; "))")
            }
        }
    }

    static func summary(_ result: Refresher.Result, stateSerial: Int) {
        let reports = result.reports
        let changed = reports.filter { !$0.changes.isEmpty }.count
        let failed = reports.filter { $0.error != nil }.count
        Console.out("Refresh: \(result.listed) order\(plural(result.listed)) listed in \(result.listRequests) request\(plural(result.listRequests)), \(reports.count) read, \(changed) changed, \(failed) failed · state serial \(stateSerial)")
    }
}
