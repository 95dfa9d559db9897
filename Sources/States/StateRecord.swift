import CertCentralAPI
import Dates
import Digests
import JSON

/// One certificate's order as recorded in state (SPEC §3). Fields certform does not know are kept
/// in ``extra`` and written back unchanged.
@dynamicMemberLookup
public struct StateRecord: Sendable, Hashable {
    /// A record's fields. The record holds them by reference and copies them when it is changed
    /// while shared, as an array does: a state's table of records then holds a pointer per slot,
    /// where it held some 350 bytes of fields per slot — a table of 100,000 records has 262,144
    /// slots, so that was 94 MB. Read and write them as the record's own (`record.orderID`).
    public struct Fields: Sendable, Hashable {
        // Stored fields are laid out in the order they are declared, each at its alignment: the
        // one-byte ones follow `certificateID`'s nine bytes and the four-byte-aligned dates follow
        // the texts, where they fill what was padding (304 bytes of fields a record, now 296: a
        // block of 320 bytes rather than 336, 1.6 MB at 100,000 records).
        public var orderID: Int
        public var certificateID: Int?
        public var product: Product
        public var dcvMethod: DCVMethod?
        public var commonName: String {
            get { names.commonName }
            set { names.commonName = newValue }
        }
        public var dnsNames: [String] {
            get { names.dnsNames }
            set { names.dnsNames = newValue }
        }
        /// Both held in one block of bytes (``CertificateNames``); read and written as the strings above.
        var names: CertificateNames
        /// Digest of what decides the certificate's content; nil in records written by import or by hand.
        public var specDigest: String? {
            get { spec?.text }
            set { spec = newValue.map(RecordDigest.init) }
        }
        /// Digest of the order settings that do not shape the certificate (comments, contacts, …).
        public var settingsDigest: String? {
            get { settings?.text }
            set { settings = newValue.map(RecordDigest.init) }
        }
        /// Digest of the CSR's bytes, bound to the product, names and ``specDigest`` certform verified
        /// them with (`CSRDigest` in Manifests): a plan need not verify those bytes again.
        public var csrDigest: String? {
            get { csr?.text }
            set { csr = newValue.map(RecordDigest.init) }
        }
        var spec: RecordDigest?, settings: RecordDigest?, csr: RecordDigest?
        /// ``specDigest``, ``settingsDigest`` and ``csrDigest`` as held, for comparing without
        /// building their text.
        public var recordedSpecDigest: RecordDigest? {
            get { spec }
            set { spec = newValue }
        }
        public var recordedSettingsDigest: RecordDigest? {
            get { settings }
            set { settings = newValue }
        }
        public var recordedCSRDigest: RecordDigest? {
            get { csr }
            set { csr = newValue }
        }
        /// As last seen in CertCentral (unknown statuses survive as written).
        public var status: OrderStatus
        public var orderedAt: String? {
            get { ordered?.text }
            set { ordered = newValue.map(RecordText.init) }
        }
        public var renewalOfOrderID: Int? {
            get { rare.renewalOfOrderID }
            set { rare.renewalOfOrderID = newValue }
        }
        public var dcvRandomValue: String? {
            get { rare.dcvRandomValue }
            set { rare.dcvRandomValue = newValue }
        }
        /// When CertCentral stops accepting ``dcvRandomValue`` (`expiration_date`, ISO 8601).
        public var dcvExpiresAt: String? {
            get { rare.dcvExpires?.text }
            set { rare.dcvExpires = newValue.map(RecordText.init) }
        }
        /// The random value a DCV hook published and has not cleaned up yet; `cleanup` runs with it
        /// once the order is issued, then this is cleared.
        public var dcvPublishedValue: String? {
            get { rare.dcvPublishedValue }
            set { rare.dcvPublishedValue = newValue }
        }
        public var thumbprint: String? {
            get { thumbprintText?.text }
            set { thumbprintText = newValue.map(RecordText.init) }
        }
        public var serialNumber: String? {
            get { serial?.text }
            set { serial = newValue.map(RecordText.init) }
        }
        /// Held in fewer bytes than strings (``RecordText``); read and written as the strings above.
        var ordered: RecordText?, thumbprintText: RecordText?, serial: RecordText?
        public var validFrom: CalendarDate?
        public var validTill: CalendarDate?
        public var orderValidTill: CalendarDate?
        /// CertCentral reissues this Multi-year Plan order by itself 30 days before the certificate
        /// expires (`auto_reissue`), as last seen by refresh.
        public var autoReissue: Bool? {
            get { rare.autoReissue }
            set { rare.autoReissue = newValue }
        }
        /// Earlier orders of this certificate, oldest first, kept as written.
        public var history: [JSONValue] {
            get { rare.history }
            set { rare.history = newValue }
        }
        public var extra: [String: JSONValue] {
            get { rare.extra }
            set { rare.extra = newValue }
        }

