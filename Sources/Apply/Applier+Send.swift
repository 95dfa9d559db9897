import CertCentral
import CertCentralAPI
import Foundation
import Plans
import States

extension Applier {
    /// Sends the request and records its result; an unknown outcome is looked up, never sent again.
    func send(_ change: Change, request: ChangeRequest, intent: Intent, previous: StateRecord?) async -> ChangeOutcome {
        let placed: (orderID: Int, record: StateRecord, dcv: String?)
        do {
            placed = try await place(change, request: request, previous: previous)
        } catch let error as CertCentralError {
            if case .unknownOutcome = error {
                return await settle(change, intent: intent, previous: previous, cause: error)
            }
            // Definitely not processed: drop the intent, report, go on with the others.
            try? await writer.removeIntent(intent.id)
            return ChangeOutcome(change: change, kind: .refused(error.description))
        } catch {
            return ChangeOutcome(change: change, kind: .refused("\(error)"))
        }
        return await record(placed.record, orderID: placed.orderID, dcv: placed.dcv, for: change, intent: intent)
    }

    /// The request itself: a reissue of the order in state, or an order.
    func place(_ change: Change, request: ChangeRequest, previous: StateRecord?) async throws -> (Int, StateRecord, String?) {
        switch request {
        case .reissue(let body):
            guard let previous else { throw CertCentralError.transport(method: "POST", path: Endpoint.reissue(change.orderID ?? 0), reason: "no order to reissue") }
            _ = try await client.reissue(orderID: previous.orderID, body: body)
            return (previous.orderID, OrderRecords.reissued(change, previous: previous, at: now()), nil)
        case .order(let body):
            let created = try await client.placeOrder(product: change.product, body: body)
            let record = OrderRecords.placed(change, orderID: created.id, certificateID: created.certificateID,
                                             dcvRandomValue: created.dcvRandomValue, previous: previous, at: now())
            return (created.id, record, created.dcvRandomValue)
        }
    }

    /// Records a placed order and drops its intent in one write (step 3). When that write fails
    /// the order exists but state does not say so: the intent stays, the order id and the
    /// command that records it are printed, and nothing more is sent (step 8).
    func record(_ record: StateRecord, orderID: Int, dcv: String?, for change: Change, intent: Intent) async -> ChangeOutcome {
        do {
            try await writer.record(record, for: change.name, resolving: intent.id, movedFrom: change.movedFrom)
            return ChangeOutcome(change: change, kind: .placed(orderID: orderID, dcvRandomValue: dcv))
        } catch {
            await halt.stop("not sent: order \(orderID) was placed for '\(change.name)' but the state could not be written, so nothing more is sent")
            // The command first: whatever the error says, the way to record the order is never cut.
            let reason = "order \(orderID) was placed but the state could not be written; record it with 'certform state resolve \(intent.id) --order \(orderID)' (\(error))"
            return ChangeOutcome(change: change, kind: .undecided(intentID: intent.id, reason: reason))
        }
    }

    /// An unknown outcome: look the order up and adopt it; when nothing is found it is not sent
    /// again in this run — the intent stays, and the next run looks again first.
    func settle(_ change: Change, intent: Intent, previous: StateRecord?, cause: CertCentralError) async -> ChangeOutcome {
        switch await resolver.resolve(intent, previous: previous, known: await writer.state.knownOrderIDs) {
        case .placed(let info):
            let record = change.action == .reissue && previous != nil
                ? OrderRecords.reissued(change, previous: previous!, at: now())
                : OrderRecords.placed(change, orderID: info.id, certificateID: info.certificate.id, dcvRandomValue: nil, previous: previous, at: now())
            let outcome = await self.record(record, orderID: info.id, dcv: nil, for: change, intent: intent)
            guard case .placed = outcome.kind else { return outcome }
            return ChangeOutcome(change: change, kind: .adopted(orderID: info.id))
        case .notPlaced:
            return ChangeOutcome(change: change, kind: .undecided(intentID: intent.id, reason: "\(cause); no order is listed for it yet, and it is never sent twice in one run: the next 'certform apply' looks again first"))
        case .undecided(let reason):
            return ChangeOutcome(change: change, kind: .undecided(intentID: intent.id, reason: "\(cause); \(reason)"))
        }
    }
}
