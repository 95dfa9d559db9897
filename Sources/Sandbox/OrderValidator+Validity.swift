import CertCentralAPI
import Dates

/// How long an order (a plan) lasts, by CertCentral's precedence when several fields are sent:
/// `custom_expiration_date`, then days, then years.
enum OrderTerm: Sendable, Hashable {
    case years(Int)
    case days(Int)
    case until(CalendarDate)

    /// The order's last day when it starts on `day` (29 February plus a year is 28 February).
    func end(from day: CalendarDate) -> CalendarDate {
        switch self {
        case .until(let date):
            return date
        case .days(let days):
            return day.adding(days: days)
        case .years(let years):
            return CalendarDate(year: day.year + years, month: day.month, day: day.day)
                ?? CalendarDate(year: day.year + years, month: day.month, day: day.day - 1)!
        }
    }
}

/// The validity rules as CertCentral applies them since 31 October 2023: an order lasts at most
/// three years (`validity_years` 1–3, `validity_days` 1–1095, `custom_expiration_date` at most
/// three years ahead), given either by the root fields or by the `order_validity` object, never by
/// both; more is `invalid_value:<field>`.
extension OrderValidator {
    static let maximumYears = 3
    static let maximumDays = 1095

    /// The names of one form's fields, as errors name them.
    struct TermFields {
        var years: String
        var days: String
        var date: String

        static let root = TermFields(years: "validity_years", days: "validity_days", date: "custom_expiration_date")
        static let nested = TermFields(years: "order_validity.years", days: "order_validity.days", date: "order_validity.custom_expiration_date")
    }

    /// The order's term, or nil after reporting why there is none.
    mutating func checkValidity(_ request: OrderRequest) -> OrderTerm? {
        let rootKeys: Set = [TermFields.root.years, TermFields.root.days, TermFields.root.date]
        let rootSent = request.validityYears != nil || request.validityDays != nil || request.customExpirationDate != nil
            || !dropped.isDisjoint(with: rootKeys)
        let nestedSent = request.orderValidity != nil || dropped.contains("order_validity")
        if rootSent && nestedSent {
            fail("invalid_value:order_validity", "Send order_validity or validity_years, validity_days and custom_expiration_date, not both.")
            return nil
        }
        if let nested = request.orderValidity {
            guard nested.years != nil || nested.days != nil || nested.customExpirationDate != nil else {
                fail("missing_field:order_validity.years", "order_validity needs years, days or custom_expiration_date.")
                return nil
            }
            return checkTerm(years: nested.years, days: nested.days, date: nested.customExpirationDate, fields: .nested)
        }
        if !rootSent && !nestedSent {
            fail("missing_field:validity_years", "validity_years is required unless validity_days, custom_expiration_date or order_validity is given.")
        }
        return checkTerm(years: request.validityYears, days: request.validityDays, date: request.customExpirationDate, fields: .root)
    }

    /// Checks each field sent; the term they give when all are valid.
    mutating func checkTerm(years: Int?, days: Int?, date text: String?, fields: TermFields) -> OrderTerm? {
        var valid = true
        if let years, !(1...Self.maximumYears).contains(years) {
            fail("invalid_value:\(fields.years)", "\(fields.years) must be from 1 to \(Self.maximumYears): an order lasts at most three years.")
            valid = false
        }
        if let days, !(1...Self.maximumDays).contains(days) {
            fail("invalid_value:\(fields.days)", "\(fields.days) must be an integer from 1 to \(Self.maximumDays): an order lasts at most three years.")
            valid = false
        }
        var date: CalendarDate?
        if let text {
            date = checkExpirationDate(text, field: fields.date)
            valid = valid && date != nil
        }
        guard valid else { return nil }
        if let date { return .until(date) }
        if let days { return .days(days) }
        return years.map(OrderTerm.years)
    }

    /// A `yyyy-MM-dd` date after today and at most three years ahead.
    mutating func checkExpirationDate(_ text: String, field: String) -> CalendarDate? {
        guard let date = CalendarDate(text) else {
            fail("invalid_value:\(field)", "\(field) must be a date in yyyy-MM-dd format.")
            return nil
        }
        let latest = OrderTerm.years(Self.maximumYears).end(from: today)
        guard today < date, date <= latest else {
            fail("invalid_value:\(field)", "\(field) must be after today and at most three years ahead (\(latest)).")
            return nil
        }
        return date
    }
}
