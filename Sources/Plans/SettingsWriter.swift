import CertCentralAPI
import JSON
import Manifests

/// The compact JSON of a certificate's order settings (the order body without `certificate`, as
/// ``RequestBody`` encodes it), written straight to bytes in the order ``JSONWriter`` sorts keys
/// (by their UTF-8 bytes): a plan
/// computes it for every certificate whose record has a settings digest, and building a JSON
/// tree, then sorting its keys, took a fifth of a large plan. Strings are escaped by
/// ``JSONWriter/writeString(_:into:)``, as in every document.
struct SettingsWriter {
    private var out: [UInt8] = []
    private var first = true

    static func compact(_ settings: OrderSettings) -> [UInt8] {
        var writer = SettingsWriter()
        writer.out.reserveCapacity(512)
        writer.out.append(UInt8(ascii: "{"))
        // Keys in sorted order; a nil field is left out, as the encoder leaves it out.
        writer.membersBeforeComments(settings)
        writer.string("comments", settings.comments)
        writer.membersBeforeCustomFields(settings)
        writer.customFields(settings.customFields)
        writer.membersAfterCustomFields(settings)
        writer.out.append(UInt8(ascii: "}"))
        return writer.out
    }

    /// The members of settings other than `comments` and `custom_fields`, written once for every
    /// certificate that shares them and has those two of its own (``CertificateSpec/ownNotes``;
    /// a certificate with a comment of its own, on lean manifests every one): each certificate's
    /// settings are then its two written between them. Each part is its members joined by commas.
    struct Parts: Sendable {
        let beforeComments: [UInt8], beforeCustomFields: [UInt8], afterCustomFields: [UInt8]

        /// The parts of `settings` (whose own `comments` and `custom_fields` are left out).
        init(_ settings: OrderSettings) {
            func part(_ members: (inout SettingsWriter) -> Void) -> [UInt8] {
                var writer = SettingsWriter()
                members(&writer)
                return writer.out
            }
            beforeComments = part { $0.membersBeforeComments(settings) }
            beforeCustomFields = part { $0.membersBeforeCustomFields(settings) }
            afterCustomFields = part { $0.membersAfterCustomFields(settings) }
        }

        /// ``SettingsWriter/compact(_:)`` of these settings with `comments` and `customFields`.
        func compact(comments: String?, customFields: [CustomField]?) -> [UInt8] {
            var writer = SettingsWriter()
            writer.out.reserveCapacity(beforeComments.count + beforeCustomFields.count + afterCustomFields.count + 256)
            writer.out.append(UInt8(ascii: "{"))
            writer.members(beforeComments)
            writer.string("comments", comments)
            writer.members(beforeCustomFields)
            writer.customFields(customFields)
            writer.members(afterCustomFields)
            writer.out.append(UInt8(ascii: "}"))
            return writer.out
        }
    }

    private mutating func membersBeforeComments(_ settings: OrderSettings) {
        int("auto_reissue", settings.autoReissue)
        int("auto_renew", settings.autoRenew)
    }

    private mutating func membersBeforeCustomFields(_ settings: OrderSettings) {
        if let id = settings.containerID { object("container") { $0.int("id", id) } }
        string("custom_expiration_date", settings.customExpirationDate)
    }

    private mutating func customFields(_ fields: [CustomField]?) {
        guard let fields else { return }
        array("custom_fields", fields) { writer, field in
            writer.int("metadata_id", field.metadataID)
            writer.string("value", field.value)
        }
    }

    private mutating func membersAfterCustomFields(_ settings: OrderSettings) {
        string("custom_renewal_message", settings.customRenewalMessage)
        if let entries = settings.dcvEmails {
            array("dcv_emails", entries) { writer, entry in
                writer.string("dns_name", entry.dnsName)
                writer.string("email", entry.email)
                writer.string("email_domain", entry.emailDomain)
            }
        }
        string("dcv_method", settings.dcvMethod.rawValue)
        bool("disable_ct", settings.disableCT)
        bool("disable_renewal_notifications", settings.disableRenewalNotifications)
        string("locale", settings.locale)
        if let validity = settings.orderValidity {
            object("order_validity") { writer in
                writer.string("custom_expiration_date", validity.customExpirationDate)
                writer.int("days", validity.days)
                writer.int("years", validity.years)
            }
        }
        string("payment_method", settings.paymentMethod?.rawValue)
        bool("skip_approval", settings.skipApproval)
        if let contact = settings.technicalContact { object("technical_contact") { $0.contact(contact) } }
        int("validity_days", settings.validityDays)
        int("validity_years", settings.validityYears)
    }

    /// Members already written (a part of ``Parts``), after a comma unless they are the first.
    private mutating func members(_ written: [UInt8]) {
        guard !written.isEmpty else { return }
        if !first { out.append(UInt8(ascii: ",")) }
        first = false
        out.append(contentsOf: written)
    }

    private mutating func contact(_ contact: TechnicalContact) {
        string("email", contact.email)
        string("first_name", contact.firstName)
        string("job_title", contact.jobTitle)
        string("last_name", contact.lastName)
        string("telephone", contact.telephone)
    }

    /// `"key":` after a comma unless it is the first member of its object.
    private mutating func key(_ key: StaticString) {
        if !first { out.append(UInt8(ascii: ",")) }
        first = false
        out.append(UInt8(ascii: "\""))
        out.append(contentsOf: UnsafeBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount))
        out.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: ":")])
    }

    private mutating func string(_ name: StaticString, _ value: String?) {
        guard let value else { return }
        key(name)
        JSONWriter.writeString(value, into: &out)
    }

    private mutating func int(_ name: StaticString, _ value: Int?) {
        guard let value else { return }
        key(name)
        out.append(contentsOf: String(value).utf8)
    }

    private mutating func bool(_ name: StaticString, _ value: Bool?) {
        guard let value else { return }
        key(name)
        out.append(contentsOf: (value ? "true" : "false").utf8)
    }

    private mutating func object(_ name: StaticString, _ members: (inout SettingsWriter) -> Void) {
        key(name)
        out.append(UInt8(ascii: "{"))
        first = true
        members(&self)
        out.append(UInt8(ascii: "}"))
        first = false
    }

    private mutating func array<Item>(_ name: StaticString, _ items: [Item], _ members: (inout SettingsWriter, Item) -> Void) {
        key(name)
        out.append(UInt8(ascii: "["))
        for (index, item) in items.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            out.append(UInt8(ascii: "{"))
            first = true
            members(&self, item)
            out.append(UInt8(ascii: "}"))
        }
        out.append(UInt8(ascii: "]"))
        first = false
    }
}
