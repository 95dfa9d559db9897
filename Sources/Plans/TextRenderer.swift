import CertCentralAPI
import Dates
import Escaping
import Foundation

/// The plan for a terminal (SPEC §4.1). Colour only when asked; the words carry the meaning
/// without it. Every field that came from manifests or state is escaped (``Escape/terminal(_:limit:)``):
/// a name or reason can never steer the terminal or start a line of its own.
public struct TextRenderer: Sendable {
    public var color: Bool

    public init(color: Bool) {
        self.color = color
    }

    public func render(_ plan: Plan) -> String {
        let summary = plan.summary
        var out = "certform plan · \(plan.certificateCount) certificate\(plan.certificateCount == 1 ? "" : "s") in \(plan.fileCount) file\(plan.fileCount == 1 ? "" : "s") · state serial \(plan.stateSerial) · as of \(Timestamp.format(plan.asOf))\n\n"
        let listed = plan.listedChanges
        if listed.isEmpty {
            out += "  No changes. Every certificate matches its order.\n"
        } else {
            let nameWidth = min(40, listed.map { Escape.terminal($0.name).count }.max() ?? 0)
            let productWidth = listed.filter { $0.action != .orphan }.map(\.product.rawValue.count).max() ?? 0
            for change in listed {
                let symbol = Self.symbol(change.action)
                let shown = Escape.terminal(change.name)
                let name = shown.padding(toLength: max(nameWidth, shown.count), withPad: " ", startingAt: 0)
                let action = change.action.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)
                var line = "  \(paint(symbol, change.action)) \(name)  \(paint(action, change.action)) "
                if change.action == .orphan {
                    line += Escape.terminal(change.reasons.first ?? "")
                    out += line + "\n"
                    continue
                }
                line += change.product.rawValue.padding(toLength: productWidth, withPad: " ", startingAt: 0) + "  " + Self.names(change)
                if change.isPaid { line += "  " + paint("(paid)", .blocked, bold: true) }
                out += line + "\n"
                for reason in change.reasons { out += "      \(Escape.terminal(reason))\n" }
                if change.action == .renew {
                    var detail = "renewal_of_order_id \(change.renewalOfOrderID.map(String.init) ?? "?")"
                    detail += " · renewed_thumbprint " + (change.renewedThumbprint.map { Escape.terminal(Self.shortThumbprint($0)) } ?? "(unknown; run certform refresh)")
                    out += "      \(detail)\n"
                }
                for note in change.notes { out += "      note: \(Escape.terminal(note))\n" }
                if let cost = plan.spend?.costs[change.name] { out += "      estimated cost: \(Escape.terminal(cost.words))\n" }
            }
        }
        out += "\nPlan: \(summary.line)\(plan.spend.map { " · \(Escape.terminal($0.totalWords))" } ?? "")\n"
        return out
    }

    /// `example.com +2 names`.
    static func names(_ change: Change) -> String {
        let written = change.commonName
        let extra = change.dnsNames.filter { $0 != written }.count
        let commonName = Escape.terminal(written, limit: 253)
        return extra == 0 ? commonName : "\(commonName) +\(extra) name\(extra == 1 ? "" : "s")"
    }

    /// `7D236B54…E945`.
    static func shortThumbprint(_ thumbprint: String) -> String {
        thumbprint.count > 12 ? "\(thumbprint.prefix(8))…\(thumbprint.suffix(4))" : thumbprint
    }

    /// The one-character mark of each action in plans and progress lines.
    public static func symbol(_ action: Action) -> String {
        switch action {
        case .create: return "+"
        case .renew: return "~"
        case .reissue: return "↻"
        case .wait: return "…"
        case .none: return "="
        case .orphan: return "!"
        case .blocked: return "✗"
        }
    }

    func paint(_ text: String, _ action: Action, bold: Bool = false) -> String {
        guard color else { return text }
        let code: String
        switch action {
        case .create: code = "32"
        case .renew: code = "33"
        case .reissue: code = "36"
        case .wait, .none: code = "2"
        case .orphan: code = "35"
        case .blocked: code = "31"
        }
        return "\u{1B}[\(bold ? "1;" : "")\(code)m\(text)\u{1B}[0m"
    }
}