        /// What most records leave empty: a pending order's DCV, the order renewed, history,
        /// fields certform does not know. Behind one reference, allocated when one is set: inline,
        /// they took some 100 bytes of each record (10 MB at 100,000).
        struct Rare: Sendable, Hashable {
            var renewalOfOrderID: Int?
            var dcvRandomValue: String?
            var dcvExpires: RecordText?
            var dcvPublishedValue: String?
            var autoReissue: Bool?
            var history: [JSONValue] = []
            var extra: [String: JSONValue] = [:]

            static let empty = Rare()
        }

        /// Prints as the fields it holds, so that a record prints with every field.
        private final class RareBox: Sendable, Hashable, CustomStringConvertible {
            let value: Rare

            init(_ value: Rare) {
                self.value = value
            }

            var description: String { String(describing: value) }

            static func == (lhs: RareBox, rhs: RareBox) -> Bool { lhs === rhs || lhs.value == rhs.value }
            func hash(into hasher: inout Hasher) { hasher.combine(value) }
        }

        /// nil while every rare field is empty, so that equal fields are equal boxes or none.
        private var rareBox: RareBox?

        var rare: Rare {
            get { rareBox?.value ?? .empty }
            set { rareBox = newValue == .empty ? nil : RareBox(newValue) }
        }

        public init(orderID: Int, product: Product, commonName: String, dnsNames: [String], status: OrderStatus) {
            self.init(orderID: orderID, product: product, names: CertificateNames(commonName: commonName, dnsNames: dnsNames), status: status)
        }

        init(orderID: Int, product: Product, names: CertificateNames, status: OrderStatus) {
            self.orderID = orderID
            self.product = product
            self.names = names
            self.status = status
        }
    }

    /// Changed only while this record is its sole holder (see ``subscript(dynamicMember:)``), so
    /// sharing it between threads is as safe as sharing an array.
    @usableFromInline
    final class Storage: @unchecked Sendable, CustomStringConvertible {
        @usableFromInline var fields: Fields

        /// The fields themselves, so that a record prints with them.
        @usableFromInline var description: String { String(describing: fields) }

        @usableFromInline init(_ fields: Fields) {
            self.fields = fields
        }
    }

    @usableFromInline var storage: Storage

    public init(orderID: Int, product: Product, commonName: String, dnsNames: [String], status: OrderStatus) {
        storage = Storage(Fields(orderID: orderID, product: product, commonName: commonName, dnsNames: dnsNames, status: status))
    }

    // Inlinable, so that a caller's key path is a field access rather than a key path walked at
    // run time (`swift_readAtKeyPath` was 4 % of a plan at 100,000 records).
    @inlinable
    public subscript<Value>(dynamicMember key: WritableKeyPath<Fields, Value>) -> Value {
        get { storage.fields[keyPath: key] }
        // In place, so that changing a field does not copy the record's fields first (a field held
        // in `Rare`, such as `history`, is still copied with its box when changed: they are rare).
        _modify {
            if !isKnownUniquelyReferenced(&storage) { storage = Storage(storage.fields) }
            yield &storage.fields[keyPath: key]
        }
    }

    public static func == (lhs: StateRecord, rhs: StateRecord) -> Bool {
        lhs.storage === rhs.storage || lhs.storage.fields == rhs.storage.fields
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(storage.fields)
    }

