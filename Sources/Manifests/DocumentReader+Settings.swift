import CertCentralAPI
import YAML

extension DocumentReader {
    /// Reads the optional order settings that go to CertCentral as written: the certificate's
    /// organization_units and server_platform into `spec`, the rest into `settings`.
    func readSettings(into spec: inout CertificateSpec, _ settings: inout OrderSettings, keys: EffectiveKeys, field: inout FieldReader) {
        if let value = keys[.organizationUnits], let items = field.list(value, key: "organization_units") {
            spec.organizationUnits = items.compactMap { field.string($0, key: "organization_units") }
        }
        if let value = keys[.serverPlatform], let object = field.object(value, key: "server_platform", allowed: ["id"]) {
            if let id = object["id"] { spec.serverPlatformID = field.integer(id, key: "server_platform.id") } else {
                field.problem("server_platform of \(field.owner) needs 'id'", at: value.location)
            }
        }
        if let value = keys[.comments] { settings.comments = field.string(value, key: "comments") }
        readRenewalFlags(into: &settings, keys: keys, field: &field)
        if let value = keys[.customRenewalMessage] { settings.customRenewalMessage = field.string(value, key: "custom_renewal_message") }
        if let value = keys[.disableRenewalNotifications] { settings.disableRenewalNotifications = field.boolean(value, key: "disable_renewal_notifications") }
        if let value = keys[.paymentMethod] { settings.paymentMethod = field.choice(value, key: "payment_method", of: PaymentMethod.self) }
        if let value = keys[.locale], let locale = field.string(value, key: "locale") {
            if LocaleCode.isPlausible(locale) { settings.locale = locale } else {
                field.problem("locale '\(locale)' of \(field.owner) is not a locale code such as 'en', 'de', 'ja' or 'zh_CN'", at: value.location)
            }
        }
        if let value = keys[.skipApproval] { settings.skipApproval = field.boolean(value, key: "skip_approval") }
        if let value = keys[.disableCT] { settings.disableCT = field.boolean(value, key: "disable_ct") }
        if let value = keys[.container], let object = field.object(value, key: "container", allowed: ["id"]) {
            if let id = object["id"] { settings.containerID = field.integer(id, key: "container.id") } else {
                field.problem("container of \(field.owner) needs 'id'", at: value.location)
            }
        }
    }

    /// Reads auto_renew (0 only: certform renews) and auto_reissue (0 or 1) into `settings`.
    func readRenewalFlags(into settings: inout OrderSettings, keys: EffectiveKeys, field: inout FieldReader) {
        if let value = keys[.autoRenew], let flag = field.integer(value, key: "auto_renew") {
            switch flag {
            case 0: settings.autoRenew = flag
            case 1: field.problem(Self.autoRenewRefusal, at: value.location)
            default: field.problem("auto_renew of \(field.owner) must be 0 (certform renews; CertCentral's own renewal stays off), found \(flag)", at: value.location)
            }
        }
        if let value = keys[.autoReissue], let flag = field.integer(value, key: "auto_reissue") {
            if flag == 0 || flag == 1 { settings.autoReissue = flag } else {
                field.problem("auto_reissue of \(field.owner) must be 0 or 1 (1: CertCentral reissues a Multi-year Plan's certificate by itself 30 days before it expires), found \(flag)", at: value.location)
            }
        }
    }

    /// Why `auto_renew: 1` is refused.
    static let autoRenewRefusal = "auto_renew: 1 turns on CertCentral's own renewal, which would place a second paid renewal beside the one certform places; certform renews — use 0 (or leave it out)"

    /// Reads custom_fields into `settings`: a list of `metadata_id` and `value` pairs.
    func readCustomFields(into settings: inout OrderSettings, keys: EffectiveKeys, field: inout FieldReader) {
        guard let value = keys[.customFields], let items = field.list(value, key: "custom_fields") else { return }
        var fields: [CustomField] = []
        fields.reserveCapacity(items.count)
        for item in items {
            guard let object = field.object(item, key: "custom_fields entry", allowed: ["metadata_id", "value"]) else { continue }
            let id = object["metadata_id"].flatMap { field.integer($0, key: "custom_fields.metadata_id") }
            let text = object["value"].flatMap { field.string($0, key: "custom_fields.value") }
            if object["metadata_id"] == nil { field.problem("a custom_fields entry of \(field.owner) needs 'metadata_id'", at: item.location) }
            if object["value"] == nil { field.problem("a custom_fields entry of \(field.owner) needs 'value'", at: item.location) }
            if let id, let text { fields.append(CustomField(metadataID: id, value: text)) }
        }
        settings.customFields = fields
    }

    /// Reads certform's own keys, which CertCentral never sees: renew_before_days and moved_from.
    func readCertformKeys(into spec: inout CertificateSpec, keys: EffectiveKeys, field: inout FieldReader) {
        if let value = keys[.renewBeforeDays], let days = field.integer(value, key: "renew_before_days") {
            if (1...365).contains(days) { spec.renewBeforeDays = days } else {
                field.problem("renew_before_days of \(field.owner) must be from 1 to 365, found \(days)", at: value.location)
            }
        }
        if let value = keys[.movedFrom], let old = field.string(value, key: "moved_from") {
            if !CertificateName.isValid(old) {
                field.problem("moved_from '\(old)' of \(field.owner) is not a valid certificate name", at: value.location)
            } else if old == spec.name {
                field.problem("moved_from of \(field.owner) names the certificate itself", at: value.location)
            } else {
                spec.movedFrom = old
            }
        }
    }
}
