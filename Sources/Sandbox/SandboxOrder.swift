import CertCentralAPI
import Dates
import Foundation
import JSON

/// One order held by the sandbox, with the request body it was created from.
struct SandboxOrder: Sendable {
    var id: Int
    var product: Product
    var commonName: String
    /// As the request sent them; answers leave the common name out (``otherNames``).
    var dnsNames: [String]
    var csr: String
    var status: OrderStatus
    var createdAt: Date
    /// When a pending order (or reissue) becomes issued, on the sandbox clock.
    var issueAt: Date
    var dcvMethod: DCVMethod
    var dcvRandomValue: String?
    /// When the random value was made, on the sandbox clock: it is accepted for
    /// ``DCVPublication/randomValueLifetime`` after that.
    var dcvRandomValueCreatedAt: Date?
    /// The names (as the order holds them) whose control was shown for the current certificate
    /// request; a reissue starts again with none.
    var dcvValidatedNames: [String] = []
    var orderValidTill: CalendarDate
    var validityYears: Int?
    var renewalOfOrderID: Int?
    var isRenewed = false
    var renewedOrderID: Int?
    /// `auto_reissue: 1`: the sandbox reissues the certificate 30 days before it expires.
    var autoReissue = false
    var requestBody: JSONValue
    var serverPlatformID: Int?
    var organizationUnits: [String]?
    /// The current certificate's id (assigned at creation, as the API does) and what was issued.
    var certificateID: Int
    var certificate: CertificateRecord?
    /// A seeded order's certificate, dated but not yet made: it is signed when something reads
    /// more than a list item shows (order info, download, reissue).
    var deferredCertificate: CertificateDates?
    /// Earlier certificates of this order (replaced by reissues).
    var previousCertificateIDs: [Int] = []
    var reissueRequestID: Int?

    struct CertificateRecord: Sendable {
        var pem: String
        var thumbprint: String
        var serialNumber: String
        var validFrom: CalendarDate
        var validTill: CalendarDate
        var issuedAt: Date
    }

    struct CertificateDates: Sendable {
        var validFrom: CalendarDate
        var validTill: CalendarDate
        var issuedAt: Date
    }

    /// The names other than the common name, as CertCentral's answers list them in `dns_names`.
    var otherNames: [String] {
        var seen: Set<String> = [commonName]
        return dnsNames.filter { seen.insert($0).inserted }
    }

    /// Every name of the certificate: the common name first.
    var names: [String] { [commonName] + otherNames }

    /// When the random value stops being accepted.
    var dcvRandomValueExpiresAt: Date? {
        guard dcvRandomValue != nil else { return nil }
        return (dcvRandomValueCreatedAt ?? createdAt).addingTimeInterval(DCVPublication.randomValueLifetime)
    }

    /// Whether `name` was validated for the current certificate request.
    func isValidated(_ name: String) -> Bool {
        dcvValidatedNames.contains { $0.caseInsensitiveCompare(name) == .orderedSame }
    }

    /// Every name of the order is validated.
    var isDCVComplete: Bool { names.allSatisfy(isValidated) }

    /// The current certificate's end, made or deferred.
    var certificateValidTill: CalendarDate? { certificate?.validTill ?? deferredCertificate?.validTill }

    init(id: Int, product: Product, commonName: String, dnsNames: [String], csr: String, status: OrderStatus,
         createdAt: Date, issueAt: Date, dcvMethod: DCVMethod, orderValidTill: CalendarDate, requestBody: JSONValue, certificateID: Int) {
        self.id = id
        self.product = product
        self.commonName = commonName
        self.dnsNames = dnsNames
        self.csr = csr
        self.status = status
        self.createdAt = createdAt
        self.issueAt = issueAt
        self.dcvMethod = dcvMethod
        self.orderValidTill = orderValidTill
        self.requestBody = requestBody
        self.certificateID = certificateID
    }
}
