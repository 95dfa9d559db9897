import CertCentral
import CertCentralAPI
import Dates
import Foundation
import States

/// Brings the state up to date with CertCentral (SPEC §6): one pass over list orders (1,000 a
/// page), then order info only for the orders that may have changed; renewals made outside
/// certform are followed and adopted, so that certform never buys them again.
public struct Refresher: Sendable {
    public struct Report: Sendable {
        public var name: String
        public var orderID: Int
        /// What changed, in words.
        public var changes: [String]
        public var error: String?
    }

    /// What a refresh did: one report per order read, and how many requests it took.
    public struct Result: Sendable {
        public var reports: [Report]
        public var listed: Int
        public var listRequests: Int
        /// Set when the account could not be listed; then nothing was read.
        public var listError: String?
    }

    let client: CertCentralClient
    let writer: StateWriter
    let today: CalendarDate

    public init(client: CertCentralClient, writer: StateWriter, today: CalendarDate = CalendarDate(Date())) {
        self.client = client
        self.writer = writer
        self.today = today
    }

    /// Lists the account, then reads and records every order worth reading (`all`: every order in
    /// state), with up to `concurrency` reads in flight.
    /// `windows`: each certificate's `renew_before_days` by name, from the manifests (30 for a
    /// name they do not give).
    public func refresh(all: Bool, concurrency: Int, windows: [String: Int] = [:],
                        progress: @escaping @Sendable (Report) async -> Void = { _ in }) async -> Result {
        let listing: (orders: [Int: OrderListItem], requests: Int)
        do {
            listing = try await listAccount()
        } catch {
            return Result(reports: [], listed: 0, listRequests: 0, listError: "\(error)")
        }
        let names = Self.names(in: await writer.state, listed: listing.orders, all: all, today: today, windows: windows)
        let reports = await runBounded(names, limit: concurrency, body: { await self.refresh($0) }, progress: progress)
        return Result(reports: reports.sorted { $0.name < $1.name }, listed: listing.orders.count, listRequests: listing.requests)
    }

    /// Every order of the account by id (duplicates across pages dropped), and the pages read.
    func listAccount() async throws(CertCentralError) -> ([Int: OrderListItem], Int) {
        var pages = 0
        let orders = try await client.listOrders(sortedByID: true) { pages += 1 }
        var byID: [Int: OrderListItem] = [:]
        byID.reserveCapacity(orders.count)
        for order in orders where byID[order.id] == nil { byID[order.id] = order }
        return (byID, pages)
    }

    /// The renewal window of a certificate its manifest does not give one (SPEC §2.1's default).
    public static let defaultWindow = 30

    /// Names whose order may have changed: not listed, listed with another status or expiry,
    /// renewed, not final, or within twice its `renew_before_days` (`windows`, else
    /// ``defaultWindow``) of expiry — or every one with `all`.
    public static func names(in state: State, listed: [Int: OrderListItem], all: Bool, today: CalendarDate,
                             windows: [String: Int] = [:]) -> [String] {
        state.certificates.filter { name, record in
            if all || record.status.isInProgress { return true }
            guard let item = listed[record.orderID] else { return !record.status.isFailed }
            if item.status != record.status || item.isRenewed == true { return true }
            if let till = item.certificate.validTill.flatMap(CalendarDate.init), till != record.validTill { return true }
            if record.status == .issued && (record.validTill == nil || record.thumbprint == nil || record.orderValidTill == nil) { return true }
            guard let validTill = record.validTill, record.status == .issued else { return false }
            return today.days(until: validTill) <= 2 * (windows[name] ?? defaultWindow)
        }.keys.sorted()
    }

    func refresh(_ name: String) async -> Report {
        guard let record = await writer.state.certificates[name] else {
            return Report(name: name, orderID: 0, changes: [], error: "no longer in state")
        }
        do {
            let info = try await client.orderInfo(record.orderID)
            var refreshed = record
            var changes = OrderRecords.refresh(&refreshed, with: info)
            if let renewal = OrderRecords.namedRenewal(in: info, of: record.orderID) {
                let (adopted, words) = try await follow(renewal, from: refreshed)
                refreshed = adopted
                changes += words
            } else if OrderRecords.isRenewedUnnamed(info, orderID: record.orderID), refreshed.renewedElsewhereBy == nil {
                // Renewed, by an order CertCentral does not name (renewed_order_id is
                // undocumented): marked with 0, so that the plan blocks the name, never renews it.
                refreshed.extra[OrderRecords.renewedElsewhereKey] = .int(0)
                changes.append("renewed outside certform, by an order CertCentral does not name; the plan blocks it until you import the renewal or forget it")
            }
            try await save(refreshed, for: name, replacing: record.orderID)
            return Report(name: name, orderID: record.orderID, changes: changes, error: nil)
        } catch {
            return Report(name: name, orderID: record.orderID, changes: [], error: "\(error)")
        }
    }

    /// An order renewed outside certform: the renewal order is adopted when it has the same
    /// names and product; otherwise the record says so, and the plan blocks the name.
    func follow(_ renewalID: Int, from record: StateRecord) async throws(CertCentralError) -> (StateRecord, [String]) {
        if await writer.state.knownOrderIDs.contains(renewalID) {
            // Already recorded (under another name, or in history): an order is never adopted
            // twice. A mark of an unnamed renewal now names it.
            var record = record
            if record.renewedElsewhereBy == 0 { record.extra[OrderRecords.renewedElsewhereKey] = .int(renewalID) }
            return (record, ["renewed outside certform as order \(renewalID), which state already records"])
        }
        let renewal = try await client.orderInfo(renewalID)
        if let adopted = OrderRecords.adoptingRenewal(record, renewal: renewal) {
            return (adopted, ["renewed outside certform as order \(renewalID); adopted"])
        }
        var marked = record
        marked.extra[OrderRecords.renewedElsewhereKey] = .int(renewalID)
        return (marked, ["renewed outside certform as order \(renewalID) with other names or product; the plan blocks it until you import or forget it"])
    }

    /// Saves `record` under `name`, unless something replaced that order meanwhile.
    func save(_ record: StateRecord, for name: String, replacing orderID: Int) async throws(StateError) {
        try await writer.update { state in
            guard state.certificates[name]?.orderID == orderID else { return }
            state.certificates[name] = record
        }
    }
}
