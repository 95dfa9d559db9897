import Apply
import CertCentral
import CertCentralAPI
import Dates
import Foundation
import States
import Synchronization

/// Domain control validation for the orders in state (SPEC §6, `certform dcv`): makes sure each
/// order awaiting validation has a current random value (fetching a missing or expired one),
/// runs the DCV hook to publish it, asks CertCentral to check, and runs the hook's `cleanup`
/// once the order is issued. Every value, publication and status is written to state as it is
/// learned, so that the next run neither publishes twice nor forgets a cleanup.
public struct DomainValidator: Sendable {
    public struct Options: Sendable {
        /// Ask CertCentral to validate now (`PUT …/check-dcv`) even without a hook.
        public var check = false
        public var hook: DCVHook?
        /// Names whose order this run placed, reissued or adopted: their names were just sent
        /// and their value comes from CertCentral, so a hook publishes them without asking again.
        public var placed: Set<String> = []
        /// Without a hook, show what CertCentral confirms (order info and the random value)
        /// rather than what state holds: a person publishes what `certform dcv` prints.
        public var confirmShown = false

        public init(check: Bool = false, hook: DCVHook? = nil, placed: Set<String> = [], confirmShown: Bool = false) {
            self.check = check
            self.hook = hook
            self.placed = placed
            self.confirmShown = confirmShown
        }
    }

    let client: CertCentralClient?
    let writer: StateWriter
    let options: Options
    let now: @Sendable () -> Date
    /// Set once CertCentral could not be reached: the other orders are not asked (each would
    /// wait out the client's whole retry budget) and say why.
    let unreachable = Flag()

    final class Flag: Sendable {
        private let value = Mutex(false)
        var isSet: Bool { value.withLock { $0 } }
        func set() { value.withLock { $0 = true } }
    }

    /// `client` nil reads nothing from CertCentral: the report shows what state holds.
    public init(client: CertCentralClient?, writer: StateWriter, options: Options, now: @escaping @Sendable () -> Date = Date.init) {
        self.client = client
        self.writer = writer
        self.options = options
        self.now = now
    }

    /// The names DCV concerns: orders awaiting validation, and (with a hook) published tokens
    /// not cleaned up yet; sorted.
    public static func names(in state: State, hook: Bool) -> [String] {
        state.certificates.filter { _, record in
            (record.status.isInProgress && record.dcvMethod != nil) || (hook && record.dcvPublishedValue != nil)
        }.keys.sorted()
    }

    /// Validates `names` (default: ``names(in:hook:)``) one after another; a failure of one
    /// never stops the others.
    public func run(names: [String]? = nil) async -> [DCVReport] {
        let state = await writer.state
        let chosen = names ?? Self.names(in: state, hook: options.hook != nil)
        var reports: [DCVReport] = []
        for name in chosen {
            if let report = await validate(name) { reports.append(report) }
        }
        return reports
    }

    func validate(_ name: String) async -> DCVReport? {
        guard var record = await writer.state.certificates[name] else { return nil }
        var report = DCVReport(name: name, record: record)
        var shown: Publication?
        if record.status.isInProgress, record.dcvMethod?.usesToken == true {
            if let hook = options.hook {
                // What a hook publishes comes from CertCentral, never from the state file.
                // Published already (its tag vouches for it): shown as published, not asked again.
                shown = options.placed.contains(name) ? await ownPublication(&record, name: name, report: &report)
                    : isPublishedAlready(record) ? record.dcvPublishedValue.flatMap { vouchedPublication(record, value: $0) }
                    : await confirm(&record, name: name, report: &report)
                if let shown, record.dcvPublishedValue != shown.value {
                    await publish(shown, with: hook, record: &record, name: name, report: &report)
                }
            } else if options.confirmShown || options.placed.contains(name), client != nil {
                shown = options.placed.contains(name) ? await ownPublication(&record, name: name, report: &report)
                    : await confirm(&record, name: name, report: &report)
            } else {
                await ensureValue(&record, name: name, report: &report)
            }
        }
        let published = record.dcvPublishedValue != nil && record.dcvPublishedValue == record.dcvRandomValue
        if record.status.isInProgress, client != nil, record.dcvMethod != nil, options.check || (options.hook != nil && published) {
            await check(&record, name: name, report: &report)
        }
        if let hook = options.hook, record.status == .issued, let value = record.dcvPublishedValue {
            await cleanup(value, with: hook, record: &record, name: name, report: &report)
        }
        describe(record, in: &report)
        if let shown, record.status.isInProgress {
            // What CertCentral confirmed (or this run sent), not the record's names.
            report.method = shown.method
            report.randomValue = shown.value
            report.tasks = DCVTask.tasks(method: shown.method, names: shown.names, randomValue: shown.value)
            report.confirmed = true
        }
        return report
    }

