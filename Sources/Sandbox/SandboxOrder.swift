import CertCentralAPI
import Dates
import Foundation
import JSON

/// One order held by the sandbox, with the request body it was created from.
struct SandboxOrder: Sendable {
    var id: Int
    var product: Product
    var commonName: String
    var dnsNames: [String]
    var csr: String
    var status: OrderStatus
    var createdAt: Date
    /// When a pending order (or reissue) becomes issued, on the sandbox clock.
    var issueAt: Date
    var dcvMethod: DCVMethod
    var dcvRandomValue: String?
    var orderValidTill: CalendarDate
    var validityYears: Int?
    var renewalOfOrderID: Int?
    var isRenewed = false
    var renewedOrderID: Int?
    var requestBody: JSONValue
    var serverPlatformID: Int?
    var organizationUnits: [String]?
    /// The current certificate's id (assigned at creation, as the API does) and what was issued.
    var certificateID: Int
    var certificate: CertificateRecord?
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

    // MARK: Persistence (--data)

    var json: JSONValue {
        var object: [String: JSONValue] = [
            "id": .int(id), "product": .string(product.rawValue), "common_name": .string(commonName),
            "dns_names": .array(dnsNames.map(JSONValue.string)), "csr": .string(csr), "status": .string(status.rawValue),
            "created_at": .string(Timestamp.format(createdAt)), "issue_at": .double(issueAt.timeIntervalSince1970),
            "dcv_method": .string(dcvMethod.rawValue), "dcv_random_value": JSONValue(dcvRandomValue),
            "order_valid_till": .string(orderValidTill.description), "validity_years": JSONValue(validityYears),
            "renewal_of_order_id": JSONValue(renewalOfOrderID), "is_renewed": .bool(isRenewed),
            "renewed_order_id": JSONValue(renewedOrderID), "request": requestBody,
            "server_platform_id": JSONValue(serverPlatformID), "certificate_id": .int(certificateID),
            "previous_certificate_ids": .array(previousCertificateIDs.map(JSONValue.int)),
            "reissue_request_id": JSONValue(reissueRequestID),
        ]
        if let units = organizationUnits { object["organization_units"] = .array(units.map(JSONValue.string)) }
        if let certificate {
            object["certificate"] = [
                "pem": .string(certificate.pem), "thumbprint": .string(certificate.thumbprint),
                "serial_number": .string(certificate.serialNumber), "valid_from": .string(certificate.validFrom.description),
                "valid_till": .string(certificate.validTill.description), "issued_at": .double(certificate.issuedAt.timeIntervalSince1970),
            ]
        }
        return .object(object)
    }

    init?(json: JSONValue) {
        guard let id = json["id"]?.intValue, let product = json["product"]?.stringValue.flatMap(Product.init),
              let commonName = json["common_name"]?.stringValue, let csr = json["csr"]?.stringValue,
              let status = json["status"]?.stringValue.map(OrderStatus.init), let created = json["created_at"]?.stringValue.flatMap(Timestamp.parse),
              let issueAt = json["issue_at"].flatMap({ value -> Double? in
                  if case .double(let d) = value { return d }
                  return value.intValue.map(Double.init)
              }),
              let orderEnd = json["order_valid_till"]?.stringValue.flatMap(CalendarDate.init),
              let certificateID = json["certificate_id"]?.intValue
        else { return nil }
        self.id = id
        self.product = product
        self.commonName = commonName
        self.dnsNames = json["dns_names"]?.arrayValue?.compactMap(\.stringValue) ?? []
        self.csr = csr
        self.status = status
        self.createdAt = created
        self.issueAt = Date(timeIntervalSince1970: issueAt)
        self.dcvMethod = json["dcv_method"]?.stringValue.flatMap(DCVMethod.init) ?? .email
        self.dcvRandomValue = json["dcv_random_value"]?.stringValue
        self.orderValidTill = orderEnd
        self.validityYears = json["validity_years"]?.intValue
        self.renewalOfOrderID = json["renewal_of_order_id"]?.intValue
        self.isRenewed = json["is_renewed"]?.boolValue ?? false
        self.renewedOrderID = json["renewed_order_id"]?.intValue
        self.requestBody = json["request"] ?? .null
        self.serverPlatformID = json["server_platform_id"]?.intValue
        self.organizationUnits = json["organization_units"]?.arrayValue?.compactMap(\.stringValue)
        self.certificateID = certificateID
        self.previousCertificateIDs = json["previous_certificate_ids"]?.arrayValue?.compactMap(\.intValue) ?? []
        self.reissueRequestID = json["reissue_request_id"]?.intValue
        if let cert = json["certificate"], let pem = cert["pem"]?.stringValue, let thumbprint = cert["thumbprint"]?.stringValue,
           let serial = cert["serial_number"]?.stringValue, let from = cert["valid_from"]?.stringValue.flatMap(CalendarDate.init),
           let till = cert["valid_till"]?.stringValue.flatMap(CalendarDate.init) {
            var issuedAt = Date(timeIntervalSince1970: 0)
            if case .double(let d)? = cert["issued_at"] { issuedAt = Date(timeIntervalSince1970: d) }
            certificate = CertificateRecord(pem: pem, thumbprint: thumbprint, serialNumber: serial, validFrom: from, validTill: till, issuedAt: issuedAt)
        }
    }

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
