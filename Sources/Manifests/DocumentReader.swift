import CertCentralAPI
import Dates
import YAML

/// Turns one YAML document into certificate specs, collecting a diagnostic for every problem
/// instead of stopping at the first.
struct DocumentReader {
    let file: String
    let asOf: CalendarDate
    var diagnostics: [Diagnostic] = []
    /// Problems reported once per place even when `defaults` make them recur per certificate.
    private var reported: Set<String> = []

    init(file: String, asOf: CalendarDate) {
        self.file = file
        self.asOf = asOf
    }

    mutating func error(_ message: String, at location: SourceLocation?) {
        report(.error(message, file: file, at: location))
    }

    mutating func warning(_ message: String, at location: SourceLocation?) {
        report(.warning(message, file: file, at: location))
    }

    mutating func report(_ diagnostic: Diagnostic) {
        let key = "\(diagnostic.location?.description ?? "-") \(diagnostic.message)"
        if reported.insert(key).inserted {
            diagnostics.append(diagnostic)
        }
    }

    // MARK: Documents

    /// The certificates of one document that were read while it was parsed (see
    /// ``ManifestLoader``): their specs, and a reader holding their diagnostics. They count only
    /// if the document turns out to be one certform reads.
    struct Streamed {
        var specs: [(spec: CertificateSpec, isValid: Bool)] = []
        var reader: DocumentReader
        /// Whether `defaults` was written before `certificates` (or not at all, as far as known
        /// then); when it comes after, the entries were read without it and must be read again.
        var sawDefaults: Bool
    }

    /// The mapping of `defaults` among a document's top-level pairs, when there is one.
    static func defaults(in pairs: [YAMLPair]) -> [YAMLPair]? {
        for pair in pairs where pair.key.scalarValue == "defaults" {
            if case .mapping(let entries) = pair.value.kind { return entries }
        }
        return nil
    }

    /// Whether the document has a `defaults` key.
    static func hasDefaults(_ document: YAMLNode) -> Bool {
        guard case .mapping(let pairs) = document.kind else { return false }
        return pairs.contains { $0.key.scalarValue == "defaults" }
    }

    /// Reads a document; returns its certificates, each with `isValid` false when it had an error
    /// (such a certificate still gets its CSR checked, so that every problem is reported).
    /// `streamed` are the entries of `certificates` read while parsing; the document's own
    /// `certificates` mapping is then empty.
    mutating func read(document: YAMLNode, streamed: Streamed? = nil) -> [(spec: CertificateSpec, isValid: Bool)] {
        if document.isNull { return [] }  // an empty document between `---` markers
        guard case .mapping(let pairs) = document.kind else {
            error("a manifest document must be a mapping with 'apiVersion' and 'certificates', found \(document.kindDescription)", at: document.location)
            return []
        }
        var apiVersion: YAMLPair?
        var defaults: [YAMLPair] = []
        var certificates: YAMLPair?
        for pair in pairs {
            guard let key = pair.key.scalarValue else {
                error("keys must be strings, found \(pair.key.kindDescription)", at: pair.key.location)
                continue
            }
            switch key {
            case "apiVersion": apiVersion = pair
            case "defaults":
                if pair.value.isNull { continue }
                guard case .mapping(let entries) = pair.value.kind else {
                    error("'defaults' must be a mapping of certificate keys, found \(pair.value.kindDescription)", at: pair.value.location)
                    continue
                }
                defaults = entries
                checkKeys(entries, context: "'defaults'")
            case "certificates": certificates = pair
            default:
                if key.hasPrefix("x-") { continue }
                error("unknown top-level key '\(key)'\(Suggestion.clause(for: key, in: AllowedValues.topLevelKeys)); top-level keys are apiVersion, defaults, certificates and x-…", at: pair.key.location)
            }
        }
        if let apiVersion {
            let value = apiVersion.value.scalarValue
            if value != AllowedValues.apiVersion || apiVersion.value.isNull {
                error("unsupported apiVersion '\(value ?? apiVersion.value.kindDescription)'; this certform reads '\(AllowedValues.apiVersion)'", at: apiVersion.value.location)
                return []
            }
        } else {
            error("missing 'apiVersion: \(AllowedValues.apiVersion)' in this document", at: document.location)
        }
        guard let certificates else {
            if !defaults.isEmpty {
                warning("this document has 'defaults' but no 'certificates'", at: document.location)
            }
            return []
        }
        if certificates.value.isNull { return [] }
        guard case .mapping(let entries) = certificates.value.kind else {
            error("'certificates' must be a mapping from certificate name to certificate, found \(certificates.value.kindDescription)", at: certificates.value.location)
            return []
        }
        var specs: [(spec: CertificateSpec, isValid: Bool)] = []
        if let streamed {
            specs = streamed.specs
            for diagnostic in streamed.reader.diagnostics { report(diagnostic) }
        }
        for entry in entries {
            if let spec = read(entry: entry, defaults: defaults) { specs.append(spec) }
        }
        return specs
    }

