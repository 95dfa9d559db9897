import CertCentralAPI
import Dates
import Escaping
import Foundation

/// The plan for a pull request: the paid count first, a table, the reasons folded away, and never
/// longer than GitHub's comment limit allows.
public struct MarkdownRenderer: Sendable {
    /// GitHub comments hold 65,536 characters; stay well under.
    public var limit: Int

    public init(limit: Int = 60_000) {
        self.limit = limit
    }

    public func render(_ plan: Plan) -> String {
        let summary = plan.summary
        let paid = summary.paidOrders
        let spend = plan.spend.map { " · \(Escape.markdown($0.totalWords))" } ?? ""
        var head = "### certform plan: \(paid == 0 ? "no paid orders" : "**\(paid) paid order\(paid == 1 ? "" : "s")\(spend)**")\n\n"
        head += "\(summary.line.replacingOccurrences(of: " · \(paid) paid order\(paid == 1 ? "" : "s")", with: "")) · \(plan.certificateCount) certificate\(plan.certificateCount == 1 ? "" : "s") in \(plan.fileCount) file\(plan.fileCount == 1 ? "" : "s") · state serial \(plan.stateSerial) · as of `\(Timestamp.format(plan.asOf))`\n"
        let listed = plan.listedChanges
        if listed.isEmpty {
            return head + "\nNo changes. Every certificate matches its order.\n"
        }
        let whole = fit(listed, head: head, spend: plan.spend)
        guard !whole.complete else { return whole.text }
        // Rows must be left out: those that spend or change something come first, so that no paid
        // order is hidden behind orphans that sort before it (a state can hold any number).
        let ranked = listed.enumerated().sorted { (Self.rank($0.element), $0.offset) < (Self.rank($1.element), $1.offset) }.map(\.element)
        return fit(ranked, head: head, spend: plan.spend).text
    }

    /// Paid orders, then free reissues, then what blocks, waits or is left alone.
    static func rank(_ change: Change) -> Int {
        if change.isPaid { return 0 }
        switch change.action {
        case .reissue: return 1
        case .blocked: return 2
        case .wait: return 3
        default: return 4
        }
    }

    /// The table and reasons of `listed`, as many rows as the limit allows; `complete` when all.
    func fit(_ listed: [Change], head: String, spend: SpendEstimate?) -> (text: String, complete: Bool) {
        let tableHead = "\n| | certificate | action | product | names | order |\n|---|---|---|---|---|---|\n"
        let rows = listed.map(row)
        let details = listed.map { detail($0, spend: spend) }
        let detailsHead = "\n<details><summary>Reasons</summary>\n\n"
        let detailsTail = "\n</details>\n"

        // Fit as many rows (and their reasons) as the limit allows; say how many were left out.
        var count = listed.count
        func assemble(_ count: Int) -> String {
            var text = head + tableHead + rows.prefix(count).joined()
            if count < listed.count {
                text += "\n_\(listed.count - count) of \(listed.count) rows left out to fit a pull request comment; run `certform plan` for the full plan._\n"
            }
            text += detailsHead + details.prefix(count).joined() + detailsTail
            return text
        }
        var text = assemble(count)
        if text.count > limit {
            // Shrink by the average row size, then row by row.
            let perRow = max(1, (text.count - head.count) / max(1, count))
            count = max(0, min(count - 1, (limit - head.count - 400) / perRow))
            text = assemble(count)
            while text.count > limit && count > 0 {
                count -= 1
                text = assemble(count)
            }
        }
        return (text, count == listed.count)
    }

    func row(_ change: Change) -> String {
        let action = change.isPaid ? "**\(change.action.rawValue)** (paid)" : change.action.rawValue
        let commonName = change.commonName
        let names = ([commonName] + change.dnsNames.filter { $0 != commonName }).map { Escape.markdown($0) }.joined(separator: "<br>")
        let order = change.orderID.map { "\($0)" } ?? "—"
        return "| \(TextRenderer.symbol(change.action)) | \(Self.code(change.name)) | \(action) | \(change.product.rawValue) | \(names) | \(order) |\n"
    }

    func detail(_ change: Change, spend: SpendEstimate?) -> String {
        var lines = change.reasons + change.notes.map { "note: \($0)" }
        if let cost = spend?.costs[change.name] { lines.append("estimated cost: \(cost.words)") }
        if change.action == .renew {
            lines.append("renewal_of_order_id \(change.renewalOfOrderID.map(String.init) ?? "?") · renewed_thumbprint \(change.renewedThumbprint ?? "unknown")")
        }
        return "- \(Self.code(change.name)) \(change.action.rawValue): " + lines.map { Escape.markdown($0) }.joined(separator: "; ") + "\n"
    }

    /// A certificate name as code. A name of the name alphabet cannot leave a code span; anything
    /// else (a hostile state or plan file) is shown escaped, not as code.
    static func code(_ name: String) -> String {
        name.utf8.allSatisfy { (97...122).contains($0) || (48...57).contains($0) || $0 == 45 || $0 == 46 || $0 == 95 }
            ? "`\(name)`" : Escape.markdown(name)
    }
}
