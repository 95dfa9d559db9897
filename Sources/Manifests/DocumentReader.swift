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
    /// Contacts read without a problem, by where their mapping is written: one written in
    /// `defaults` or behind an anchor is the same mapping for every certificate that uses it.
    var contacts: [SourceLocation: TechnicalContact] = [:]
    /// One copy of the order settings of the certificates that take them all from the same places.
    private var settingsPool = OrderSettingsPool()
    /// The last certificate's rare fields (``CertificateSpec/Rare``) and origin: the next one
    /// that writes the same (a `server_platform` in `defaults`, a CSR in the same directory)
    /// shares them.
    private(set) var previous = CertificateSpec.Previous()
    /// The keys of the `defaults` last applied: every certificate of a document has the same
    /// array (held here, so that its storage, which identifies it, stays its own).
    private var defaultsKeys: (pairs: [YAMLPair], keys: EffectiveKeys)?

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
        var specs: [CertificateSpec] = []
        /// What the checks after the read need of `specs`, worked out as each is made.
        var keys = CheckKeys()
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

    /// Reads a document; returns its certificates, each with ``CertificateSpec/isValid`` false when it had an error
    /// (such a certificate still gets its CSR checked, so that every problem is reported).
    /// `streamed` are the entries of `certificates` read while parsing; the document's own
    /// `certificates` mapping is then empty.
    mutating func read(document: YAMLNode, streamed: Streamed? = nil) -> [CertificateSpec] {
        if document.isNull { return [] }  // an empty document between `---` markers
        guard case .mapping(let pairs) = document.kind else {
            error("a manifest document must be a mapping with 'apiVersion' and 'certificates', found \(document.kindDescription)", at: document.location)
            return []
        }
        let (apiVersion, defaults, certificates) = readTopLevel(pairs)
        guard checkAPIVersion(apiVersion, of: document) else { return [] }
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
        var specs: [CertificateSpec] = []
        if let streamed {
            specs = streamed.specs
            for diagnostic in streamed.reader.diagnostics { report(diagnostic) }
        }
        for entry in entries {
            if let spec = read(entry: entry, defaults: defaults) { specs.append(spec) }
        }
        return specs
    }

    /// The top-level pairs that certform reads, each unknown key reported; the keys of `defaults`
    /// are checked here, once.
    private mutating func readTopLevel(_ pairs: [YAMLPair]) -> (apiVersion: YAMLPair?, defaults: [YAMLPair], certificates: YAMLPair?) {
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
        return (apiVersion, defaults, certificates)
    }

    /// False when the document's apiVersion is one this certform does not read; a missing one is
    /// reported, but the document is still read.
    private mutating func checkAPIVersion(_ apiVersion: YAMLPair?, of document: YAMLNode) -> Bool {
        guard let apiVersion else {
            error("missing 'apiVersion: \(AllowedValues.apiVersion)' in this document", at: document.location)
            return true
        }
        let value = apiVersion.value.scalarValue
        if value != AllowedValues.apiVersion || apiVersion.value.isNull {
            error("unsupported apiVersion '\(value ?? apiVersion.value.kindDescription)'; this certform reads '\(AllowedValues.apiVersion)'", at: apiVersion.value.location)
            return false
        }
        return true
    }

    /// Reads one entry of `certificates`: a name and its mapping of keys.
    mutating func read(entry: YAMLPair, defaults: [YAMLPair]) -> CertificateSpec? {
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

    /// The keys `defaults` give a certificate before its own: worked out once per array.
    private mutating func keys(ofDefaults defaults: [YAMLPair]) -> EffectiveKeys {
        func storage(_ pairs: [YAMLPair]) -> UnsafePointer<YAMLPair>? { pairs.withUnsafeBufferPointer { $0.baseAddress } }
        if let known = defaultsKeys, known.pairs.count == defaults.count, storage(known.pairs) == storage(defaults) {
            return known.keys
        }
        let keys = EffectiveKeys(defaults)
        defaultsKeys = (defaults, keys)
        return keys
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

    /// Reads one certificate: `defaults` first, then its own keys, which replace them key by key.
    /// Returns the spec, with ``CertificateSpec/isValid`` false if it was read with an error.
    mutating func readCertificate(name: String, nameLocation: SourceLocation, defaults: [YAMLPair], fields: [YAMLPair]) -> CertificateSpec {
        var effective = keys(ofDefaults: defaults)
        var field = FieldReader(certificate: name)
        defer { reportFieldProblems(field.problems, certificate: name, defaults: defaults) }
        let errorsBefore = diagnostics.count
        // One look-up per key: only a key that is not a certificate key is looked at again.
        for pair in fields where !effective.set(pair) { checkKeys([pair], context: "certificate '\(name)'") }

        let product: Product? = effective[.product].flatMap { field.choice($0, key: "product", of: Product.self) }
        let commonName = effective[.commonName].flatMap { field.string($0, key: "common_name") }
        let dnsNameNodes = effective[.dnsNames].flatMap { field.list($0, key: "dns_names") }
        let dcvMethod: DCVMethod? = effective[.dcvMethod].flatMap { field.choice($0, key: "dcv_method", of: DCVMethod.self) }

        if product == nil && effective[.product] == nil { field.missing("product", at: nameLocation, hint: "one of \(Product.allCases.map(\.rawValue).joined(separator: ", "))") }
        if commonName == nil && effective[.commonName] == nil { field.missing("common_name", at: nameLocation, hint: "the DNS name to secure") }
        if dcvMethod == nil && effective[.dcvMethod] == nil { field.missing("dcv_method", at: nameLocation, hint: "one of \(DCVMethod.allCases.map(\.rawValue).joined(separator: ", "))") }

        let dnsNames = readNames(product: product, commonName: commonName, dnsNameNodes: dnsNameNodes, keys: effective, field: &field)
        var spec = CertificateSpec(
            name: name, file: file, location: nameLocation,
            product: product ?? .sslDVGeoTrust, commonName: commonName ?? "", dnsNames: dnsNames, csr: "",
            dcvMethod: dcvMethod ?? .dnsTXTToken, validityYears: nil)
        if dcvMethod == .httpToken, spec.allNames.contains(where: DomainName.isWildcard) {
            field.problem("dcv_method 'http-token' cannot validate a wildcard name; use dns-txt-token, dns-cname-token or email", at: effective[.dcvMethod]?.location ?? nameLocation)
        }
        readCSR(into: &spec, keys: effective, field: &field)
        var settings = OrderSettings(dcvMethod: spec.dcvMethod)
        readValidity(into: &settings, certificate: nameLocation, keys: effective, defaults: defaults, field: &field)
        readSettings(into: &spec, &settings, keys: effective, field: &field)
        readCustomFields(into: &settings, keys: effective, field: &field)
        readTechnicalContact(into: &settings, certificate: nameLocation, keys: effective, field: &field)
        readCertformKeys(into: &spec, keys: effective, field: &field)
        readDCVEmails(into: &settings, names: spec.allNames, keys: effective, field: &field)
        spec.sharedSettings = settingsPool.share(settings, writtenAt: effective.settingsPlaces(before: nameLocation))
        spec.shareWithPrevious(&previous)

        let failed = !field.problems.isEmpty || diagnostics.count > errorsBefore
            || product == nil || commonName == nil || dcvMethod == nil
        spec.isValid = !failed
        return spec
    }

    /// Reports the problems found in a certificate's values; one in a value that comes from
    /// `defaults` is worded as a problem of `defaults`, so that it is reported once.
    private mutating func reportFieldProblems(_ problems: [(String, SourceLocation)], certificate name: String, defaults: [YAMLPair]) {
        for (message, location) in problems {
            if defaults.contains(where: { $0.value.location == location }) {
                error(message.replacingOccurrences(of: "certificate '\(name)'", with: "'defaults'"), at: location)
            } else {
                error(message, at: location)
            }
        }
    }
}

