import CertCentralAPI
import Dates
import Foundation
import JSON
import Plans
import States

/// Turning API answers into state records.
public enum OrderRecords {
    /// The record of an order just placed by `change` (or adopted after an unknown outcome).
    public static func placed(_ change: Change, orderID: Int, certificateID: Int?, dcvRandomValue: String?,
                              previous: StateRecord?, at now: Date) -> StateRecord {
        let skipApproval = change.request?.skipsApproval ?? false
        var record = StateRecord(orderID: orderID, product: change.product, commonName: change.commonName,
                                 dnsNames: change.dnsNames, status: skipApproval ? .pending : .needsApproval)
        record.certificateID = certificateID
        record.specDigest = change.specDigest
        record.settingsDigest = change.settingsDigest
        record.csrDigest = change.csrDigest
        record.orderedAt = Timestamp.format(now)
        record.dcvMethod = change.dcvMethod ?? change.request?.order?.dcvMethod
        record.dcvRandomValue = dcvRandomValue
        if change.action == .renew { record.renewalOfOrderID = previous?.orderID ?? change.renewalOfOrderID }
        if let previous {
            record.history = previous.history + [historyEntry(previous, ended: change.action == .renew ? Action.renew.endedWord : Action.create.endedWord)]
            record.extra = previous.extra
        }
        // Where DigiCert writes for this order, as sent (never the previous order's).
        record.dcvEmails = change.request?.order?.dcvEmails ?? []
        return record
    }

    /// The record after a reissue of its order was accepted: same order, new names and CSR, the
    /// old certificate kept in history until refresh reports the new one.
    public static func reissued(_ change: Change, previous: StateRecord, at now: Date) -> StateRecord {
        var record = previous
        record.status = .reissuePending
        record.commonName = change.commonName
        record.dnsNames = change.dnsNames
        record.specDigest = change.specDigest
        record.csrDigest = change.csrDigest
        record.history = previous.history + [historyEntry(previous, ended: Action.reissue.endedWord)]
        record.extra["reissued_at"] = .string(Timestamp.format(now))
        // The reissue validates again; its random value is read from CertCentral, not assumed.
        record.dcvRandomValue = nil
        record.dcvExpiresAt = nil
        return record
    }

    /// The record of an order a person says an intent placed (`certform state resolve --order`):
    /// `pending` until refresh reads it; a reissue keeps its record, `reissue_pending`, with the
    /// intent's names (the CSR it sent is not known: the record is compared on its names).
    public static func resolved(_ intent: Intent, orderID: Int, previous: StateRecord?) -> StateRecord {
        if intent.action == .reissue, var record = previous, record.orderID == orderID {
            record.history = record.history + [historyEntry(record, ended: Action.reissue.endedWord)]
            record.status = .reissuePending
            record.commonName = intent.commonName
            record.dnsNames = intent.extra["dns_names"]?.arrayValue?.compactMap(\.stringValue) ?? []
            (record.specDigest, record.csrDigest) = (nil, nil)
            record.extra["reissued_at"] = .string(intent.createdAt)
            (record.dcvRandomValue, record.dcvExpiresAt) = (nil, nil)
            return record
        }
        var record = StateRecord(orderID: orderID, product: intent.product, commonName: intent.commonName,
                                 dnsNames: intent.extra["dns_names"]?.arrayValue?.compactMap(\.stringValue) ?? [], status: .pending)
        record.orderedAt = intent.createdAt
        // A reissue keeps its order, and the order's dcv_emails; a new order has the intent's.
        record.dcvEmails = intent.action == .reissue ? previous?.dcvEmails ?? [] : intent.dcvEmails
        if let previous {
            if intent.action == .renew { record.renewalOfOrderID = previous.orderID }
            record.history = previous.history + [historyEntry(previous, ended: intent.action == .renew ? Action.renew.endedWord : Action.create.endedWord)]
        }
        return record
    }

    public static var renewedElsewhereKey: String { StateRecord.renewedElsewhereKey }

    /// The order that renewed order `orderID`, as `info` names it: nil when it is not renewed, or
    /// when `renewed_order_id` (undocumented, reference §1) is missing, 0 or the order itself.
    /// ``isRenewedUnnamed(_:orderID:)`` tells the last case apart: renewed, but by whom unknown.
    public static func namedRenewal(in info: OrderInfo, of orderID: Int) -> Int? {
        guard info.isRenewed == true, let id = info.renewedOrderID, id > 0, id != orderID else { return nil }
        return id
    }

    /// Renewed, by an order `info` does not name: never to be renewed again.
    public static func isRenewedUnnamed(_ info: OrderInfo, orderID: Int) -> Bool {
        info.isRenewed == true && namedRenewal(in: info, of: orderID) == nil
    }

