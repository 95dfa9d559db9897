import CertCentralAPI
import ArgumentParser
import Dates
import Foundation
import JSON
import States

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Fail when a certificate expires soon and nothing is renewing it.",
        discussion: """
        Exit 1 when any certificate in state expires within DAYS of now (or --as-of) and no renewal or reissue of it is in progress. Reads only the state; run 'certform refresh' first for current dates. The prometheus format prints gauges for a node-exporter textfile collector.

        Examples:
          certform check --within 30
          certform check --within 14 --format prometheus > /var/lib/node_exporter/certform.prom
        """)

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json, prometheus
    }

    @OptionGroup var stateOptions: StateOptions

    @Option(help: "Days ahead to look.")
    var within: Int

    @Option(help: "Output format: text, json or prometheus.")
    var format: Format = .text

    @Option(name: .customLong("as-of"), help: ArgumentHelp("Check as of this time instead of now.", valueName: "time"))
    var asOf: AsOfTime?

    func run() throws {
        let state = try Failure.report { () throws(StateError) in try stateOptions.loadState() }
        let today = CalendarDate(asOf?.date ?? Date())
        struct Row { var name: String; var record: StateRecord; var daysLeft: Int?; var inProgress: Bool; var due: Bool }
        let pending = Set(state.intents.map(\.name))
        let rows: [Row] = state.certificates.keys.sorted().map { name in
            let record = state.certificates[name]!
            let daysLeft = record.validTill.map { today.days(until: $0) }
            let inProgress = record.status.isInProgress || pending.contains(name)
            let due = !inProgress && !record.status.isFailed && (daysLeft.map { $0 <= within } ?? false)
            return Row(name: name, record: record, daysLeft: daysLeft, inProgress: inProgress, due: due)
        }
        switch format {
        case .text:
            for row in rows where row.due {
                print("\(row.name): certificate expires \(row.record.validTill!) (\(row.daysLeft!) days) and nothing is renewing it")
            }
            let due = rows.filter(\.due).count
            print("\(due) of \(rows.count) certificate\(rows.count == 1 ? "" : "s") expire\(rows.count == 1 ? "s" : "") within \(within) days with no renewal in progress")
        case .json:
            print(JSONWriter.pretty(["within_days": .int(within), "certificates": .array(rows.map { row in
                ["name": .string(row.name), "order_id": .int(row.record.orderID), "status": .string(row.record.status.rawValue),
                 "valid_till": JSONValue(row.record.validTill?.description), "days_left": JSONValue(row.daysLeft),
                 "renewal_in_progress": .bool(row.inProgress), "due": .bool(row.due)]
            })]), terminator: "")
        case .prometheus:
            print("# HELP certform_certificate_expiry_timestamp_seconds When the certificate in state expires (end of its valid_till day, UTC).")
            print("# TYPE certform_certificate_expiry_timestamp_seconds gauge")
            for row in rows {
                guard let till = row.record.validTill else { continue }
                print("certform_certificate_expiry_timestamp_seconds{name=\"\(row.name)\"} \(till.daysSinceEpoch * 86_400 + 86_399)")
            }
            print("# HELP certform_certificate_renewal_due Whether the certificate expires within the checked window with no renewal in progress.")
            print("# TYPE certform_certificate_renewal_due gauge")
            for row in rows {
                print("certform_certificate_renewal_due{name=\"\(row.name)\"} \(row.due ? 1 : 0)")
            }
        }
        if rows.contains(where: \.due) { throw ExitCode.failure }
    }
}