    /// The common name and the DNS names as held (``CertificateNames``): a plan compares them with
    /// its certificate's as bytes.
    public var names: CertificateNames { storage.fields.names }

    /// Whether the record's common name is `name`, as strings compare (without making a string of
    /// it when the bytes are the same; a plan asks this when a record's names and its
    /// certificate's are not the same bytes).
    package func hasCommonName(_ name: String) -> Bool { storage.fields.names.commonNameIs(name) }

    /// Whether the record's DNS names are `names`, in order, as strings compare.
    package func hasDNSNames(_ names: [String]) -> Bool { storage.fields.names.dnsNamesAre(names) }

    /// The extra field that names an order renewed outside certform as another order whose names
    /// or product differ: the plan blocks the name until a person decides.
    public static let renewedElsewhereKey = "renewed_elsewhere_by_order_id"

    /// The order that renewed this one outside certform with other names or product, if any: 0
    /// when CertCentral reports the order renewed without naming the renewal.
    public var renewedElsewhereBy: Int? { storage.fields.extra[Self.renewedElsewhereKey]?.intValue }

    /// The extra field that keeps the `dcv_emails` an order was placed with: where DigiCert
    /// sends its DCV emails, which `certform dcv` shows without reading the manifests.
    public static let dcvEmailsKey = "dcv_emails"

    /// The `dcv_emails` the order was placed with (empty for none); entries that do not read as
    /// one are left out.
    public var dcvEmails: [DCVEmail] {
        get { DCVEmailsJSON.entries(storage.fields.extra[Self.dcvEmailsKey]) }
        set {
            // Most records have none: their extra fields are left as they are (not allocated).
            guard !newValue.isEmpty || self.extra[Self.dcvEmailsKey] != nil else { return }
            self.extra[Self.dcvEmailsKey] = DCVEmailsJSON.value(newValue)
        }
    }

    static let knownKeys: Set<String> = [
        "order_id", "certificate_id", "product", "common_name", "dns_names", "spec_digest", "settings_digest",
        "status", "ordered_at", "renewal_of_order_id", "dcv_method", "dcv_random_value", "valid_from",
        "valid_till", "order_valid_till", "thumbprint", "serial_number", "history", "auto_reissue",
        "dcv_expires_at", "dcv_published_value", "csr_digest",
    ]

    /// Reads a record; `path` names it in errors (`certificates.example-com`).
    init(json: JSONValue, path: String) throws(StateFormatError) {
        storage = Storage(try Fields(json: json, path: path))
    }

    init(fields: Fields) {
        storage = Storage(fields)
    }

    /// The record as written: every known field (unknown dates as `null`) and the extra fields.
    public var json: JSONValue { storage.fields.json }
}

