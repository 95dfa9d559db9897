import CertCentralAPI
import Dates
import Foundation
import JSON

/// Orders as the API reports them: order info and list items, built as the wire contract's
/// types. `dns_names` lists the names other than the common name, as the documented examples do.
extension OrderStore {
    func info(_ order: SandboxOrder) -> OrderInfo {
        var certificate = CertificateInfo(id: order.certificateID, commonName: order.commonName, dnsNames: order.otherNames)
        certificate.dateCreated = Self.apiTime(order.createdAt)
        certificate.csr = order.csr
        certificate.organization = [:]
        certificate.signatureHash = "sha256"
        certificate.serverPlatform = Reference(id: order.serverPlatformID ?? -1,
                                               name: order.serverPlatformID.map { "platform \($0)" } ?? "OTHER")
        certificate.organizationUnits = order.organizationUnits
        addIssued(order, to: &certificate, detailed: true)
        let settings = try? JSONValueDecoder().decode(OrderRequest.self, from: order.requestBody)
        var info = OrderInfo(id: order.id, status: order.status, certificate: certificate)
        info.orderValidFrom = CalendarDate(order.createdAt).description
        info.orderValidTill = order.orderValidTill.description
        info.isRenewal = order.renewalOfOrderID != nil
        info.isRenewed = order.isRenewed
        info.renewedOrderID = faults.unnamedRenewals ? 0 : order.renewedOrderID ?? 0
        info.dateCreated = Self.apiTime(order.createdAt)
        info.product = ProductInfo(order.product, detailed: true)
        info.organization = []
        info.dcvMethod = order.dcvMethod.rawValue
        info.disableRenewalNotifications = settings?.disableRenewalNotifications ?? false
        info.autoRenew = settings?.autoRenew ?? 0
        info.autoReissue = order.autoReissue ? 1 : 0
        info.paymentMethod = (settings?.paymentMethod ?? .balance).rawValue
        if let requestID = order.reissueRequestID {
            info.requests = [.reissue(id: requestID, pending: order.status == .reissuePending)]
        }
        return info
    }

    func listItem(_ order: SandboxOrder) -> OrderListItem {
        var certificate = CertificateInfo(id: order.certificateID, commonName: order.commonName, dnsNames: order.otherNames)
        certificate.signatureHash = "sha256"
        addIssued(order, to: &certificate, detailed: false)
        var item = OrderListItem(id: order.id, status: order.status, certificate: certificate)
        // `is_renewed` but no `renewed_order_id`: the list's documented fields (reference §2).
        item.isRenewed = order.isRenewed
        item.dateCreated = Self.apiTime(order.createdAt)
        // DV orders carry an empty array here, as the real API does.
        item.organization = []
        item.disableRenewalNotifications = false
        item.container = Reference(id: 1, name: "Sandbox")
        item.product = ProductInfo(order.product, detailed: false)
        item.hasDuplicates = false
        item.productNameID = order.product.rawValue
        item.validityYears = order.validityYears
        return item
    }

    /// The issued certificate's fields: dates and days left, and in order info its identity too
    /// (list items carry no thumbprint, serial number or start, as the real API's do not).
    func addIssued(_ order: SandboxOrder, to certificate: inout CertificateInfo, detailed: Bool) {
        guard let validTill = order.certificateValidTill else { return }
        certificate.validTill = validTill.description
        certificate.daysRemaining = max(0, CalendarDate(now()).days(until: validTill))
        guard detailed, let issued = order.certificate else { return }
        certificate.thumbprint = issued.thumbprint
        certificate.serialNumber = issued.serialNumber
        certificate.validFrom = issued.validFrom.description
        certificate.dateIssued = Self.apiTime(issued.issuedAt)
    }
}