    /// Reads one entry of `certificates`: a name and its mapping of keys.
    mutating func read(entry: YAMLPair, defaults: [YAMLPair]) -> (spec: CertificateSpec, isValid: Bool)? {
        guard let name = entry.key.scalarValue, !entry.key.isNull else {
            error("a certificate name must be a string, found \(entry.key.kindDescription)", at: entry.key.location)
            return nil
        }
        if !CertificateName.isValid(name) {
            error("invalid certificate name '\(name)'; names are 1–63 characters of lowercase letters, digits, '.', '_' and '-', starting with a letter or digit", at: entry.key.location)
        }
        guard case .mapping(let fields) = entry.value.kind else {
            error("certificate '\(name)' must be a mapping of keys, found \(entry.value.kindDescription)", at: entry.value.location)
            return nil
        }
        return readCertificate(name: name, nameLocation: entry.key.location, defaults: defaults, fields: fields)
    }

    /// Reports unknown and forbidden keys once, where they are written.
    mutating func checkKeys(_ pairs: [YAMLPair], context: String) {
        for pair in pairs {
            guard let key = pair.key.scalarValue else {
                error("keys must be strings, found \(pair.key.kindDescription)", at: pair.key.location)
                continue
            }
            if CertificateKey.named(key) != nil { continue }
            if let reason = CertificateKey.forbidden[key] {
                error("'\(key)' is not allowed in \(context): \(reason)", at: pair.key.location)
            } else {
                error("unknown key '\(key)' in \(context)\(Suggestion.clause(for: key, in: CertificateKey.allNames))", at: pair.key.location)
            }
        }
    }

    // MARK: Certificates

