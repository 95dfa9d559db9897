import CertCentralAPI
import Dates
import Foundation
import JSON

/// The order as `--data` keeps it. This is the sandbox's own file, not a CertCentral answer.
extension SandboxOrder {
    var json: JSONValue {
        var object: [String: JSONValue] = [
            "id": .int(id), "product": .string(product.rawValue), "common_name": .string(commonName),
            "dns_names": .array(dnsNames.map(JSONValue.string)), "csr": .string(csr), "status": .string(status.rawValue),
            "created_at": .string(Timestamp.format(createdAt)), "issue_at": .double(issueAt.timeIntervalSince1970),
            "dcv_method": .string(dcvMethod.rawValue), "dcv_random_value": JSONValue(dcvRandomValue),
            "order_valid_till": .string(orderValidTill.description), "validity_years": JSONValue(validityYears),
            "renewal_of_order_id": JSONValue(renewalOfOrderID), "is_renewed": .bool(isRenewed),
            "renewed_order_id": JSONValue(renewedOrderID), "auto_reissue": .bool(autoReissue), "request": requestBody,
            "server_platform_id": JSONValue(serverPlatformID), "certificate_id": .int(certificateID),
            "previous_certificate_ids": .array(previousCertificateIDs.map(JSONValue.int)),
            "reissue_request_id": JSONValue(reissueRequestID),
            "dcv_validated_names": .array(dcvValidatedNames.map(JSONValue.string)),
        ]
        if let created = dcvRandomValueCreatedAt { object["dcv_random_value_created_at"] = .double(created.timeIntervalSince1970) }
        if let units = organizationUnits { object["organization_units"] = .array(units.map(JSONValue.string)) }
        if let certificate { object["certificate"] = certificate.json }
        if let deferredCertificate { object["deferred_certificate"] = deferredCertificate.json }
        return .object(object)
    }

    init?(json: JSONValue) {
        guard let id = json["id"]?.intValue, let product = json["product"]?.stringValue.flatMap(Product.init),
              let commonName = json["common_name"]?.stringValue, let csr = json["csr"]?.stringValue,
              let status = json["status"]?.stringValue.map(OrderStatus.init), let created = json["created_at"]?.stringValue.flatMap(Timestamp.parse),
              let issueAt = Self.seconds(json["issue_at"]),
              let orderEnd = json["order_valid_till"]?.stringValue.flatMap(CalendarDate.init),
              let certificateID = json["certificate_id"]?.intValue
        else { return nil }
        self.init(id: id, product: product, commonName: commonName, dnsNames: json["dns_names"]?.arrayValue?.compactMap(\.stringValue) ?? [],
                  csr: csr, status: status, createdAt: created, issueAt: Date(timeIntervalSince1970: issueAt),
                  dcvMethod: json["dcv_method"]?.stringValue.flatMap(DCVMethod.init) ?? .email, orderValidTill: orderEnd,
                  requestBody: json["request"] ?? .null, certificateID: certificateID)
        readSettings(json)
        certificate = CertificateRecord(json: json["certificate"])
        deferredCertificate = CertificateDates(json: json["deferred_certificate"])
    }

    /// The fields that have defaults.
    private mutating func readSettings(_ json: JSONValue) {
        dcvRandomValue = json["dcv_random_value"]?.stringValue
        dcvRandomValueCreatedAt = Self.seconds(json["dcv_random_value_created_at"]).map(Date.init(timeIntervalSince1970:))
        dcvValidatedNames = json["dcv_validated_names"]?.arrayValue?.compactMap(\.stringValue) ?? []
        validityYears = json["validity_years"]?.intValue
        renewalOfOrderID = json["renewal_of_order_id"]?.intValue
        isRenewed = json["is_renewed"]?.boolValue ?? false
        renewedOrderID = json["renewed_order_id"]?.intValue
        autoReissue = json["auto_reissue"]?.boolValue ?? false
        serverPlatformID = json["server_platform_id"]?.intValue
        organizationUnits = json["organization_units"]?.arrayValue?.compactMap(\.stringValue)
        previousCertificateIDs = json["previous_certificate_ids"]?.arrayValue?.compactMap(\.intValue) ?? []
        reissueRequestID = json["reissue_request_id"]?.intValue
    }

    /// Seconds since 1970, written as a double (or an integer by hand).
    static func seconds(_ value: JSONValue?) -> Double? {
        if case .double(let seconds)? = value { return seconds }
        return value?.intValue.map(Double.init)
    }
}

extension SandboxOrder.CertificateRecord {
    var json: JSONValue {
        [
            "pem": .string(pem), "thumbprint": .string(thumbprint),
            "serial_number": .string(serialNumber), "valid_from": .string(validFrom.description),
            "valid_till": .string(validTill.description), "issued_at": .double(issuedAt.timeIntervalSince1970),
        ]
    }

    init?(json: JSONValue?) {
        guard let json, let pem = json["pem"]?.stringValue, let thumbprint = json["thumbprint"]?.stringValue,
              let serial = json["serial_number"]?.stringValue, let dates = SandboxOrder.CertificateDates(json: json)
        else { return nil }
        self.init(pem: pem, thumbprint: thumbprint, serialNumber: serial, validFrom: dates.validFrom, validTill: dates.validTill, issuedAt: dates.issuedAt)
    }
}

extension SandboxOrder.CertificateDates {
    var json: JSONValue {
        ["valid_from": .string(validFrom.description), "valid_till": .string(validTill.description), "issued_at": .double(issuedAt.timeIntervalSince1970)]
    }

    init?(json: JSONValue?) {
        guard let json, let from = json["valid_from"]?.stringValue.flatMap(CalendarDate.init),
              let till = json["valid_till"]?.stringValue.flatMap(CalendarDate.init)
        else { return nil }
        self.init(validFrom: from, validTill: till, issuedAt: Date(timeIntervalSince1970: SandboxOrder.seconds(json["issued_at"]) ?? 0))
    }
}
