import CertCentralAPI
import Crypto
import Digests
import Foundation
import JSON
import Manifests

/// The request a change sends: an order (create, renew) or a reissue. Indirect: an order body is
/// some 500 bytes, and every change of a plan — most of them sending nothing — had room for one
/// (59 MB of a plan of 100,000 certificates).
public indirect enum ChangeRequest: Sendable, Hashable {
    case order(OrderRequest)
    case reissue(ReissueRequest)

    /// The exact JSON body, as the plan shows it and apply sends it.
    public var json: JSONValue {
        switch self {
        case .order(let order): return order.jsonValue
        case .reissue(let reissue): return reissue.jsonValue
        }
    }

    /// The order body, for a create or renew.
    public var order: OrderRequest? {
        if case .order(let order) = self { return order }
        return nil
    }

    /// Whether the order will skip approval (and so start `pending`, not `needs_approval`).
    public var skipsApproval: Bool {
        switch self {
        case .order(let order): return order.skipApproval ?? false
        case .reissue(let reissue): return reissue.skipApproval ?? false
        }
    }

    /// Reads a request body back from a saved plan, typed by the change's action.
    public init(json: JSONValue, action: Action) throws {
        if action == .reissue {
            self = .reissue(try JSONValueDecoder().decode(ReissueRequest.self, from: json))
        } else {
            self = .order(try JSONValueDecoder().decode(OrderRequest.self, from: json))
        }
    }

    /// `sha256:` + hex of the body's compact JSON: identifies a request in intents.
    public var digest: String { RequestBody.digest(json) }
}

/// The bodies certform sends, built from a certificate spec: exactly the fields the manifest
/// sets (after defaults), plus the renewal fields from state — nothing invented.
public enum RequestBody {
    /// `POST /order/certificate/{product}`.
    public static func order(for spec: CertificateSpec, renewalOfOrderID: Int? = nil, renewedThumbprint: String? = nil) -> OrderRequest {
        var body = settings(of: spec)
        body.renewalOfOrderID = renewalOfOrderID
        body.renewedThumbprint = renewedThumbprint
        return body
    }

    /// `POST /order/certificate/{order_id}/reissue`: the certificate and approval fields.
    public static func reissue(for spec: CertificateSpec) -> ReissueRequest {
        ReissueRequest(certificate: certificate(of: spec), skipApproval: spec.skipApproval)
    }

    /// The `certificate` object: what shapes the certificate.
    static func certificate(of spec: CertificateSpec) -> CertificateRequest {
        CertificateRequest(commonName: spec.commonName, dnsNames: spec.dnsNames.flatMap { $0.isEmpty ? nil : $0 }, csr: spec.csr,
                           organizationUnits: spec.organizationUnits, serverPlatform: spec.serverPlatformID.map(IDReference.init))
    }

    /// The order with every field but the renewal ones.
    static func settings(of spec: CertificateSpec) -> OrderRequest {
        var body = OrderRequest(certificate: certificate(of: spec), dcvMethod: spec.dcvMethod)
        body.validityYears = spec.validityYears
        body.validityDays = spec.validityDays
        body.customExpirationDate = spec.customExpirationDate
        body.orderValidity = spec.orderValidity
        body.comments = spec.comments
        body.autoRenew = spec.autoRenew
        body.autoReissue = spec.autoReissue
        body.customRenewalMessage = spec.customRenewalMessage
        body.disableRenewalNotifications = spec.disableRenewalNotifications
        body.paymentMethod = spec.paymentMethod
        body.dcvEmails = spec.dcvEmails
        body.locale = spec.locale
        body.skipApproval = spec.skipApproval
        body.disableCT = spec.disableCT
        body.container = spec.containerID.map(IDReference.init)
        body.customFields = spec.customFields
        body.technicalContact = spec.technicalContact
        return body
    }

    /// `sha256:` + hex of the body's compact JSON: identifies a request in intents.
    public static func digest(_ body: JSONValue) -> String {
        "sha256:" + hex(SHA256.hash(data: Array(JSONWriter.compact(body).utf8)))
    }

    static func hex(_ digest: some ContiguousBytes) -> String {
        CSRInspector.hex(digest)
    }
}

/// The digests that tell the planner what changed since an order was placed.
public enum SpecDigest {
    /// What decides the certificate's content: product, common name, the set of DNS names, and the
    /// CSR's public key and names (not its signature bytes, so a re-signed CSR changes nothing).
    public static func of(_ spec: CertificateSpec) -> String {
        digest(of: spec).text
    }

    /// ``of(_:)`` as a record holds it: a plan compares it with each record's, and makes its text
    /// only for the changes that carry it.
    static func digest(of spec: CertificateSpec) -> RecordDigest {
        // A CSR that a state record vouched for has the spec digest recorded with it (CSRDigest).
        if spec.csrSummary == nil, let vouched = spec.vouchedRecordDigest { return vouched }
        var text = "product=\(spec.product.rawValue)\ncommon_name=\(spec.commonName)\ndns_names=\((spec.dnsNames ?? []).sorted().joined(separator: ","))\n"
        if let summary = spec.csrSummary {
            text += "csr_key=\(summary.publicKeySHA256)\ncsr_names=\(summary.names.joined(separator: ","))\n"
        } else {
            text += "csr=\(spec.csr.filter { !$0.isWhitespace })\n"
        }
        return SHA256.hash(data: Array(text.utf8)).withUnsafeBytes { RecordDigest(sha256: $0) }
    }

    /// The order settings that do not shape the certificate (comments, contacts, payment, …):
    /// the digest of the order body without `certificate` and the renewal fields, as its
    /// `Encodable` conformance writes it, written straight to bytes (``SettingsWriter``).
    public static func settings(of spec: CertificateSpec) -> String {
        settingsDigest(of: spec).text
    }

    /// ``settings(of:)`` as a record holds it (see ``digest(of:)``).
    static func settingsDigest(of spec: CertificateSpec) -> RecordDigest {
        settings(compact: SettingsWriter.compact(spec.settings))
    }

    /// The settings digest of settings written as ``SettingsWriter`` writes them, as a record
    /// holds it (its text is ``settings(of:)``).
    static func settings(compact: [UInt8]) -> RecordDigest {
        SHA256.hash(data: compact).withUnsafeBytes { RecordDigest(sha256: $0) }
    }
}