    mutating func readCertificate(name: String, nameLocation: SourceLocation, defaults: [YAMLPair], fields: [YAMLPair]) -> (spec: CertificateSpec, isValid: Bool) {
        // Defaults first, then the certificate's own keys replace them key by key.
        var effective = EffectiveKeys()
        for pair in defaults { effective.set(pair) }
        for pair in fields { effective.set(pair) }
        var field = FieldReader(certificate: name)
        defer {
            for (message, location) in field.problems {
                // A value that comes from `defaults` is reported once, as a problem of `defaults`.
                if defaults.contains(where: { $0.value.location == location }) {
                    error(message.replacingOccurrences(of: "certificate '\(name)'", with: "'defaults'"), at: location)
                } else {
                    error(message, at: location)
                }
            }
        }
        func node(_ key: CertificateKey) -> YAMLNode? { effective[key] }
        let errorsBefore = diagnostics.count
        checkKeys(fields, context: "certificate '\(name)'")

        let product: Product? = node(.product).flatMap { field.choice($0, key: "product", Product.allCases.map(\.rawValue)).flatMap(Product.init) }
        let commonName = node(.commonName).flatMap { field.string($0, key: "common_name") }
        let dnsNameNodes = node(.dnsNames).flatMap { field.list($0, key: "dns_names") }
        let dcvMethod: DCVMethod? = node(.dcvMethod).flatMap { field.choice($0, key: "dcv_method", DCVMethod.allCases.map(\.rawValue)).flatMap(DCVMethod.init) }

        var spec = CertificateSpec(
            name: name, file: file, location: nameLocation,
            product: product ?? .sslDVGeoTrust, commonName: commonName ?? "", csr: "",
            dcvMethod: dcvMethod ?? .dnsTXTToken, validityYears: nil)
        if product == nil && node(.product) == nil { field.missing("product", at: nameLocation, hint: "one of \(Product.allCases.map(\.rawValue).joined(separator: ", "))") }
        if commonName == nil && node(.commonName) == nil { field.missing("common_name", at: nameLocation, hint: "the DNS name to secure") }
        if dcvMethod == nil && node(.dcvMethod) == nil { field.missing("dcv_method", at: nameLocation, hint: "one of \(DCVMethod.allCases.map(\.rawValue).joined(separator: ", "))") }

        // Names.
        let wildcardAllowed = product?.isWildcard ?? true
        if let commonName, let cnNode = node(.commonName) {
            if let problem = DomainName.problem(with: commonName) {
                field.problem("invalid common_name in \(field.owner): \(problem)", at: cnNode.location)
            } else if DomainName.isWildcard(commonName) && !wildcardAllowed {
                field.problem("common_name '\(commonName)' is a wildcard, which product '\(product!.rawValue)' cannot secure; use wildcard_dv_geotrust or wildcard_dv_rapidssl", at: cnNode.location)
            } else if let product, product.isWildcard, !DomainName.isWildcard(commonName) {
                field.problem("product '\(product.rawValue)' needs a wildcard common_name such as '*.\(commonName)'", at: cnNode.location)
            }
        }
        if let dnsNameNodes {
            var names: [String] = []
            var seen: [String: SourceLocation] = [:]
            for item in dnsNameNodes {
                guard let dnsName = field.string(item, key: "dns_names") else { continue }
                if let problem = DomainName.problem(with: dnsName) {
                    field.problem("invalid name in dns_names of \(field.owner): \(problem)", at: item.location)
                } else if DomainName.isWildcard(dnsName) && !wildcardAllowed {
                    field.problem("dns_names entry '\(dnsName)' is a wildcard, which product '\(product!.rawValue)' cannot secure", at: item.location)
                }
                if dnsName == commonName {
                    field.problem("dns_names repeats the common_name '\(dnsName)'; list only the additional names", at: item.location)
                } else if let first = seen[dnsName] {
                    field.problem("duplicate name '\(dnsName)' in dns_names (first at line \(first.line))", at: item.location)
                } else {
                    seen[dnsName] = item.location
                    names.append(dnsName)
                }
            }
            spec.dnsNames = names
        }
        if dcvMethod == .httpToken, spec.allNames.contains(where: DomainName.isWildcard) {
            field.problem("dcv_method 'http-token' cannot validate a wildcard name; use dns-txt-token, dns-cname-token or email", at: node(.dcvMethod)?.location ?? nameLocation)
        }

        // CSR.
        switch (node(.csr), node(.csrFile)) {
        case (nil, nil):
            field.missing("csr_file", at: nameLocation, hint: "or 'csr': the PEM certificate signing request")
        case (.some(let a), .some(let b)):
            let later = a.location > b.location ? a : b
            field.problem("\(field.owner) sets both 'csr' and 'csr_file'; keep exactly one", at: later.location)
        case (.some(let csrNode), nil):
            if let text = field.string(csrNode, key: "csr") {
                spec.csr = text
                spec.csrLocation = csrNode.location
            }
        case (nil, .some(let fileNode)):
            if let path = field.string(fileNode, key: "csr_file") {
                // Read later, with the CSR checks, on every core (ManifestLoader.checkCSRs).
                spec.csrFile = path
                spec.csrLocation = fileNode.location
            }
        }

        // Validity.
        if let value = node(.validityYears), let years = field.integer(value, key: "validity_years") {
            if years == 1 || years == 2 { spec.validityYears = years } else {
                field.problem("validity_years of \(field.owner) must be 1 or 2, found \(years)", at: value.location)
            }
        }
        if let value = node(.validityDays), let days = field.integer(value, key: "validity_days") {
            if days >= 1 { spec.validityDays = days } else {
                field.problem("validity_days of \(field.owner) must be at least 1, found \(days)", at: value.location)
            }
        }
        if let value = node(.customExpirationDate), let text = field.string(value, key: "custom_expiration_date") {
            if let date = CalendarDate(text) {
                let days = asOf.days(until: date)
                if days <= 0 {
                    field.problem("custom_expiration_date '\(text)' of \(field.owner) is not after the as-of date \(asOf)", at: value.location)
                } else if days >= 825 {
                    field.problem("custom_expiration_date '\(text)' of \(field.owner) is \(days) days after \(asOf); it must be less than 825", at: value.location)
                } else {
                    spec.customExpirationDate = text
                }
            } else {
                field.problem("custom_expiration_date '\(text)' of \(field.owner) is not a real date in yyyy-MM-dd form", at: value.location)
            }
        }
        if node(.validityYears) == nil && node(.validityDays) == nil && node(.customExpirationDate) == nil {
            field.missing("validity_years", at: nameLocation, hint: "or 'validity_days' or 'custom_expiration_date'")
        }

        // Plain optional parameters.
        if let value = node(.organizationUnits), let items = field.list(value, key: "organization_units") {
            spec.organizationUnits = items.compactMap { field.string($0, key: "organization_units") }
        }
        if let value = node(.serverPlatform), let object = field.object(value, key: "server_platform", allowed: ["id"]) {
            if let id = object["id"] { spec.serverPlatformID = field.integer(id, key: "server_platform.id") } else {
                field.problem("server_platform of \(field.owner) needs 'id'", at: value.location)
            }
        }
        if let value = node(.comments) { spec.comments = field.string(value, key: "comments") }
        if let value = node(.autoRenew), let flag = field.integer(value, key: "auto_renew") {
            if flag == 0 || flag == 1 { spec.autoRenew = flag } else {
                field.problem("auto_renew of \(field.owner) must be 0 or 1, found \(flag)", at: value.location)
            }
        }
        if let value = node(.customRenewalMessage) { spec.customRenewalMessage = field.string(value, key: "custom_renewal_message") }
        if let value = node(.disableRenewalNotifications) { spec.disableRenewalNotifications = field.boolean(value, key: "disable_renewal_notifications") }
        if let value = node(.paymentMethod) { spec.paymentMethod = field.choice(value, key: "payment_method", PaymentMethod.allCases.map(\.rawValue)).flatMap(PaymentMethod.init) }
        if let value = node(.locale), let locale = field.string(value, key: "locale") {
            if LocaleCode.isPlausible(locale) { spec.locale = locale } else {
                field.problem("locale '\(locale)' of \(field.owner) is not a locale code such as 'en', 'de', 'ja' or 'zh_CN'", at: value.location)
            }
        }
        if let value = node(.skipApproval) { spec.skipApproval = field.boolean(value, key: "skip_approval") }
        if let value = node(.disableCT) { spec.disableCT = field.boolean(value, key: "disable_ct") }
        if let value = node(.container), let object = field.object(value, key: "container", allowed: ["id"]) {
            if let id = object["id"] { spec.containerID = field.integer(id, key: "container.id") } else {
                field.problem("container of \(field.owner) needs 'id'", at: value.location)
            }
        }
        if let value = node(.customFields), let items = field.list(value, key: "custom_fields") {
            var fields: [CustomField] = []
            for item in items {
                guard let object = field.object(item, key: "custom_fields entry", allowed: ["metadata_id", "value"]) else { continue }
                let id = object["metadata_id"].flatMap { field.integer($0, key: "custom_fields.metadata_id") }
                let text = object["value"].flatMap { field.string($0, key: "custom_fields.value") }
                if object["metadata_id"] == nil { field.problem("a custom_fields entry of \(field.owner) needs 'metadata_id'", at: item.location) }
                if object["value"] == nil { field.problem("a custom_fields entry of \(field.owner) needs 'value'", at: item.location) }
                if let id, let text { fields.append(CustomField(metadataID: id, value: text)) }
            }
            spec.customFields = fields
        }
        if let value = node(.technicalContact), let object = field.object(value, key: "technical_contact", allowed: AllowedValues.contactKeys) {
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
                spec.technicalContact = TechnicalContact(firstName: first, lastName: last, telephone: phone, jobTitle: title, email: email)
            }
        }
        if let value = node(.renewBeforeDays), let days = field.integer(value, key: "renew_before_days") {
            if (1...365).contains(days) { spec.renewBeforeDays = days } else {
                field.problem("renew_before_days of \(field.owner) must be from 1 to 365, found \(days)", at: value.location)
            }
        }
        if let value = node(.movedFrom), let old = field.string(value, key: "moved_from") {
            if !CertificateName.isValid(old) {
                field.problem("moved_from '\(old)' of \(field.owner) is not a valid certificate name", at: value.location)
            } else if old == name {
                field.problem("moved_from of \(field.owner) names the certificate itself", at: value.location)
            } else {
                spec.movedFrom = old
            }
        }

