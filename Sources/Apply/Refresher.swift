import CertCentral
import CertCentralAPI
import Foundation
import States

/// Reads order info for the orders in state and records what CertCentral reports (SPEC §6).
public struct Refresher: Sendable {
    public struct Report: Sendable {
        public var name: String
        public var orderID: Int
        /// What changed, in words; empty when nothing did.
        public var changes: [String]
        public var error: String?
    }

    let client: CertCentralClient
    let writer: StateWriter

    public init(client: CertCentralClient, writer: StateWriter) {
        self.client = client
        self.writer = writer
    }

    /// The names worth reading: orders not in a final state, and issued orders missing dates or a
    /// thumbprint — or every order with `all`.
    public static func names(in state: State, all: Bool) -> [String] {
        state.certificates.filter { _, record in
            if all { return true }
            if record.status.isInProgress { return true }
            if record.status == .issued {
                return record.validTill == nil || record.thumbprint == nil || record.orderValidTill == nil
            }
            return !record.status.isFailed && record.status != .expired
        }.keys.sorted()
    }

    /// Refreshes `names` with up to `concurrency` reads in flight, saving the state after each.
    public func refresh(_ names: [String], concurrency: Int,
                        progress: @escaping @Sendable (Report) async -> Void) async -> [Report] {
        let reports = await runBounded(names, limit: concurrency, body: { await self.refresh($0) }, progress: progress)
        return reports.sorted { $0.name < $1.name }
    }

    func refresh(_ name: String) async -> Report {
        guard let record = await writer.state.certificates[name] else {
            return Report(name: name, orderID: 0, changes: [], error: "no longer in state")
        }
        do {
            let info = try await client.orderInfo(record.orderID)
            var refreshed = record
            let changes = OrderRecords.refresh(&refreshed, with: info)
            let updated = refreshed
            try await writer.update { state in
                // Only if nothing replaced the order meanwhile.
                guard state.certificates[name]?.orderID == record.orderID else { return }
                state.certificates[name] = updated
            }
            return Report(name: name, orderID: record.orderID, changes: changes, error: nil)
        } catch {
            return Report(name: name, orderID: record.orderID, changes: [], error: "\(error)")
        }
    }
}
