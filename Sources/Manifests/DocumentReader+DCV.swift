import CertCentralAPI
import YAML

extension DocumentReader {
    /// Reads dcv_emails into `settings`: which address validates which of the certificate's
    /// names (`names`).
    func readDCVEmails(into settings: inout OrderSettings, names allNames: @autoclosure () -> [String], keys: EffectiveKeys, field: inout FieldReader) {
        guard let value = keys[.dcvEmails] else { return }
        let names = allNames()
        // `settings.dcvMethod` is email exactly when dcv_method is (a missing one stands in as dns-txt-token).
        if settings.dcvMethod != .email {
            field.problem("dcv_emails of \(field.owner) is only used with dcv_method 'email'", at: value.location)
        }
        guard let items = field.list(value, key: "dcv_emails") else { return }
        var entries: [DCVEmail] = []
        for item in items {
            guard let entry = readDCVEmail(item, names: names, field: &field) else { continue }
            // One scope per name: with two, which DigiCert honours is not documented.
            if entries.contains(where: { $0.dnsName.lowercased() == entry.dnsName.lowercased() }) {
                field.problem("dcv_emails of \(field.owner) names '\(entry.dnsName)' twice; give each name one entry", at: item.location)
            }
            entries.append(entry)
        }
        settings.dcvEmails = entries
    }

    /// One entry of dcv_emails; nil when it lacks `dns_name` or `email_domain`.
    private func readDCVEmail(_ item: YAMLNode, names: [String], field: inout FieldReader) -> DCVEmail? {
        guard let object = field.object(item, key: "dcv_emails entry", allowed: ["dns_name", "email_domain", "email"]) else { return nil }
        let dnsName = object["dns_name"].flatMap { field.string($0, key: "dcv_emails.dns_name") }
        let domain = object["email_domain"].flatMap { field.string($0, key: "dcv_emails.email_domain") }
        let email = object["email"].flatMap { field.string($0, key: "dcv_emails.email") }
        if object["dns_name"] == nil { field.problem("a dcv_emails entry of \(field.owner) needs 'dns_name'", at: item.location) }
        if object["email_domain"] == nil { field.problem("a dcv_emails entry of \(field.owner) needs 'email_domain'", at: item.location) }
        guard let dnsName, let domain else { return nil }
        if !names.contains(dnsName) {
            field.problem("dcv_emails dns_name '\(dnsName)' of \(field.owner) is neither the common_name nor one of dns_names", at: object["dns_name"]!.location)
        } else if !DCVEmail.isEmailDomain(domain, of: dnsName) {
            field.problem("dcv_emails email_domain '\(domain)' is not '\(DomainName.base(of: dnsName))' or a parent domain of it (a top-level domain alone is not one)", at: object["email_domain"]!.location)
        }
        if let email, let emailNode = object["email"] {
            checkDCVAddress(email, domain: domain, at: emailNode.location, field: &field)
        }
        return DCVEmail(dnsName: dnsName, emailDomain: domain, email: email)
    }

    /// A problem unless `email` is an address in `domain` or a subdomain of it.
    private func checkDCVAddress(_ email: String, domain: String, at location: SourceLocation, field: inout FieldReader) {
        if !EmailAddress.isPlausible(email) {
            field.problem("dcv_emails email '\(email)' of \(field.owner) is not an email address", at: location)
        } else if !DCVEmail.isAddress(email, in: domain) {
            field.problem("dcv_emails email '\(email)' is not an address in '\(domain)' or a subdomain of it", at: location)
        }
    }
}
