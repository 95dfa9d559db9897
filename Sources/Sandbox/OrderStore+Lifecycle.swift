import CertCentralAPI
import Dates
import Foundation
import X509

/// How orders move on the sandbox clock: issuance, reissues, CertCentral's own reissues of
/// Multi-year Plan orders, and the certificates of seeded orders made when first read.
extension OrderStore {
    /// How many days before a certificate's end CertCentral reissues it for an `auto_reissue` order.
    static let autoReissueDays = 30

    /// The order `id`, brought up to the sandbox clock with its certificate made, and saved when
    /// that changed it; nil when there is no such order.
    func current(_ id: Int) -> SandboxOrder? {
        guard var order = orders[id] else { return nil }
        let advanced = refresh(&order)
        let made = makeDeferredCertificate(&order)
        if advanced || made {
            orders[id] = order
            persist()
        }
        return order
    }

    /// Issues a pending order or finishes a reissue once its time has come, and reissues an
    /// `auto_reissue` order whose certificate is near its end; true when the order changed.
    /// `needs_approval` orders wait for `POST /_sandbox/orders/{id}/approve`; with `--dcv manual`
    /// an order issues only once DCV has validated every name, and CertCentral's own reissue waits
    /// for DCV like any other.
    @discardableResult
    func refresh(_ order: inout SandboxOrder) -> Bool {
        if order.status == .pending || order.status == .reissuePending {
            guard now() >= order.issueAt, configuration.dcv == .auto || order.isDCVComplete else { return false }
            return issue(&order)
        }
        guard isDueForAutoReissue(order) else { return false }
        _ = makeDeferredCertificate(&order)
        order.status = .reissuePending
        order.issueAt = now()
        order.reissueRequestID = takeRequestID()
        stats.autoReissues += 1
        beginValidation(&order)
        if configuration.dcv == .manual { return true }
        return issue(&order)
    }

    /// Brings every order up to the sandbox clock, saving when one changed.
    func refreshAll() {
        var changed = false
        for id in orders.keys {
            guard var order = orders[id], refresh(&order) else { continue }
            orders[id] = order
            changed = true
        }
        if changed { persist() }
    }

    /// An issued Multi-year Plan order with `auto_reissue` on whose certificate ends within
    /// ``autoReissueDays`` on the sandbox clock, when a new certificate would end later (the order
    /// still has days past the certificate's end).
    func isDueForAutoReissue(_ order: SandboxOrder) -> Bool {
        guard order.autoReissue, order.status == .issued, let till = order.certificateValidTill else { return false }
        let today = CalendarDate(now())
        let nextEnd = min(order.orderValidTill, today.adding(days: configuration.certificateValidityDays))
        return today < order.orderValidTill && today.days(until: till) <= Self.autoReissueDays && till < nextEnd
    }

    /// Signs the order's certificate from today; a reissue retires the certificate it replaces and
    /// takes a new certificate id.
    func issue(_ order: inout SandboxOrder) -> Bool {
        let issuedAt = now()
        let from = CalendarDate(issuedAt)
        let dates = SandboxOrder.CertificateDates(
            validFrom: from, validTill: min(order.orderValidTill, from.adding(days: configuration.certificateValidityDays)), issuedAt: issuedAt)
        guard let record = sign(order, dates) else { return false }
        if order.status == .reissuePending {
            if let previous = order.certificate { retiredCertificates[order.certificateID] = previous.pem }
            order.previousCertificateIDs.append(order.certificateID)
            order.certificateID = takeCertificateID()
            certificateOwners[order.certificateID] = order.id
        }
        order.certificate = record
        order.deferredCertificate = nil
        order.status = .issued
        order.dcvValidatedNames = order.names
        return true
    }

    /// Makes a seeded order's certificate with the dates it was given; true when it did.
    func makeDeferredCertificate(_ order: inout SandboxOrder) -> Bool {
        guard order.certificate == nil, let dates = order.deferredCertificate, let record = sign(order, dates) else { return false }
        order.certificate = record
        order.deferredCertificate = nil
        return true
    }

    /// A certificate for the order's names over its CSR's key, valid from the first second of
    /// `validFrom` to the last of `validTill`.
    func sign(_ order: SandboxOrder, _ dates: SandboxOrder.CertificateDates) -> SandboxOrder.CertificateRecord? {
        guard let csr = try? CertificateSigningRequest(pemEncoded: order.csr) else { return nil }
        let notAfter = dates.validTill.startDate.addingTimeInterval(86_399)
        guard let issued = try? ca.issue(csr: csr, names: order.names, notBefore: dates.validFrom.startDate, notAfter: notAfter) else { return nil }
        return SandboxOrder.CertificateRecord(pem: issued.pem, thumbprint: issued.thumbprint, serialNumber: issued.serialNumber,
                                              validFrom: dates.validFrom, validTill: dates.validTill, issuedAt: dates.issuedAt)
    }

    func takeRequestID() -> Int {
        defer { nextRequestID += 1 }
        return nextRequestID
    }
}