        // DCV emails.
        if let value = node(.dcvEmails) {
            if dcvMethod != .email {
                field.problem("dcv_emails of \(field.owner) is only used with dcv_method 'email'", at: value.location)
            }
            if let items = field.list(value, key: "dcv_emails") {
                var entries: [DCVEmail] = []
                for item in items {
                    guard let object = field.object(item, key: "dcv_emails entry", allowed: ["dns_name", "email_domain", "email"]) else { continue }
                    let dnsName = object["dns_name"].flatMap { field.string($0, key: "dcv_emails.dns_name") }
                    let domain = object["email_domain"].flatMap { field.string($0, key: "dcv_emails.email_domain") }
                    let email = object["email"].flatMap { field.string($0, key: "dcv_emails.email") }
                    if object["dns_name"] == nil { field.problem("a dcv_emails entry of \(field.owner) needs 'dns_name'", at: item.location) }
                    if object["email_domain"] == nil { field.problem("a dcv_emails entry of \(field.owner) needs 'email_domain'", at: item.location) }
                    guard let dnsName, let domain else { continue }
                    let names = spec.allNames
                    if !names.contains(dnsName) {
                        field.problem("dcv_emails dns_name '\(dnsName)' of \(field.owner) is neither the common_name nor one of dns_names", at: object["dns_name"]!.location)
                    } else if !DomainName.isSameOrParent(domain, of: dnsName) {
                        field.problem("dcv_emails email_domain '\(domain)' is not '\(DomainName.base(of: dnsName))' or a parent domain of it", at: object["email_domain"]!.location)
                    }
                    if let email, let emailNode = object["email"] {
                        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
                        if parts.count != 2 || parts[0].isEmpty || !EmailAddress.isPlausible(email) {
                            field.problem("dcv_emails email '\(email)' of \(field.owner) is not an email address", at: emailNode.location)
                        } else if !(parts[1] == domain || parts[1].hasSuffix("." + domain)) {
                            field.problem("dcv_emails email '\(email)' is not an address in '\(domain)' or a subdomain of it", at: emailNode.location)
                        }
                    }
                    entries.append(DCVEmail(dnsName: dnsName, emailDomain: domain, email: email))
                }
                spec.dcvEmails = entries
            }
        }

