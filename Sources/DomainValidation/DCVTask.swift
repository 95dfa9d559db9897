import CertCentralAPI

/// One thing to publish so that CertCentral can validate one domain of an order: a TXT record,
/// a CNAME record or a file on a web server (SPEC §6, `certform dcv`). Email orders publish
/// nothing; see ``DCVTask/emailAddresses(for:scopes:)``.
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

    /// The addresses DigiCert writes to for an email-validated order, each once, in the names'
    /// order. A name the order's `dcv_emails` (`scopes`) gives an `email` gets that address; one
    /// it gives only an `email_domain`, the constructed addresses of that domain (admin@,
    /// administrator@, hostmaster@, postmaster@ and webmaster@); any other, those of its base
    /// domain. Both of the last two also reach the domain's WHOIS contacts
    /// (``constructedDomains(for:scopes:)``).
    public static func emailAddresses(for names: [String], scopes: [DCVEmail] = []) -> [String] {
        var seen: Set<String> = []
        return names.flatMap { name -> [String] in
            if let email = scope(of: name, in: scopes)?.email { return [email] }
            return constructedMailboxes.map { "\($0)@\(emailDomain(of: name, scopes: scopes))" }
        }.filter { seen.insert($0.lowercased()).inserted }
    }

    /// The domains whose constructed addresses and WHOIS contacts DigiCert writes to: those of the
    /// names that `scopes` gives no `email`.
    public static func constructedDomains(for names: [String], scopes: [DCVEmail] = []) -> [String] {
        var seen: Set<String> = []
        return names.filter { scope(of: $0, in: scopes)?.email == nil }.map { emailDomain(of: $0, scopes: scopes) }
            .filter { seen.insert($0).inserted }
    }

    /// The entry for `name`, or else for its base domain (a wildcard validates there), of those
    /// that keep the manifest's rules (``holds(_:)``): entries read from a state file are not
    /// trusted to name a mailbox outside the name's domain.
    static func scope(of name: String, in scopes: [DCVEmail]) -> DCVEmail? {
        let name = name.lowercased(), base = DCVPublication.baseName(name)
        let valid = scopes.filter(holds)
        return valid.first { $0.dnsName.lowercased() == name } ?? valid.first { $0.dnsName.lowercased() == base }
    }

    /// Whether `scope` keeps SPEC §2.2's rules: `email_domain` is its name's base domain or a
    /// parent of it (not a top-level domain alone), and `email` an address in it.
    static func holds(_ scope: DCVEmail) -> Bool {
        DCVEmail(dnsName: scope.dnsName.lowercased(), emailDomain: scope.emailDomain.lowercased(),
                 email: scope.email?.lowercased()).keepsRules
    }

    static func emailDomain(of name: String, scopes: [DCVEmail]) -> String {
        (scope(of: name, in: scopes)?.emailDomain ?? DCVPublication.baseName(name)).lowercased()
    }

    /// The mailboxes DigiCert constructs at a domain for DCV email.
    public static let constructedMailboxes = ["admin", "administrator", "hostmaster", "postmaster", "webmaster"]
}
