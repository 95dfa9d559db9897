import CertCentralAPI

/// One thing to publish so that CertCentral can validate one domain of an order: a TXT record,
/// a CNAME record or a file on a web server (SPEC §6, `certform dcv`). Email orders publish
/// nothing; see ``DCVTask/emailAddresses(for:)``.
public struct DCVTask: Sendable, Hashable {
    /// How the value is published.
    public enum Kind: String, Sendable, Hashable {
        case txt = "TXT"
        case cname = "CNAME"
        case http = "HTTP"
    }

    public var method: DCVMethod
    public var kind: Kind
    /// The domain validated (`*.example.com` validates at `example.com`).
    public var domain: String
    /// The DNS name of the record (TXT, CNAME), or the URL path of the file (HTTP).
    public var record: String
    /// The TXT record's text, the CNAME's target, or the file's content.
    public var value: String

    public init(method: DCVMethod, kind: Kind, domain: String, record: String, value: String) {
        self.method = method
        self.kind = kind
        self.domain = domain
        self.record = record
        self.value = value
    }

    /// The file's full URL for `http-token`, nil for the DNS methods.
    public var url: String? { kind == .http ? "http://\(domain)\(record)" : nil }

    /// What to publish for an order validated by `method` with `randomValue`, one task per
    /// distinct domain of `names` (the common name first); empty for email.
    public static func tasks(method: DCVMethod, names: [String], randomValue: String) -> [DCVTask] {
        var seen: Set<String> = []
        var tasks: [DCVTask] = []
        for name in names {
            let domain = DCVPublication.baseName(name).lowercased()
            guard seen.insert(domain).inserted, let task = task(method: method, domain: domain, randomValue: randomValue) else { continue }
            tasks.append(task)
        }
        return tasks
    }

    static func task(method: DCVMethod, domain: String, randomValue: String) -> DCVTask? {
        switch method {
        case .dnsTXTToken:
            return DCVTask(method: method, kind: .txt, domain: domain, record: DCVPublication.txtRecord(for: domain), value: randomValue)
        case .dnsCNAMEToken:
            return DCVTask(method: method, kind: .cname, domain: domain,
                           record: DCVPublication.cnameRecord(for: domain, value: randomValue), value: DCVPublication.cnameTarget)
        case .httpToken:
            return DCVTask(method: method, kind: .http, domain: domain, record: DCVPublication.httpTokenPath, value: randomValue)
        case .email:
            return nil
        }
    }

    /// The constructed addresses DigiCert writes to for an email-validated order (admin@,
    /// administrator@, hostmaster@, postmaster@ and webmaster@ each base domain), besides the
    /// domain's WHOIS contacts; an order's `dcv_emails` narrows this.
    public static func emailAddresses(for names: [String]) -> [String] {
        var seen: Set<String> = []
        return names.map { DCVPublication.baseName($0).lowercased() }.filter { seen.insert($0).inserted }.flatMap { domain in
            constructedMailboxes.map { "\($0)@\(domain)" }
        }
    }

    static let constructedMailboxes = ["admin", "administrator", "hostmaster", "postmaster", "webmaster"]
}
