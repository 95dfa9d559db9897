import CertCentralAPI
import JSON

/// `dcv_emails` as a state file keeps them, in a record or an intent: the request's own objects
/// (`{"dns_name", "email_domain", "email"?}`). Read from an untrusted file: an entry that does not
/// read as one is left out, and what is shown of the rest is checked again (`DCVEmail.keepsRules`).
enum DCVEmailsJSON {
    static func entries(_ value: JSONValue?) -> [DCVEmail] {
        (value?.arrayValue ?? []).compactMap { entry in
            guard let name = entry["dns_name"]?.stringValue, let domain = entry["email_domain"]?.stringValue else { return nil }
            return DCVEmail(dnsName: name, emailDomain: domain, email: entry["email"]?.stringValue)
        }
    }

    /// The JSON of `entries`; nil for none (the field is left out).
    static func value(_ entries: [DCVEmail]) -> JSONValue? {
        guard !entries.isEmpty else { return nil }
        return .array(entries.map { entry in
            var object: [String: JSONValue] = ["dns_name": .string(entry.dnsName), "email_domain": .string(entry.emailDomain)]
            if let email = entry.email { object["email"] = .string(email) }
            return .object(object)
        })
    }
}
