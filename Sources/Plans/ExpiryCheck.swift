import CertCentralAPI
import Dates
import States

/// `certform check`: which certificates expire within a window with nothing renewing them.
public struct ExpiryCheck: Sendable {
    /// One certificate in state, as the check sees it.
    public struct Row: Sendable, Hashable {
        public var name: String
        public var record: StateRecord
        /// Days from the check's day to `valid_till`; nil when the expiry is not known.
        public var daysLeft: Int?
        /// An order, reissue or unresolved intent is under way for it.
        public var inProgress: Bool
        /// It expires within the window and nothing is renewing it.
        public var due: Bool
    }

    public var within: Int
    public var today: CalendarDate

    public init(within: Int, today: CalendarDate) {
        self.within = within
        self.today = today
    }

    /// Every certificate in state, sorted by name.
    public func rows(_ state: State) -> [Row] {
        let pending = Set(state.intents.map(\.name))
        return state.certificates.keys.sorted().map { name in
            let record = state.certificates[name]!
            let daysLeft = record.validTill.map { today.days(until: $0) }
            let inProgress = record.status.isInProgress || pending.contains(name)
            let due = !inProgress && !record.status.isFailed && (daysLeft.map { $0 <= within } ?? false)
            return Row(name: name, record: record, daysLeft: daysLeft, inProgress: inProgress, due: due)
        }
    }
}
