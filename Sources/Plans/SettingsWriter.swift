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
        writer.int("auto_reissue", settings.autoReissue)
        writer.int("auto_renew", settings.autoRenew)
        writer.string("comments", settings.comments)
        if let id = settings.containerID { writer.object("container") { $0.int("id", id) } }
        writer.string("custom_expiration_date", settings.customExpirationDate)
        if let fields = settings.customFields {
            writer.array("custom_fields", fields) { writer, field in
                writer.int("metadata_id", field.metadataID)
                writer.string("value", field.value)
            }
        }
        writer.string("custom_renewal_message", settings.customRenewalMessage)
        if let entries = settings.dcvEmails {
            writer.array("dcv_emails", entries) { writer, entry in
                writer.string("dns_name", entry.dnsName)
                writer.string("email", entry.email)
                writer.string("email_domain", entry.emailDomain)
            }
        }
        writer.string("dcv_method", settings.dcvMethod.rawValue)
        writer.bool("disable_ct", settings.disableCT)
        writer.bool("disable_renewal_notifications", settings.disableRenewalNotifications)
        writer.string("locale", settings.locale)
        if let validity = settings.orderValidity {
            writer.object("order_validity") { writer in
                writer.string("custom_expiration_date", validity.customExpirationDate)
                writer.int("days", validity.days)
                writer.int("years", validity.years)
            }
        }
        writer.string("payment_method", settings.paymentMethod?.rawValue)
        writer.bool("skip_approval", settings.skipApproval)
        if let contact = settings.technicalContact { writer.object("technical_contact") { $0.contact(contact) } }
        writer.int("validity_days", settings.validityDays)
        writer.int("validity_years", settings.validityYears)
        writer.out.append(UInt8(ascii: "}"))
        return writer.out
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
