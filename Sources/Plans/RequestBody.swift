import Crypto
import Foundation
import JSON
import Manifests

/// The JSON bodies certform sends, built from a certificate spec: exactly the fields the manifest
/// sets (after defaults), plus the renewal fields from state — nothing invented.
public enum RequestBody {
    /// `POST /order/certificate/{product}`.
    public static func order(for spec: CertificateSpec, renewalOfOrderID: Int? = nil, renewedThumbprint: String? = nil) -> JSONValue {
        var body = settings(of: spec)
        body["certificate"] = certificate(of: spec)
        if let renewalOfOrderID { body["renewal_of_order_id"] = .int(renewalOfOrderID) }
        if let renewedThumbprint { body["renewed_thumbprint"] = .string(renewedThumbprint) }
        return .object(body)
    }

    /// `POST /order/certificate/{order_id}/reissue`: the certificate and approval fields.
    public static func reissue(for spec: CertificateSpec) -> JSONValue {
        var body: [String: JSONValue] = ["certificate": certificate(of: spec)]
        if let skipApproval = spec.skipApproval { body["skip_approval"] = .bool(skipApproval) }
        return .object(body)
    }

    /// The `certificate` object: what shapes the certificate.
    static func certificate(of spec: CertificateSpec) -> JSONValue {
        var certificate: [String: JSONValue] = [
            "common_name": .string(spec.commonName),
            "csr": .string(spec.csr),
        ]
        if let names = spec.dnsNames, !names.isEmpty { certificate["dns_names"] = .array(names.map(JSONValue.string)) }
        if let units = spec.organizationUnits { certificate["organization_units"] = .array(units.map(JSONValue.string)) }
        if let id = spec.serverPlatformID { certificate["server_platform"] = ["id": .int(id)] }
        return .object(certificate)
    }

    /// Every order field outside `certificate`: settings that do not shape the certificate.
    static func settings(of spec: CertificateSpec) -> [String: JSONValue] {
        var body: [String: JSONValue] = ["dcv_method": .string(spec.dcvMethod.rawValue)]
        if let value = spec.validityYears { body["validity_years"] = .int(value) }
        if let value = spec.validityDays { body["validity_days"] = .int(value) }
        if let value = spec.customExpirationDate { body["custom_expiration_date"] = .string(value) }
        if let value = spec.comments { body["comments"] = .string(value) }
        if let value = spec.autoRenew { body["auto_renew"] = .int(value) }
        if let value = spec.customRenewalMessage { body["custom_renewal_message"] = .string(value) }
        if let value = spec.disableRenewalNotifications { body["disable_renewal_notifications"] = .bool(value) }
        if let value = spec.paymentMethod { body["payment_method"] = .string(value) }
        if let emails = spec.dcvEmails {
            body["dcv_emails"] = .array(emails.map { email in
                var entry: [String: JSONValue] = ["dns_name": .string(email.dnsName), "email_domain": .string(email.emailDomain)]
                if let address = email.email { entry["email"] = .string(address) }
                return .object(entry)
            })
        }
        if let value = spec.locale { body["locale"] = .string(value) }
        if let value = spec.skipApproval { body["skip_approval"] = .bool(value) }
        if let value = spec.disableCT { body["disable_ct"] = .bool(value) }
        if let id = spec.containerID { body["container"] = ["id": .int(id)] }
        if let fields = spec.customFields {
            body["custom_fields"] = .array(fields.map { ["metadata_id": .int($0.metadataID), "value": .string($0.value)] })
        }
        if let contact = spec.technicalContact {
            var object: [String: JSONValue] = [
                "first_name": .string(contact.firstName), "last_name": .string(contact.lastName),
                "telephone": .string(contact.telephone), "email": .string(contact.email),
            ]
            if let title = contact.jobTitle { object["job_title"] = .string(title) }
            body["technical_contact"] = .object(object)
        }
        return body
    }

    /// `sha256:` + hex of the body's compact JSON: identifies a request in intents.
    public static func digest(_ body: JSONValue) -> String {
        "sha256:" + hex(SHA256.hash(data: Array(JSONWriter.compact(body).utf8)))
    }

    static func hex(_ digest: some Sequence<UInt8>) -> String {
        CSRInspector.hex(digest)
    }
}

/// The digests that tell the planner what changed since an order was placed.
public enum SpecDigest {
    /// What decides the certificate's content: product, common name, the set of DNS names, and the
    /// CSR's public key and names (not its signature bytes, so a re-signed CSR changes nothing).
    public static func of(_ spec: CertificateSpec) -> String {
        var text = "product=\(spec.product.rawValue)\ncommon_name=\(spec.commonName)\ndns_names=\((spec.dnsNames ?? []).sorted().joined(separator: ","))\n"
        if let summary = spec.csrSummary {
            text += "csr_key=\(summary.publicKeySHA256)\ncsr_names=\(summary.names.joined(separator: ","))\n"
        } else {
            text += "csr=\(spec.csr.filter { !$0.isWhitespace })\n"
        }
        return "sha256:" + RequestBody.hex(SHA256.hash(data: Array(text.utf8)))
    }

    /// The order settings that do not shape the certificate (comments, contacts, payment, …).
    public static func settings(of spec: CertificateSpec) -> String {
        RequestBody.digest(.object(RequestBody.settings(of: spec)))
    }
}
