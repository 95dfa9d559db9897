import CertCentralAPI
import Dates
import Foundation
import JSON

/// The API's reading routes: order info, list orders, download.
extension OrderStore {
    /// Order info by order id, or by the thumbprint of the order's current certificate.
    func orderInfo(_ key: String) -> SandboxReply {
        let id: Int? = Int(key) ?? orders.values.first { $0.certificate?.thumbprint.caseInsensitiveCompare(key) == .orderedSame }?.id
        guard let id, let order = current(id) else { return .error(404, "not_found|order", "Order \(key) was not found.") }
        return .json(200, info(order))
    }

    /// One page of the orders that match, in the query's order (ties by id, so that pages
    /// neither repeat nor skip an order); `orders` is left out when nothing matches.
    func listOrders(_ query: ListQuery) -> SandboxReply {
        refreshAll()
        let matching = orders.values.filter(query.matches).sorted(by: query.precedes)
        let page = matching.dropFirst(query.offset).prefix(query.limit)
        let answer = ListOrdersResponse(orders: page.map(listItem), page: .init(total: matching.count, limit: query.limit, offset: query.offset))
        return .json(200, answer)
    }

    func download(certificateID: Int, format: String) -> SandboxReply {
        guard format == Endpoint.pemAll else {
            return .error(404, "not_found|format", "The sandbox serves the pem_all format only.")
        }
        guard let orderID = certificateOwners[certificateID], let order = current(orderID) else {
            return .error(404, "not_found|certificate", "Certificate \(certificateID) was not found.")
        }
        let pem: String
        if certificateID == order.certificateID {
            guard let issued = order.certificate else {
                return .error(400, "certificate_not_issued", "Certificate \(certificateID) has not been issued yet.")
            }
            pem = issued.pem
        } else if let retired = retiredCertificates[certificateID] {
            pem = retired
        } else {
            return .error(404, "not_found|certificate", "Certificate \(certificateID) was not found.")
        }
        // pem_all: the end-entity certificate, the intermediate, the root.
        let leaf = pem.hasSuffix("\n") ? pem : pem + "\n"
        return SandboxReply(status: 200, text: leaf + ca.intermediatePEM + ca.certificatePEM)
    }
}