    /// The tasks, addresses, value and expiry of `record` as it now stands.
    func describe(_ record: StateRecord, in report: inout DCVReport) {
        report.status = record.status
        report.method = record.dcvMethod
        report.randomValue = record.dcvRandomValue
        let names = [record.commonName] + record.dnsNames
        if let method = record.dcvMethod, let value = record.dcvRandomValue {
            report.tasks = DCVTask.tasks(method: method, names: names, randomValue: value)
        }
        if record.dcvMethod == .email {
            report.emails = DCVTask.emailAddresses(for: names, scopes: record.dcvEmails)
            report.emailDomains = DCVTask.constructedDomains(for: names, scopes: record.dcvEmails)
        }
        if let stated = record.dcvExpiresAt {
            report.expiresAt = stated
        } else if record.dcvRandomValue != nil, let estimate = Self.estimatedExpiry(of: record) {
            report.expiresAt = Timestamp.format(estimate)
            report.expiryIsEstimated = true
        }
    }

    /// When the value of `record` stops being accepted: as CertCentral said, or 30 days (the
    /// documented lifetime) after the order or reissue that produced it.
    static func expiry(of record: StateRecord) -> Date? {
        if let stated = record.dcvExpiresAt.flatMap(Timestamp.parse) { return stated }
        return estimatedExpiry(of: record)
    }

    static func estimatedExpiry(of record: StateRecord) -> Date? {
        let made = record.extra["reissued_at"]?.stringValue ?? record.orderedAt
        return made.flatMap(Timestamp.parse)?.addingTimeInterval(DCVPublication.randomValueLifetime)
    }

    /// Writes `change` to the record of `name` in state and to the local copy.
    func save(_ name: String, _ record: inout StateRecord, _ change: @escaping @Sendable (inout StateRecord) -> Void, report: inout DCVReport) async {
        change(&record)
        do {
            try await writer.update { state in
                if state.certificates[name] != nil { change(&state.certificates[name]!) }
            }
        } catch {
            report.problems.append("the state could not be written: \(error)")
        }
    }
}

extension DomainValidator {
    /// Whether any of `names` awaits validation by a token: only then has CertCentral anything to
    /// confirm.
    public static func awaitsToken(_ state: State, names: [String]) -> Bool {
        names.contains { name in
            guard let record = state.certificates[name] else { return false }
            return record.status.isInProgress && record.dcvMethod?.usesToken == true
        }
    }

    /// Whether any of `names` awaits validation by a token whose value state lacks or that has
    /// expired: only then must CertCentral be asked before the report can be shown.
    public static func needsValues(_ state: State, names: [String], now: Date) -> Bool {
        !namesNeedingValues(state, among: names, now: now).isEmpty
    }

    /// The names among `names` (default: all) awaiting validation by a token whose value state
    /// lacks or that has expired — an order adopted from CertCentral, a reissue, a renewal made
    /// outside certform — sorted.
    public static func namesNeedingValues(_ state: State, among names: [String]? = nil, now: Date) -> [String] {
        (names ?? Array(state.certificates.keys)).filter { name in
            guard let record = state.certificates[name], record.status.isInProgress, record.dcvMethod?.usesToken == true else { return false }
            return !hasCurrentValue(record, now: now)
        }.sorted()
    }

    /// A value that stays valid for at least another hour (so that it is not published just
    /// before it stops counting).
    static func hasCurrentValue(_ record: StateRecord, now: Date) -> Bool {
        guard record.dcvRandomValue != nil, let expiry = expiry(of: record) else { return false }
        return expiry > now.addingTimeInterval(3600)
    }
}
