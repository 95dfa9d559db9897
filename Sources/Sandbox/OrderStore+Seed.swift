import CertCentralAPI
import Crypto
import Dates
import Foundation
import JSON
import X509

/// `POST /_sandbox/orders/seed`: many orders at once, for tests of large accounts. One CSR serves
/// every order, and issued orders get their certificates' dates now but the certificates
/// themselves only when something reads them (order info, download, reissue), so that ten
/// thousand orders take seconds.
extension OrderStore {
    func seed(_ request: SeedRequest) -> SandboxReply {
        if let problem = request.problem { return .error(400, "invalid_value:\(problem.field)", problem.message) }
        guard let csr = request.csr ?? makeSeedCSR() else {
            return .error(500, "internal_error", "The sandbox could not make a CSR for the seeded orders.")
        }
        guard (try? CertificateSigningRequest(pemEncoded: csr)) != nil else {
            return .error(400, "csr_invalid_cannot_parse", "The CSR could not be parsed.")
        }
        let last = now().addingTimeInterval(-Double(request.ageDays) * 86_400)
        var ids: [Int] = []
        ids.reserveCapacity(request.count)
        for index in 1...request.count {
            let createdAt = last.addingTimeInterval(-Double(request.count - index))
            let order = seededOrder(index, of: request, csr: csr, createdAt: createdAt)
            orders[order.id] = order
            certificateOwners[order.certificateID] = order.id
            ids.append(order.id)
        }
        stats.ordersSeeded += request.count
        persist()
        return .json(200, SeedAnswer(firstID: ids[0], lastID: ids[ids.count - 1]))
    }

    /// The `index`th order of a seed: a one-year order placed at `createdAt`, with its
    /// certificate dated (issued and revoked orders) but not made.
    func seededOrder(_ index: Int, of seed: SeedRequest, csr: String, createdAt: Date) -> SandboxOrder {
        let commonName = seed.commonName(index)
        let otherNames = seed.www && !seed.product.isWildcard ? ["www." + commonName] : []
        var request = OrderRequest(certificate: CertificateRequest(commonName: commonName, dnsNames: otherNames.isEmpty ? nil : otherNames, csr: csr),
                                   dcvMethod: .dnsTXTToken)
        request.validityYears = 1
        request.skipApproval = seed.status != .needsApproval
        request.autoRenew = 0
        let created = CalendarDate(createdAt)
        let end = OrderTerm.years(1).end(from: created)
        var order = SandboxOrder(
            id: takeOrderID(), product: seed.product, commonName: commonName, dnsNames: otherNames, csr: csr, status: seed.status,
            createdAt: createdAt, issueAt: createdAt.addingTimeInterval(configuration.issueAfter), dcvMethod: .dnsTXTToken,
            orderValidTill: end, requestBody: request.jsonValue, certificateID: takeCertificateID())
        order.validityYears = 1
        order.dcvRandomValue = randomToken()
        if seed.status == .issued || seed.status == .revoked {
            let till = min(end, created.adding(days: configuration.certificateValidityDays))
            order.deferredCertificate = SandboxOrder.CertificateDates(validFrom: created, validTill: till, issuedAt: createdAt)
        }
        return order
    }

    /// A CSR over a new P-256 key, made once and kept for every later seed.
    func makeSeedCSR() -> String? {
        if let seedCSR { return seedCSR }
        let key = Certificate.PrivateKey(P256.Signing.PrivateKey())
        guard let subject = try? DistinguishedName(builder: { CommonName("seed.sandbox.invalid") }),
              let csr = try? CertificateSigningRequest(version: .v1, subject: subject, privateKey: key,
                                                       attributes: .init(), signatureAlgorithm: .ecdsaWithSHA256),
              let pem = try? csr.serializeAsPEM().pemString
        else { return nil }
        seedCSR = pem
        return pem
    }
}
