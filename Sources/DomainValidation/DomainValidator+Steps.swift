import Apply
import CertCentral
import CertCentralAPI
import Dates
import Foundation
import JSON
import States

extension DomainValidator {
    /// What a hook publishes for an order, all of it as CertCentral gives it.
    struct Publication {
        var method: DCVMethod
        var names: [String]
        var value: String
    }

    /// Before a hook publishes, reads from CertCentral what it will publish: the order's names and
    /// method from its order info, and its current random value. A state file is as editable as
    /// any file in a pull request, and a hook writes to DNS zones and web servers: names and a
    /// value taken from it could validate someone else's order, or publish at names no order of
    /// this account holds. The record's names are left as they are (refresh records CertCentral's;
    /// what order info shows while a reissue is pending is not documented), its status and method
    /// brought up to date. Nil when the order cannot be read, does not wait for a token any more,
    /// or has no value.
    func confirm(_ record: inout StateRecord, name: String, report: inout DCVReport) async -> Publication? {
        guard let client else {
            report.problems.append("a hook publishes only what CertCentral confirms; run with the API key")
            return nil
        }
        guard !unreachable.isSet else {
            report.problems.append("CertCentral could not be reached for an earlier order, so \(unconfirmed)")
            return nil
        }
        let info: OrderInfo
        do {
            info = try await client.orderInfo(record.orderID)
        } catch {
            if case .transport = error { unreachable.set() }
            report.problems.append("order \(record.orderID) could not be read from CertCentral, so \(unconfirmed): \(error)")
            return nil
        }
        guard info.status.isInProgress else {
            // Issued (or ended) since state was written: recorded whole, as the check does.
            await save(name, &record, { _ = OrderRecords.refresh(&$0, with: info) }, report: &report)
            return nil
        }
        let method = info.dcvMethod.flatMap(DCVMethod.init) ?? record.dcvMethod
        await save(name, &record, { $0.status = info.status; $0.dcvMethod = method }, report: &report)
        guard let method, method.usesToken else { return nil }
        guard !info.certificate.commonName.isEmpty else {
            report.problems.append("CertCentral gives order \(record.orderID) no common name, so \(unconfirmed)")
            return nil
        }
        guard await ensureValue(&record, name: name, report: &report, always: true), let value = record.dcvRandomValue else { return nil }
        return Publication(method: method, names: Self.names(info.certificate.commonName, info.certificate.dnsNames), value: value)
    }

    /// What becomes of an order CertCentral does not confirm.
    var unconfirmed: String {
        options.hook != nil ? "nothing was published" : "what the state file says is shown, not confirmed"
    }

    /// The publication of an order placed (or adopted) by this very run: its names are the ones
    /// just sent, its value CertCentral's answer or read now. No need to ask CertCentral again.
    func ownPublication(_ record: inout StateRecord, name: String, report: inout DCVReport) async -> Publication? {
        guard let method = record.dcvMethod, method.usesToken, await ensureValue(&record, name: name, report: &report),
              let value = record.dcvRandomValue else { return nil }
        return Publication(method: method, names: Self.names(record.commonName, record.dnsNames), value: value)
    }

    /// Whether state holds a current value that certform itself published (its tag vouches for
    /// it): nothing to publish, so CertCentral need not be asked.
    func isPublishedAlready(_ record: StateRecord) -> Bool {
        guard let value = record.dcvPublishedValue, value == record.dcvRandomValue, Self.hasCurrentValue(record, now: now()) else { return false }
        return vouchedPublication(record, value: value) != nil
    }