extension StateRecord.Fields {
    init(json: JSONValue, path: String) throws(StateFormatError) {
        guard case .object(let object) = json else { throw StateFormatError("\(path) must be an object, found \(json.typeName)") }
        // Known keys present, each read once below: when they are all the object holds, nothing
        // is extra.
        var known = 0
        func field<T>(_ key: String, _ read: (JSONValue) -> T?, required: Bool, expected: @autoclosure () -> String) throws(StateFormatError) -> T? {
            let found = object[key]
            if found != nil { known += 1 }
            guard let value = found, !value.isNull else {
                if required { throw StateFormatError("\(path).\(key) is missing") }
                return nil
            }
            guard let result = read(value) else { throw StateFormatError("\(path).\(key) must be \(expected()), found \(value.typeName)") }
            return result
        }
        func date(_ key: String) throws(StateFormatError) -> CalendarDate? {
            guard let text = try field(key, \.stringValue, required: false, expected: "a yyyy-MM-dd date") else { return nil }
            guard let date = CalendarDate(text) else { throw StateFormatError("\(path).\(key) '\(text)' is not a yyyy-MM-dd date") }
            return date
        }
        orderID = try field("order_id", \.intValue, required: true, expected: "an integer")!
        certificateID = try field("certificate_id", \.intValue, required: false, expected: "an integer")
        let productText = try field("product", \.stringValue, required: true, expected: "a string")!
        guard let product = Product(rawValue: productText) else {
            throw StateFormatError("\(path).product '\(productText)' is not one of the DV products (\(Product.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        self.product = product
        let commonName = try field("common_name", \.stringValue, required: true, expected: "a string")!
        let items = try field("dns_names", \.arrayValue, required: false, expected: "an array") ?? []
        var dnsNames: [String] = []
        dnsNames.reserveCapacity(items.count)
        for name in items {
            guard let text = name.stringValue else { throw StateFormatError("\(path).dns_names must hold strings") }
            dnsNames.append(text)
        }
        names = CertificateNames(commonName: commonName, dnsNames: dnsNames)
        spec = try field("spec_digest", \.stringValue, required: false, expected: "a string").map(RecordDigest.init)
        settings = try field("settings_digest", \.stringValue, required: false, expected: "a string").map(RecordDigest.init)
        csr = try field("csr_digest", \.stringValue, required: false, expected: "a string").map(RecordDigest.init)
        status = OrderStatus(try field("status", \.stringValue, required: true, expected: "a string")!)
        ordered = try field("ordered_at", \.stringValue, required: false, expected: "a string").map(RecordText.init)
        var rare = Rare()
        rare.renewalOfOrderID = try field("renewal_of_order_id", \.intValue, required: false, expected: "an integer")
        dcvMethod = try field("dcv_method", { $0.stringValue.flatMap(DCVMethod.init) }, required: false,
                              expected: "one of \(DCVMethod.allCases.map(\.rawValue).joined(separator: ", "))")
        rare.dcvRandomValue = try field("dcv_random_value", \.stringValue, required: false, expected: "a string")
        rare.dcvExpires = try field("dcv_expires_at", \.stringValue, required: false, expected: "a string").map(RecordText.init)
        rare.dcvPublishedValue = try field("dcv_published_value", \.stringValue, required: false, expected: "a string")
        validFrom = try date("valid_from")
        validTill = try date("valid_till")
        orderValidTill = try date("order_valid_till")
        thumbprintText = try field("thumbprint", \.stringValue, required: false, expected: "a string").map(RecordText.init)
        serial = try field("serial_number", \.stringValue, required: false, expected: "a string").map(RecordText.init)
        rare.history = try field("history", \.arrayValue, required: false, expected: "an array") ?? []
        rare.autoReissue = try field("auto_reissue", \.boolValue, required: false, expected: "a boolean")
        // Filtering every record's object cost 2 % of a plan at 100,000 records; most have no extra.
        rare.extra = known == object.count ? [:] : object.filter { !StateRecord.knownKeys.contains($0.key) }
        self.rare = rare
    }

    var json: JSONValue {
        var object = extra
        object["order_id"] = .int(orderID)
        object["certificate_id"] = JSONValue(certificateID)
        object["product"] = .string(product.rawValue)
        object["common_name"] = .string(commonName)
        object["dns_names"] = .array(dnsNames.map(JSONValue.string))
        if let specDigest { object["spec_digest"] = .string(specDigest) }
        if let settingsDigest { object["settings_digest"] = .string(settingsDigest) }
        if let csrDigest { object["csr_digest"] = .string(csrDigest) }
        object["status"] = .string(status.rawValue)
        object["ordered_at"] = JSONValue(orderedAt)
        object["renewal_of_order_id"] = JSONValue(renewalOfOrderID)
        object["dcv_method"] = JSONValue(dcvMethod?.rawValue)
        if let dcvRandomValue { object["dcv_random_value"] = .string(dcvRandomValue) }
        if let dcvExpiresAt { object["dcv_expires_at"] = .string(dcvExpiresAt) }
        if let dcvPublishedValue { object["dcv_published_value"] = .string(dcvPublishedValue) }
        object["valid_from"] = JSONValue(validFrom?.description)
        object["valid_till"] = JSONValue(validTill?.description)
        object["order_valid_till"] = JSONValue(orderValidTill?.description)
        object["thumbprint"] = JSONValue(thumbprint)
        object["serial_number"] = JSONValue(serialNumber)
        object["history"] = .array(history)
        if let autoReissue { object["auto_reissue"] = .bool(autoReissue) }
        return .object(object)
    }
}
