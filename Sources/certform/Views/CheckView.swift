import ArgumentParser
import Dates
import Escaping
import JSON
import Plans

/// `certform check` for people (text), scripts (JSON) and node-exporter (Prometheus gauges).
enum CheckView {
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json, prometheus
    }

    static func show(_ rows: [ExpiryCheck.Row], within: Int, format: Format) {
        switch format {
        case .text: Console.out(rendered: text(rows, within: within))
        case .json: Console.out(rendered: JSONWriter.pretty(json(rows, within: within)))
        case .prometheus: Console.out(rendered: prometheus(rows))
        }
    }

    static func text(_ rows: [ExpiryCheck.Row], within: Int) -> String {
        var out = ""
        for row in rows where row.due {
            out += "\(Escape.terminal(row.name)): certificate expires \(row.record.validTill!) (\(row.daysLeft!) days) and nothing is renewing it\n"
        }
        let due = rows.filter(\.due).count
        out += "\(due) of \(rows.count) certificate\(plural(rows.count)) expire\(rows.count == 1 ? "s" : "") within \(within) days with no renewal in progress\n"
        return out
    }

    static func json(_ rows: [ExpiryCheck.Row], within: Int) -> JSONValue {
        ["within_days": .int(within), "certificates": .array(rows.map { row in
            ["name": .string(row.name), "order_id": .int(row.record.orderID), "status": .string(row.record.status.rawValue),
             "valid_till": JSONValue(row.record.validTill?.description), "days_left": JSONValue(row.daysLeft),
             "renewal_in_progress": .bool(row.inProgress), "due": .bool(row.due)]
        })]
    }

    static func prometheus(_ rows: [ExpiryCheck.Row]) -> String {
        var out = "# HELP certform_certificate_expiry_timestamp_seconds When the certificate in state expires (end of its valid_till day, UTC).\n"
        out += "# TYPE certform_certificate_expiry_timestamp_seconds gauge\n"
        for row in rows {
            guard let till = row.record.validTill else { continue }
            out += "certform_certificate_expiry_timestamp_seconds{name=\"\(Escape.prometheusLabel(row.name))\"} \(till.daysSinceEpoch * 86_400 + 86_399)\n"
        }
        out += "# HELP certform_certificate_renewal_due Whether the certificate expires within the checked window with no renewal in progress.\n"
        out += "# TYPE certform_certificate_renewal_due gauge\n"
        for row in rows {
            out += "certform_certificate_renewal_due{name=\"\(Escape.prometheusLabel(row.name))\"} \(row.due ? 1 : 0)\n"
        }
        return out
    }
}
