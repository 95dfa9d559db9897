import CertCentralAPI
import YAML

extension DocumentReader {
    /// Reads technical_contact into `settings`; it is set only when every required part is there.
    /// A contact written before the certificate (`certificate`, where its name is) — in `defaults`
    /// or behind an anchor — is read once and remembered; one written in the certificate's own
    /// entry can be no other's, and is not kept.
    mutating func readTechnicalContact(into settings: inout OrderSettings, certificate: SourceLocation, keys: EffectiveKeys, field: inout FieldReader) {
        guard let value = keys[.technicalContact] else { return }
        if let known = contacts[value.location] {
            settings.technicalContact = known
            return
        }
        let problemsBefore = field.problems.count
        guard let object = field.object(value, key: "technical_contact", allowed: AllowedValues.contactKeys) else { return }
        func part(_ key: String, required: Bool) -> String? {
            guard let node = object[key] else {
                if required { field.problem("technical_contact of \(field.owner) needs '\(key)'", at: value.location) }
                return nil
            }
            return field.string(node, key: "technical_contact.\(key)")
        }
        let first = part("first_name", required: true), last = part("last_name", required: true)
        let phone = part("telephone", required: true), title = part("job_title", required: false)
        let email = part("email", required: true)
        if let email, let node = object["email"], !EmailAddress.isPlausible(email) {
            field.problem("technical_contact.email '\(email)' of \(field.owner) is not an email address", at: node.location)
        }
        if let first, let last, let phone, let email {
            let contact = TechnicalContact(firstName: first, lastName: last, telephone: phone, jobTitle: title, email: email)
            settings.technicalContact = contact
            if field.problems.count == problemsBefore && value.location < certificate { contacts[value.location] = contact }
        }
    }
}