    /// A certificate's names as a hook takes them: the common name first, each name once.
    static func names(_ commonName: String, _ dnsNames: [String]) -> [String] {
        [commonName] + Set(dnsNames).subtracting([commonName]).sorted()
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
        guard !unreachable.isSet else {
            report.problems.append("could not read the DCV random value: CertCentral could not be reached for an earlier order")
            return false
        }
        let fetched: DCVRandomValue
        do {
            fetched = try await client.dcvRandomValue(orderID: record.orderID)
        } catch {
            if case .transport = error { unreachable.set() }
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
    func publish(_ publication: Publication, with hook: DCVHook, record: inout StateRecord, name: String, report: inout DCVReport) async {
        if let old = record.dcvPublishedValue {
            await cleanup(old, with: hook, record: &record, name: name, report: &report)
        }
        guard await runHook(hook, .publish, publication, orderID: record.orderID, name: name, report: &report) else { return }
        let tag = publicationTag(orderID: record.orderID, publication)
        let names = JSONValue.array(publication.names.map(JSONValue.string))
        await save(name, &record, {
            $0.dcvPublishedValue = publication.value
            $0.extra[Self.publishedTagKey] = tag.map(JSONValue.string)
            $0.extra[Self.publishedNamesKey] = names
        }, report: &report)
    }

    /// The names a value was published at (CertCentral's, which may differ from the record's
    /// while a reissue is pending), kept for the cleanup and vouched for by the tag.
    static let publishedNamesKey = "dcv_published_names"

    /// The publication of `value` as state records it — at the names kept beside it (else the
    /// record's), by the record's method — when its tag vouches that certform made it; else nil.
    func vouchedPublication(_ record: StateRecord, value: String) -> Publication? {
        guard let method = record.dcvMethod, let stored = record.extra[Self.publishedTagKey]?.stringValue else { return nil }
        let kept = record.extra[Self.publishedNamesKey]?.arrayValue?.compactMap(\.stringValue)
        let publication = Publication(method: method, names: kept ?? Self.names(record.commonName, record.dnsNames), value: value)
        return publicationTag(orderID: record.orderID, publication) == stored ? publication : nil
    }

    /// The extra field that vouches for `dcv_published_value`: what certform published, for which
    /// order, method and names (``publicationTag(_:value:)``).
    static let publishedTagKey = "dcv_published_tag"

    /// A tag of `publication` for order `orderID`, made with the API key (``APIKey/tag(_:)``): a
    /// cleanup runs only for a publication it vouches for, so that an edited state cannot make a
    /// hook delete a record certform never published.
    func publicationTag(orderID: Int, _ publication: Publication) -> String? {
        guard let key = client?.configuration.apiKey else { return nil }
        let fields = [String(orderID), publication.method.rawValue, publication.value] + publication.names
        return key.tag(fields.map { "\($0.utf8.count):\($0)" }.joined(separator: ","))
    }

    /// Runs the hook's `cleanup` for every domain of the published `value` (at the record's names,
    /// which refresh and the check after issuance record from CertCentral); forgets the
    /// publication once all succeeded (a failed cleanup is tried again by the next run).
    func cleanup(_ value: String, with hook: DCVHook, record: inout StateRecord, name: String, report: inout DCVReport) async {
        guard let publication = vouchedPublication(record, value: value) else {
            report.notices.append("state says '\(value)' was published for order \(record.orderID), but not as certform records its own publications (with this API key, for these names); no cleanup ran; remove the DNS record or file by hand if it is yours")
            await save(name, &record, Self.forgetPublication, report: &report)
            return
        }
        guard await runHook(hook, .cleanup, publication, orderID: record.orderID, name: name, report: &report) else { return }
        report.cleanedUp = true
        await save(name, &record, Self.forgetPublication, report: &report)
    }

    @Sendable static func forgetPublication(_ record: inout StateRecord) {
        record.dcvPublishedValue = nil
        record.extra[publishedTagKey] = nil
        record.extra[publishedNamesKey] = nil
    }

    /// Runs `action` of the hook for every domain of `publication`, each run reported; true when
    /// every run succeeded.
    func runHook(_ hook: DCVHook, _ action: DCVHook.Action, _ publication: Publication, orderID: Int, name: String,
                 report: inout DCVReport) async -> Bool {
        var succeeded = true
        for task in DCVTask.tasks(method: publication.method, names: publication.names, randomValue: publication.value) {
            let run = await hook.run(action, task: task, name: name, orderID: orderID)
            report.hookRuns.append(run)
            succeeded = succeeded && run.succeeded
        }
        return succeeded
    }

    /// `PUT …/check-dcv`; when the order is issued, its order info is read and recorded.
    func check(_ record: inout StateRecord, name: String, report: inout DCVReport) async {
        guard let client else { return }
        guard !unreachable.isSet else {
            report.check = .failed("CertCentral could not be reached for an earlier order")
            return
        }
        let result: DCVCheckResult
        do {
            result = try await client.checkDCV(orderID: record.orderID)
        } catch {
            if case .transport = error { unreachable.set() }
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