    /// The record moved to `renewal`, the order that renewed it outside certform, when that order
    /// has the same names and product (the old order goes to history, `renewed_outside: true`).
    /// A product CertCentral does not name, or one outside the five DV products, is not the same.
    public static func adoptingRenewal(_ record: StateRecord, renewal: OrderInfo) -> StateRecord? {
        guard sameNames(renewal, commonName: record.commonName, dnsNames: record.dnsNames),
              renewal.product?.nameID == record.product.rawValue else { return nil }
        var adopted = imported(renewal, expected: record.product)
        adopted.specDigest = record.specDigest
        adopted.settingsDigest = record.settingsDigest
        adopted.csrDigest = record.csrDigest
        adopted.renewalOfOrderID = record.orderID
        adopted.dcvMethod = adopted.dcvMethod ?? record.dcvMethod
        adopted.history = record.history + [historyEntry(record, ended: Action.renew.endedWord)]
        adopted.extra = record.extra
        adopted.extra.removeValue(forKey: renewedElsewhereKey)
        // Placed outside certform: where its DCV email goes is not known (not the old order's).
        adopted.dcvEmails = []
        adopted.extra["renewed_outside"] = true
        return adopted
    }

    /// Whether `info` carries exactly these names (the common name and the set of the others).
    public static func sameNames(_ info: OrderInfo, commonName: String, dnsNames: [String]) -> Bool {
        let certificate = info.certificate
        return certificate.commonName == commonName
            && Set(certificate.dnsNames).union([certificate.commonName]) == Set(dnsNames).union([commonName])
    }

    static func historyEntry(_ record: StateRecord, ended: String) -> JSONValue {
        ["order_id": .int(record.orderID), "thumbprint": JSONValue(record.thumbprint),
         "valid_till": JSONValue(record.validTill?.description), "ended": .string(ended)]
    }

    /// `record` brought up to date with what CertCentral reports; returns what changed, in words.
    public static func refresh(_ record: inout StateRecord, with info: OrderInfo) -> [String] {
        var changes: [String] = []
        if record.status != info.status {
            changes.append("status \(record.status) → \(info.status)")
            record.status = info.status
        }
        let certificate = info.certificate
        if let id = certificate.id, record.certificateID != id { record.certificateID = id }
        if let thumbprint = certificate.thumbprint, record.thumbprint != thumbprint {
            if record.thumbprint != nil { changes.append("new certificate \(thumbprint.prefix(8))…") }
            record.thumbprint = thumbprint
        }
        if let serial = certificate.serialNumber { record.serialNumber = serial }
        if let from = certificate.validFrom.flatMap(CalendarDate.init) { record.validFrom = from }
        if let till = certificate.validTill.flatMap(CalendarDate.init), record.validTill != till {
            if record.validTill != nil { changes.append("valid_till \(record.validTill!) → \(till)") }
            record.validTill = till
        }
        if let orderTill = info.orderValidTill.flatMap(CalendarDate.init) { record.orderValidTill = orderTill }
        let names = Set(certificate.dnsNames).subtracting([certificate.commonName])
        if !certificate.commonName.isEmpty, certificate.commonName != record.commonName || names != Set(record.dnsNames) {
            changes.append("names changed in CertCentral to \(([certificate.commonName] + names.sorted()).joined(separator: ", "))")
            record.commonName = certificate.commonName
            record.dnsNames = names.sorted()
        }
        if let method = info.dcvMethod.flatMap(DCVMethod.init) { record.dcvMethod = method }
        if let autoReissue = info.autoReissue {
            if record.autoReissue != nil, record.autoReissue != (autoReissue == 1) {
                changes.append("auto_reissue turned \(autoReissue == 1 ? "on" : "off") in CertCentral")
            }
            record.autoReissue = autoReissue == 1
        }
        return changes
    }

    /// A new record from order info (import, and adoption of an order found by lookup).
    /// `expected` is the product the order was placed or matched for; CertCentral's own answer wins.
    public static func imported(_ info: OrderInfo, expected: Product) -> StateRecord {
        let cn = info.certificate.commonName
        var record = StateRecord(orderID: info.id, product: info.product?.product ?? expected, commonName: cn,
                                 dnsNames: Array(Set(info.certificate.dnsNames).subtracting([cn])).sorted(), status: info.status)
        record.certificateID = info.certificate.id
        record.orderedAt = info.dateCreated.flatMap(Timestamp.parse).map(Timestamp.format)
        _ = refresh(&record, with: info)
        return record
    }
}
