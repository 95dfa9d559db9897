import ArgumentParser
import Dates
import Foundation
import States

struct Show: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show the orders in state: name, order, status, expiry, days left.",
        discussion: """
        Reads only the state file. Days left are counted from today (UTC), or from --as-of.

        Examples:
          certform show
          certform show --format json
        """)

    @OptionGroup var stateOptions: StateOptions

    @Option(help: "Output format: text or json.")
    var format: StateView.Format = .text

    @Option(name: .customLong("as-of"), help: ArgumentHelp("Count days left from this time instead of now.", valueName: "time"))
    var asOf: AsOfTime?

    func run() async throws {
        let state = try await Failure.report { () async throws(StateError) in try await stateOptions.loadState() }
        StateView.show(state, location: stateOptions.statePath, today: CalendarDate(asOf?.date ?? Date()), format: format)
    }
}
