import Apply
import CertCentral
import CertCentralAPI
import Dates
import Foundation
import JSON
import States

extension DomainValidator {
    /// Before a hook publishes, reads from CertCentral what it will publish: the order's names and
    /// method from its order info (recorded, as refresh records them) and its current random value.
    /// A state file is as editable as any file in a pull request, and a hook writes to DNS zones
    /// and web servers: names and a value taken from it could validate someone else's order, or
    /// publish at names no order of this account holds. False when the order cannot be read, does
    /// not wait for a token any more, or has no value.
    func confirm(_ record: inout StateRecord, name: String, report: inout DCVReport) async -> Bool {
        guard let client else {
            report.problems.append("a hook publishes only what CertCentral confirms; run with the API key")
            return false
        }
        let info: OrderInfo
        do {
            info = try await client.orderInfo(record.orderID)
        } catch {
            report.problems.append("order \(record.orderID) could not be read from CertCentral, so nothing was published: \(error)")
            return false
        }
        guard !info.certificate.commonName.isEmpty else {
            report.problems.append("CertCentral gives order \(record.orderID) no common name, so nothing was published")
            return false
        }
        await save(name, &record, { _ = OrderRecords.refresh(&$0, with: info) }, report: &report)
        guard record.status.isInProgress, record.dcvMethod?.usesToken == true else { return false }
        return await ensureValue(&record, name: name, report: &report, always: true)
    }

    /// Fetches the random value when state has none or it has expired (an hour's margin, so that
    /// a value is not published just before it stops counting); `always`, whatever state holds
    /// (CertCentral answers with the value it holds while that is valid). True when the record
    /// holds a value CertCentral gave in this call or, without `always`, one still current.
    @discardableResult
    func ensureValue(_ record: inout StateRecord, name: String, report: inout DCVReport, always: Bool = false) async -> Bool {
        let current = Self.hasCurrentValue(record, now: now())
        guard always || !current else { return true }
        guard let client else {
            if record.dcvRandomValue == nil { report.problems.append("no DCV random value in state; run with the API key to fetch it") }
            return false
        }
        let fetched: DCVRandomValue
        do {
            fetched = try await client.dcvRandomValue(orderID: record.orderID)
        } catch {
            report.problems.append("could not read the DCV random value: \(error)")
            return false
        }
        guard let value = fetched.dcvRandomValue else {
            report.problems.append("CertCentral returned no DCV random value for order \(record.orderID)")
            return false
        }
        report.valueFetched = !current || record.dcvRandomValue != value
        report.valueReplaced = !current && record.dcvRandomValue != nil && record.dcvRandomValue != value
        let expires = fetched.expirationDate
        await save(name, &record, { $0.dcvRandomValue = value; $0.dcvExpiresAt = expires }, report: &report)
        return true
    }

    /// Runs the hook's `publish` for every domain; records the value as published only when all
    /// of them succeeded. A value published earlier and since replaced is cleaned up first.
    func publish(_ value: String, with hook: DCVHook, record: inout StateRecord, name: String, report: inout DCVReport) async {
        if let old = record.dcvPublishedValue {
            await cleanup(old, with: hook, record: &record, name: name, report: &report)
        }
        guard await runHook(hook, .publish, value: value, record: record, name: name, report: &report) else { return }
        let tag = publicationTag(record, value: value)
        await save(name, &record, { $0.dcvPublishedValue = value; $0.extra[Self.publishedTagKey] = tag.map(JSONValue.string) }, report: &report)
    }

    /// The extra field that vouches for `dcv_published_value`: what certform published, for which
    /// order, method and names (``publicationTag(_:value:)``).
    static let publishedTagKey = "dcv_published_tag"

    /// A tag of the publication of `value` for `record`'s order, method and names, made with the
    /// API key (``APIKey/tag(_:)``): a cleanup runs only for a publication it vouches for, so that
    /// an edited state cannot make a hook delete a record certform never published.
    func publicationTag(_ record: StateRecord, value: String) -> String? {
        guard let key = client?.configuration.apiKey else { return nil }
        let fields = [String(record.orderID), record.dcvMethod?.rawValue ?? "", value, record.commonName] + record.dnsNames.sorted()
        return key.tag(fields.map { "\($0.utf8.count):\($0)" }.joined(separator: ","))
    }

    /// Runs the hook's `cleanup` for every domain of the published `value`; forgets the
    /// publication once all succeeded (a failed cleanup is tried again by the next run).
    func cleanup(_ value: String, with hook: DCVHook, record: inout StateRecord, name: String, report: inout DCVReport) async {
        guard let tag = publicationTag(record, value: value), record.extra[Self.publishedTagKey]?.stringValue == tag else {
            report.problems.append("state says '\(value)' was published for order \(record.orderID), but not as certform records its own publications (with this API key, for these names); no cleanup ran; remove the DNS record or file by hand if it is yours")
            await save(name, &record, { $0.dcvPublishedValue = nil; $0.extra[Self.publishedTagKey] = nil }, report: &report)
            return
        }
        guard await runHook(hook, .cleanup, value: value, record: record, name: name, report: &report) else { return }
        report.cleanedUp = true
        await save(name, &record, { $0.dcvPublishedValue = nil; $0.extra[Self.publishedTagKey] = nil }, report: &report)
    }

    /// Runs `action` of the hook for every domain of the order with `value`, each run reported;
    /// true when the order has a DCV method and every run succeeded.
    func runHook(_ hook: DCVHook, _ action: DCVHook.Action, value: String, record: StateRecord, name: String,
                 report: inout DCVReport) async -> Bool {
        guard let method = record.dcvMethod else { return false }
        var succeeded = true
        for task in DCVTask.tasks(method: method, names: [record.commonName] + record.dnsNames, randomValue: value) {
            let run = await hook.run(action, task: task, name: name, orderID: record.orderID)
            report.hookRuns.append(run)
            succeeded = succeeded && run.succeeded
        }
        return succeeded
    }

    /// `PUT …/check-dcv`; when the order is issued, its order info is read and recorded.
    func check(_ record: inout StateRecord, name: String, report: inout DCVReport) async {
        guard let client else { return }
        let result: DCVCheckResult
        do {
            result = try await client.checkDCV(orderID: record.orderID)
        } catch {
            report.check = Self.checkFailure(error)
            return
        }
        let status = result.orderStatus ?? record.status
        guard status == .issued else {
            report.check = .validated(status: status)
            return
        }
        report.check = .issued
        do {
            let info = try await client.orderInfo(record.orderID)
            await save(name, &record, { _ = OrderRecords.refresh(&$0, with: info) }, report: &report)
        } catch {
            await save(name, &record, { $0.status = .issued; if let id = result.certificateID { $0.certificateID = id } }, report: &report)
            report.problems.append("issued, but its order info could not be read (refresh will): \(error)")
        }
    }

    /// A check's error in certform's terms: the documented 400s are answers, not failures.
    static func checkFailure(_ error: CertCentralError) -> DCVReport.Check {
        if case .api(let status, let errors) = error, status == 400,
           let known = errors.first(where: { [DCVCheckError.invalidDNSTXT, DCVCheckError.fileRandomValueNotFound, DCVCheckError.invalidDNSMethod].contains($0.kind) }) {
            return .notFound(code: known.kind, message: known.message)
        }
        return .failed(error.description)
    }
}
