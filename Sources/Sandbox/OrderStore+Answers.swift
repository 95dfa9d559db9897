import CertCentralAPI
import Dates
import Foundation
import JSON

/// Orders as the API reports them: order info, list items, and the admin API's views — all
/// built as the wire contract's types.
extension OrderStore {
    func info(_ order: SandboxOrder) -> OrderInfo {
        var certificate = CertificateInfo(id: order.certificateID, commonName: order.commonName, dnsNames: [order.commonName] + order.dnsNames)
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
        info.renewedOrderID = order.renewedOrderID ?? 0
        info.dateCreated = Self.apiTime(order.createdAt)
        info.product = ProductInfo(order.product, detailed: true)
        info.organization = []
        info.dcvMethod = order.dcvMethod.rawValue
        info.disableRenewalNotifications = settings?.disableRenewalNotifications ?? false
        info.autoRenew = settings?.autoRenew ?? 0
        info.paymentMethod = (settings?.paymentMethod ?? .balance).rawValue
        if let requestID = order.reissueRequestID {
            info.requests = [.reissue(id: requestID, pending: order.status == .reissuePending)]
        }
        return info
    }

    func listItem(_ order: SandboxOrder) -> OrderListItem {
        var certificate = CertificateInfo(id: order.certificateID, commonName: order.commonName, dnsNames: [order.commonName] + order.dnsNames)
        certificate.signatureHash = "sha256"
        addIssued(order, to: &certificate, detailed: false)
        var item = OrderListItem(id: order.id, status: order.status, certificate: certificate)
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

    /// The issued certificate's fields: dates and days left, and in order info its identity too.
    func addIssued(_ order: SandboxOrder, to certificate: inout CertificateInfo, detailed: Bool) {
        guard let issued = order.certificate else { return }
        certificate.validTill = issued.validTill.description
        certificate.daysRemaining = max(0, CalendarDate(now()).days(until: issued.validTill))
        guard detailed else { return }
        certificate.thumbprint = issued.thumbprint
        certificate.serialNumber = issued.serialNumber
        certificate.validFrom = issued.validFrom.description
        certificate.dateIssued = Self.apiTime(issued.issuedAt)
    }

    // MARK: Admin

    func adminOrders() -> AdminOrders {
        refreshAll()
        return AdminOrders(orders: orders.values.sorted { $0.id < $1.id }.map { order in
            AdminOrder(info: info(order), request: order.requestBody, renewalOfOrderID: order.renewalOfOrderID)
        })
    }

    func advanceClock(days: Double) -> ClockAnswer {
        clockOffset += days * 86_400
        persist()
        return ClockAnswer(now: Timestamp.format(now()), offsetDays: clockOffset / 86_400)
    }

    func setFaults(_ new: Faults) -> Faults {
        faults = new
        return faults
    }

    func currentStats() -> SandboxStats {
        var answer = stats
        answer.orders = orders.count
        answer.now = Timestamp.format(now())
        return answer
    }
}
