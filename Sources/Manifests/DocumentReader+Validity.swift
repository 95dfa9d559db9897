import CertCentralAPI
import Dates
import YAML

/// The order's term as CertCentral takes it since 31 October 2023: at most three years, given by
/// the root fields (`validity_years` 1–3, `validity_days` 1–1095, `custom_expiration_date` at most
/// three years after the as-of date) or by the `order_validity` object with the same rules, never
/// by both.
extension DocumentReader {
    static let maximumValidityYears = 3
    static let maximumValidityDays = 1095
    static let orderValidityKeys = ["years", "days", "custom_expiration_date"]

    /// Reads validity_years, validity_days, custom_expiration_date and order_validity into
    /// `settings`; one of them is required (after defaults; a missing one is reported at
    /// `certificate`, where the name is written), and order_validity never with the other three.
    func readValidity(into settings: inout OrderSettings, certificate: SourceLocation, keys: EffectiveKeys, defaults: [YAMLPair], field: inout FieldReader) {
        if let value = keys[.validityYears], let years = field.integer(value, key: "validity_years") {
            if checkYears(years, key: "validity_years", at: value.location, field: &field) { settings.validityYears = years }
        }
        if let value = keys[.validityDays], let days = field.integer(value, key: "validity_days") {
            if checkDays(days, key: "validity_days", at: value.location, field: &field) { settings.validityDays = days }
        }
        if let value = keys[.customExpirationDate], let text = field.string(value, key: "custom_expiration_date") {
            if checkExpirationDate(text, key: "custom_expiration_date", at: value.location, field: &field) { settings.customExpirationDate = text }
        }
        if let nested = keys[.orderValidity] {
            settings.orderValidity = readOrderValidity(nested, field: &field)
            for key in [CertificateKey.validityYears, .validityDays, .customExpirationDate] {
                if let root = keys[key] { reportBothForms(nested: nested, root: root, rootKey: key.rawValue, defaults: defaults, field: &field) }
            }
        } else if keys[.validityYears] == nil && keys[.validityDays] == nil && keys[.customExpirationDate] == nil {
            field.problem("\(field.owner) has no validity: one of validity_years, validity_days, custom_expiration_date or order_validity is required, after defaults", at: certificate)
        }
    }

    /// The `order_validity` object: exactly one of years, days and custom_expiration_date, each by
    /// the rule of its root field; nil after reporting what is wrong.
    private func readOrderValidity(_ node: YAMLNode, field: inout FieldReader) -> OrderValidity? {
        let problemsBefore = field.problems.count
        guard let object = field.object(node, key: "order_validity", allowed: Self.orderValidityKeys) else { return nil }
        var validity = OrderValidity()
        if let value = object["years"], let years = field.integer(value, key: "order_validity.years"),
           checkYears(years, key: "order_validity.years", at: value.location, field: &field) {
            validity.years = years
        }
        if let value = object["days"], let days = field.integer(value, key: "order_validity.days"),
           checkDays(days, key: "order_validity.days", at: value.location, field: &field) {
            validity.days = days
        }
        if let value = object["custom_expiration_date"], let text = field.string(value, key: "order_validity.custom_expiration_date"),
           checkExpirationDate(text, key: "order_validity.custom_expiration_date", at: value.location, field: &field) {
            validity.customExpirationDate = text
        }
        if object.values.count > 1 {
            let names = object.values.map { "'\($0.0)'" }.joined(separator: " and ")
            field.problem("order_validity of \(field.owner) sets \(names); give exactly one of years, days or custom_expiration_date", at: object.values[1].1.location)
        } else if object.values.isEmpty && field.problems.count == problemsBefore {
            field.problem("order_validity of \(field.owner) needs one of years, days or custom_expiration_date", at: node.location)
        }
        return field.problems.count == problemsBefore ? validity : nil
    }

    /// The order's term given both ways: a problem that names both, where the later is written.
    private func reportBothForms(nested: YAMLNode, root: YAMLNode, rootKey: String, defaults: [YAMLPair], field: inout FieldReader) {
        func fromDefaults(_ node: YAMLNode) -> Bool { defaults.contains { $0.value.location == node.location } }
        var message = "\(field.owner) sets both 'order_validity' and '\(rootKey)'; give the order's term one way: the order_validity object, or validity_years, validity_days and custom_expiration_date"
        switch (fromDefaults(nested), fromDefaults(root)) {
        case (true, false): message += " ('order_validity' comes from defaults: write 'order_validity: ~' in the certificate to unset it)"
        case (false, true): message += " ('\(rootKey)' comes from defaults: write '\(rootKey): ~' in the certificate to unset it)"
        default: break
        }
        field.problem(message, at: max(nested.location, root.location))
    }

    /// Whether `years` is 1, 2 or 3; a problem when it is not.
    private func checkYears(_ years: Int, key: String, at location: SourceLocation, field: inout FieldReader) -> Bool {
        if (1...Self.maximumValidityYears).contains(years) { return true }
        field.problem("\(key) of \(field.owner) must be 1, 2 or 3 (an order lasts at most three years), found \(years)", at: location)
        return false
    }

    /// Whether `days` is from 1 to 1095; a problem when it is not.
    private func checkDays(_ days: Int, key: String, at location: SourceLocation, field: inout FieldReader) -> Bool {
        if (1...Self.maximumValidityDays).contains(days) { return true }
        field.problem("\(key) of \(field.owner) must be from 1 to \(Self.maximumValidityDays) (an order lasts at most three years), found \(days)", at: location)
        return false
    }

    /// Whether `text` is a real date after `asOf` and at most three calendar years after it (29
    /// February plus three years is 28 February); a problem when it is not.
    private func checkExpirationDate(_ text: String, key: String, at location: SourceLocation, field: inout FieldReader) -> Bool {
        guard let date = CalendarDate(text) else {
            field.problem("\(key) '\(text)' of \(field.owner) is not a real date in yyyy-MM-dd form", at: location)
            return false
        }
        let latest = Self.latestExpiration(after: asOf)
        if date <= asOf {
            field.problem("\(key) '\(text)' of \(field.owner) is not after the as-of date \(asOf)", at: location)
        } else if date > latest {
            field.problem("\(key) '\(text)' of \(field.owner) is more than three years after the as-of date \(asOf); it must be \(latest) or earlier", at: location)
        } else {
            return true
        }
        return false
    }

    /// The latest order end CertCentral takes for an order placed on `day`: three calendar years
    /// later, 28 February for 29 February.
    static func latestExpiration(after day: CalendarDate) -> CalendarDate {
        let year = day.year + maximumValidityYears
        return CalendarDate(year: year, month: day.month, day: day.day) ?? CalendarDate(year: year, month: day.month, day: day.day - 1)!
    }
}
