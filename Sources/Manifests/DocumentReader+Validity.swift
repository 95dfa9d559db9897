import Dates
import YAML

extension DocumentReader {
    /// Reads validity_years, validity_days and custom_expiration_date into `spec`; one of them is
    /// required.
    func readValidity(into spec: inout CertificateSpec, keys: EffectiveKeys, field: inout FieldReader) {
        if let value = keys[.validityYears], let years = field.integer(value, key: "validity_years") {
            if years == 1 || years == 2 { spec.validityYears = years } else {
                field.problem("validity_years of \(field.owner) must be 1 or 2, found \(years)", at: value.location)
            }
        }
        if let value = keys[.validityDays], let days = field.integer(value, key: "validity_days") {
            if days >= 1 { spec.validityDays = days } else {
                field.problem("validity_days of \(field.owner) must be at least 1, found \(days)", at: value.location)
            }
        }
        if let value = keys[.customExpirationDate], let text = field.string(value, key: "custom_expiration_date") {
            if checkExpirationDate(text, at: value.location, field: &field) { spec.customExpirationDate = text }
        }
        if keys[.validityYears] == nil && keys[.validityDays] == nil && keys[.customExpirationDate] == nil {
            field.missing("validity_years", at: spec.location, hint: "or 'validity_days' or 'custom_expiration_date'")
        }
    }

    /// Whether custom_expiration_date `text` is a real date after `asOf` and less than 825 days
    /// after it; a problem when it is not.
    private func checkExpirationDate(_ text: String, at location: SourceLocation, field: inout FieldReader) -> Bool {
        guard let date = CalendarDate(text) else {
            field.problem("custom_expiration_date '\(text)' of \(field.owner) is not a real date in yyyy-MM-dd form", at: location)
            return false
        }
        let days = asOf.days(until: date)
        if days <= 0 {
            field.problem("custom_expiration_date '\(text)' of \(field.owner) is not after the as-of date \(asOf)", at: location)
        } else if days >= 825 {
            field.problem("custom_expiration_date '\(text)' of \(field.owner) is \(days) days after \(asOf); it must be less than 825", at: location)
        } else {
            return true
        }
        return false
    }
}