        let failed = !field.problems.isEmpty || diagnostics.count > errorsBefore
            || product == nil || commonName == nil || dcvMethod == nil
        return (spec, !failed)
    }
}

/// The non-null values of a small mapping (a contact, a custom field) by key. The YAML reader has
/// already refused duplicate keys, and a scan of five keys beats hashing them.
struct FieldObject {
    var values: [(String, YAMLNode)] = []

    subscript(name: String) -> YAMLNode? {
        values.first { $0.0 == name }?.1
    }
}

/// The value of each certificate key after `defaults` are applied, indexed by the key's ordinal
/// (a certificate is read once per entry of a possibly huge manifest, so no hashing here).
struct EffectiveKeys {
    private var values = [YAMLNode?](repeating: nil, count: CertificateKey.allCases.count)

    /// Sets the pair's key to its value; a later pair replaces an earlier one.
    mutating func set(_ pair: YAMLPair) {
        guard let raw = pair.key.scalarValue, let key = CertificateKey.named(raw) else { return }
        values[key.ordinal] = pair.value
    }

    /// The value, unless it is absent or null (null unsets a default).
    subscript(key: CertificateKey) -> YAMLNode? {
        guard let value = values[key.ordinal], !value.isNull else { return nil }
        return value
    }
}

/// Typed reads of scalar, list and object values, with a problem for every wrong type.
struct FieldReader {
    /// The certificate's name; `owner` words it for messages only when there is a problem.
    let certificate: String
    var owner: String { "certificate '\(certificate)'" }
    var problems: [(String, SourceLocation)] = []

    init(certificate: String) {
        self.certificate = certificate
    }

    mutating func problem(_ message: String, at location: SourceLocation) {
        problems.append((message, location))
    }

    mutating func missing(_ key: String, at location: SourceLocation, hint: String) {
        problem("\(owner) is missing '\(key)' (\(hint))", at: location)
    }

    private mutating func wrongType(_ key: String, expected: String, found node: YAMLNode) {
        var found = node.kindDescription
        if case .scalar(let value, _) = node.kind, !node.isNull { found = "'\(value)'" }
        problem("'\(key)' of \(owner) must be \(expected), found \(found)", at: node.location)
    }

