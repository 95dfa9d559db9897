import ArgumentParser
import Dates
import Foundation
import Plans
import States

struct Check: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Fail when a certificate expires soon and nothing is renewing it.",
        discussion: """
        Exit 1 when any certificate in state expires within DAYS of now (or --as-of) and no renewal or reissue of it is in progress. Reads only the state; run 'certform refresh' first for current dates. The prometheus format prints gauges for a node-exporter textfile collector.

        Examples:
          certform check --within 30
          certform check --within 14 --format prometheus > /var/lib/node_exporter/certform.prom
        """)

    @OptionGroup var stateOptions: StateOptions

    @Option(help: "Days ahead to look.")
    var within: Int

    @Option(help: "Output format: text, json or prometheus.")
    var format: CheckView.Format = .text

    @Option(name: .customLong("as-of"), help: ArgumentHelp("Check as of this time instead of now.", valueName: "time"))
    var asOf: AsOfTime?

    func run() async throws {
        let state = try await Failure.report { () async throws(StateError) in try await stateOptions.loadState() }
        let rows = ExpiryCheck(within: within, today: CalendarDate(asOf?.date ?? Date())).rows(state)
        CheckView.show(rows, within: within, format: format)
        if rows.contains(where: \.due) { throw ExitCode.failure }
    }
}
