import CertCentralAPI
import ArgumentParser
import Dates
import Foundation
import JSON
import States

struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show the orders in state: name, order, status, expiry, days left.",
        discussion: """
        Reads only the state file. Days left are counted from today (UTC), or from --as-of.

        Examples:
          certform show
          certform show --format json
        """)

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    @OptionGroup var stateOptions: StateOptions

    @Option(help: "Output format: text or json.")
    var format: Format = .text

    @Option(name: .customLong("as-of"), help: ArgumentHelp("Count days left from this time instead of now.", valueName: "time"))
    var asOf: AsOfTime?

    func run() throws {
        let state = try Failure.report { () throws(StateError) in try stateOptions.loadState() }
        let today = CalendarDate(asOf?.date ?? Date())
        let names = state.certificates.keys.sorted()
        switch format {
        case .json:
            let rows: [JSONValue] = names.map { name in
                let record = state.certificates[name]!
                return [
                    "name": .string(name), "order_id": .int(record.orderID), "status": .string(record.status.rawValue),
                    "common_name": .string(record.commonName), "valid_till": JSONValue(record.validTill?.description),
                    "days_left": JSONValue(record.validTill.map { today.days(until: $0) }),
                ]
            }
            print(JSONWriter.pretty(["certificates": .array(rows), "serial": .int(state.serial),
                                     "lineage": JSONValue(state.lineage), "intents": .int(state.intents.count)]), terminator: "")
        case .text:
            if names.isEmpty {
                print("The state '\(stateOptions.statePath)' holds no orders.")
                return
            }
            var rows = [["NAME", "ORDER", "STATUS", "EXPIRES", "DAYS LEFT", "COMMON NAME"]]
            for name in names {
                let record = state.certificates[name]!
                rows.append([
                    name, String(record.orderID), record.status.rawValue, record.validTill?.description ?? "—",
                    record.validTill.map { String(today.days(until: $0)) } ?? "—", record.commonName,
                ])
            }
            print(Table.render(rows), terminator: "")
            print("\n\(names.count) order\(names.count == 1 ? "" : "s") · state serial \(state.serial)\(state.intents.isEmpty ? "" : " · \(state.intents.count) unresolved intent\(state.intents.count == 1 ? "" : "s")")")
        }
    }
}

/// Plain aligned columns for terminals.
enum Table {
    static func render(_ rows: [[String]]) -> String {
        guard let first = rows.first else { return "" }
        var widths = [Int](repeating: 0, count: first.count)
        for row in rows {
            for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) }
        }
        var out = ""
        for row in rows {
            let cells = row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }
            out += cells.joined(separator: "  ") + "\n"
        }
        return out
    }
}