    /// Any scalar, as written (so `no` and `0012` stay strings).
    mutating func string(_ node: YAMLNode, key: String) -> String? {
        guard case .scalar(let value, _) = node.kind, !node.isNull else {
            wrongType(key, expected: "a string", found: node)
            return nil
        }
        return value
    }

    /// A plain decimal integer.
    mutating func integer(_ node: YAMLNode, key: String) -> Int? {
        if case .scalar(let value, .plain) = node.kind, !node.isExplicitString, Self.isDecimal(value), let number = Int(value) {
            return number
        }
        wrongType(key, expected: "a decimal integer", found: node)
        return nil
    }

    /// `true` or `false`, unquoted.
    mutating func boolean(_ node: YAMLNode, key: String) -> Bool? {
        if case .scalar(let value, .plain) = node.kind, !node.isExplicitString {
            if value == "true" { return true }
            if value == "false" { return false }
        }
        wrongType(key, expected: "true or false", found: node)
        return nil
    }

    /// A string from a closed set, with a suggestion for a near miss.
    mutating func choice(_ node: YAMLNode, key: String, _ allowed: [String]) -> String? {
        guard let value = string(node, key: key) else { return nil }
        if allowed.contains(value) { return value }
        problem("'\(key)' of \(owner) must be one of \(allowed.joined(separator: ", ")), found '\(value)'\(Suggestion.clause(for: value, in: allowed))", at: node.location)
        return nil
    }

    mutating func list(_ node: YAMLNode, key: String) -> [YAMLNode]? {
        guard case .sequence(let items) = node.kind else {
            wrongType(key, expected: "a list", found: node)
            return nil
        }
        return items
    }

    /// A mapping whose keys come from `allowed`; unknown keys are reported with a suggestion.
    mutating func object(_ node: YAMLNode, key: String, allowed: [String]) -> FieldObject? {
        guard case .mapping(let pairs) = node.kind else {
            wrongType(key, expected: "a mapping", found: node)
            return nil
        }
        var result = FieldObject()
        for pair in pairs {
            guard let name = pair.key.scalarValue else {
                problem("keys of '\(key)' must be strings", at: pair.key.location)
                continue
            }
            guard allowed.contains(name) else {
                problem("unknown key '\(name)' in \(key) of \(owner)\(Suggestion.clause(for: name, in: allowed)); allowed: \(allowed.joined(separator: ", "))", at: pair.key.location)
                continue
            }
            if !pair.value.isNull { result.values.append((name, pair.value)) }
        }
        return result
    }

    static func isDecimal(_ text: String) -> Bool {
        var bytes = Substring(text).utf8[...]
        if bytes.first == UInt8(ascii: "-") || bytes.first == UInt8(ascii: "+") { bytes = bytes.dropFirst() }
        return !bytes.isEmpty && bytes.count <= 18 && bytes.allSatisfy { (48...57).contains($0) }
    }
}

/// The certificate name rule: `[a-z0-9]([a-z0-9._-]{0,62})`.
public enum CertificateName {
    public static func isValid(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard (1...63).contains(bytes.count) else { return false }
        for (index, byte) in bytes.enumerated() {
            let alnum = (97...122).contains(byte) || (48...57).contains(byte)
            if index == 0 ? !alnum : !(alnum || byte == 46 || byte == 95 || byte == 45) { return false }
        }
        return true
    }
}

enum LocaleCode {
    /// `en`, `de`, `zh_CN`, `pt_BR`, `zh_Hant`: a language code with an optional region or script.
    static func isPlausible(_ code: String) -> Bool {
        let parts = code.split(separator: "_", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), (2...3).contains(parts[0].count),
              parts[0].allSatisfy({ $0.isASCII && $0.isLowercase }) else { return false }
        if parts.count == 2 {
            let tail = parts[1]
            return (tail.count == 2 && tail.allSatisfy({ $0.isASCII && $0.isUppercase }))
                || (tail.count == 4 && tail.allSatisfy({ $0.isASCII && $0.isLetter }) && tail.first!.isUppercase)
        }
        return true
    }
}

enum EmailAddress {
    static func isPlausible(_ address: String) -> Bool {
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].utf8.contains(UInt8(ascii: ".")),
              !address.utf8.contains(where: { $0 == 0x20 || (0x09...0x0D).contains($0) }),
              address.utf8.allSatisfy({ $0 < 0x80 }) || !address.contains(where: { $0.isWhitespace })
        else { return false }
        return true
    }
}
