import Apply
import CertCentral
import CertCentralAPI
import Dates
import Foundation
import States

extension DomainValidator {
    /// Fetches the random value when state has none or it has expired (an hour's margin, so that
    /// a value is not published just before it stops counting).
    func ensureValue(_ record: inout StateRecord, name: String, report: inout DCVReport) async {
        guard !Self.hasCurrentValue(record, now: now()) else { return }
        guard let client else {
            if record.dcvRandomValue == nil { report.problems.append("no DCV random value in state; run with the API key to fetch it") }
            return
        }
        let fetched: DCVRandomValue
        do {
            fetched = try await client.dcvRandomValue(orderID: record.orderID)
        } catch {
            report.problems.append("could not read the DCV random value: \(error)")
            return
        }
        guard let value = fetched.dcvRandomValue else {
            report.problems.append("CertCentral returned no DCV random value for order \(record.orderID)")
            return
        }
        report.valueFetched = true
        report.valueReplaced = record.dcvRandomValue != nil && record.dcvRandomValue != value
        let expires = fetched.expirationDate
        await save(name, &record, { $0.dcvRandomValue = value; $0.dcvExpiresAt = expires }, report: &report)
    }

    /// Runs the hook's `publish` for every domain; records the value as published only when all
    /// of them succeeded. A value published earlier and since replaced is cleaned up first.
    func publish(_ value: String, with hook: DCVHook, record: inout StateRecord, name: String, report: inout DCVReport) async {
        if let old = record.dcvPublishedValue {
            await cleanup(old, with: hook, record: &record, name: name, report: &report)
        }
        guard await runHook(hook, .publish, value: value, record: record, name: name, report: &report) else { return }
        await save(name, &record, { $0.dcvPublishedValue = value }, report: &report)
    }

    /// Runs the hook's `cleanup` for every domain of the published `value`; forgets the
    /// publication once all succeeded (a failed cleanup is tried again by the next run).
    func cleanup(_ value: String, with hook: DCVHook, record: inout StateRecord, name: String, report: inout DCVReport) async {
        guard await runHook(hook, .cleanup, value: value, record: record, name: name, report: &report) else { return }
        report.cleanedUp = true
        await save(name, &record, { $0.dcvPublishedValue = nil }, report: &report)
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
