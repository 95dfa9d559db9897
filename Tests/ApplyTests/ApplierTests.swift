import Logging
import Apply
import CertCentral
import CertCentralAPI
import Dates
import Foundation
import Plans
@testable import Sandbox
import States
import Testing

/// The exactly-once core (SPEC §5.2), driven directly: the applier against the sandbox in this
/// process and an in-memory state that can fail.
@Suite struct ApplierTests {
    @Test func eachCreateIsPlacedOnceAndRecordedWithoutItsIntent() async throws {
        try await ApplyHarness.withSandbox { client, store in
            let backend = FakeBackend()
            let writer = StateWriter(state: State(), store: backend)
            let changes = ApplyHarness.changes(["a", "b", "c"].map { ApplyHarness.spec($0) })
            let outcomes = await Applier(client: client, writer: writer).apply(changes, concurrency: 2) { _ in }
            #expect(outcomes.allSatisfy { $0.succeeded })
            let state = await backend.stored
            #expect(state.intents.isEmpty)
            #expect(state.certificates.keys.sorted() == ["a", "b", "c"])
            #expect(state.certificates["a"]?.status == .pending)
            #expect(state.certificates["a"]?.dcvRandomValue != nil)
            #expect(await store.currentStats().ordersCreated == 3)
        }
    }

    @Test func aDroppedAnswerIsLookedUpAndAdoptedNotSentAgain() async throws {
        try await ApplyHarness.withSandbox({ $0.faults.dropAfterAcceptRate = 1 }) { client, store in
            let backend = FakeBackend()
            let writer = StateWriter(state: State(), store: backend)
            let outcomes = await Applier(client: client, writer: writer).apply(ApplyHarness.changes([ApplyHarness.spec("web")]), concurrency: 1) { _ in }
            guard case .adopted(let orderID) = try #require(outcomes.first).kind else {
                Issue.record("expected the order to be adopted, got \(outcomes)")
                return
            }
            #expect(await store.currentStats().ordersCreated == 1)
            #expect(await backend.stored.certificates["web"]?.orderID == orderID)
            #expect(await backend.stored.intents.isEmpty)
        }
    }

    @Test func aRefusalRecordsNothingAndDropsTheIntent() async throws {
        try await ApplyHarness.withSandbox { client, store in
            let backend = FakeBackend()
            let writer = StateWriter(state: State(), store: backend)
            // Four years is more than CertCentral allows: a definite 400.
            let changes = ApplyHarness.changes([ApplyHarness.spec("web", validityYears: 4)])
            let outcomes = await Applier(client: client, writer: writer).apply(changes, concurrency: 1) { _ in }
            guard case .refused(let reason) = try #require(outcomes.first).kind else {
                Issue.record("expected a refusal, got \(outcomes)")
                return
            }
            #expect(reason.contains("invalid_value:validity_years"))
            let stored = await backend.stored
            #expect(stored.intents.isEmpty && stored.certificates.isEmpty)
            #expect(await store.currentStats().ordersCreated == 0)
        }
    }

    @Test func anOrderThatCannotBeRecordedKeepsItsIntent() async throws {
        try await ApplyHarness.withSandbox { client, store in
            // The intent is written; the write that records the order fails.
            let backend = FakeBackend(failAfter: 1)
            let writer = StateWriter(state: State(), store: backend)
            let outcomes = await Applier(client: client, writer: writer).apply(ApplyHarness.changes([ApplyHarness.spec("web")]), concurrency: 1) { _ in }
            guard case .undecided = try #require(outcomes.first).kind else {
                Issue.record("expected undecided, got \(outcomes)")
                return
            }
            #expect(await backend.stored.intents.map(\.name) == ["web"])
            #expect(await store.currentStats().ordersCreated == 1)
        }
    }

    @Test func nothingIsSentWhenTheIntentCannotBeSaved() async throws {
        try await ApplyHarness.withSandbox { client, store in
            let backend = FakeBackend(failAfter: 0)
            let writer = StateWriter(state: State(), store: backend)
            let outcomes = await Applier(client: client, writer: writer).apply(ApplyHarness.changes([ApplyHarness.spec("web")]), concurrency: 1) { _ in }
            guard case .skipped = try #require(outcomes.first).kind else {
                Issue.record("expected skipped, got \(outcomes)")
                return
            }
            #expect(await store.currentStats().ordersCreated == 0)
        }
    }

    @Test func manyChangesInFlightLoseNoRecordAndShareWrites() async throws {
        try await ApplyHarness.withSandbox { client, store in
            let backend = FakeBackend()
            let writer = StateWriter(state: State(), store: backend)
            let names = (0..<24).map { String(format: "c%02d", $0) }
            let outcomes = await Applier(client: client, writer: writer).apply(ApplyHarness.changes(names.map { ApplyHarness.spec($0) }), concurrency: 8) { _ in }
            #expect(outcomes.count == 24 && outcomes.allSatisfy { $0.succeeded })
            #expect(await backend.stored.certificates.keys.sorted() == names)
            #expect(await store.currentStats().ordersCreated == 24)
            // An intent and a record per change, group-committed: never more writes than that.
            #expect(await backend.saves <= 48)
        }
    }

    @Test func aChangeTheStateNoLongerMatchesIsSkipped() async throws {
        try await ApplyHarness.withSandbox { client, store in
            let changes = ApplyHarness.changes([ApplyHarness.spec("web")])
            // Between plan and apply, another run recorded an order for the name.
            var state = State()
            state.certificates["web"] = StateRecord(orderID: 1, product: .sslDVGeoTrust, commonName: "web.example.com",
                                                    dnsNames: ["www.web.example.com"], status: .pending)
            let writer = StateWriter(state: state, store: FakeBackend(state))
            let outcomes = await Applier(client: client, writer: writer).apply(changes, concurrency: 1) { _ in }
            guard case .skipped(let reason) = try #require(outcomes.first).kind else {
                Issue.record("expected skipped, got \(outcomes)")
                return
            }
            #expect(reason.contains("state now holds order 1"))
            #expect(await store.currentStats().ordersCreated == 0)
        }
    }

    @Test func aLeftoverIntentWhoseOrderExistsIsAdopted() async throws {
        try await ApplyHarness.withSandbox { client, store in
            let change = try #require(ApplyHarness.changes([ApplyHarness.spec("web")]).first)
            let request = try #require(change.request?.order)
            // The earlier run sent the order and died before recording it.
            let placed = try await client.placeOrder(product: .sslDVGeoTrust, body: request)
            var state = State()
            state.intents = [Intent(id: "i-1", name: "web", action: .create, createdAt: Timestamp.format(Date().addingTimeInterval(-60)),
                                    requestDigest: ChangeRequest.order(request).digest, commonName: change.commonName, product: .sslDVGeoTrust,
                                    extra: ["dns_names": .array(change.dnsNames.map { .string($0) })])]
            let backend = FakeBackend(state)
            let results = await Applier(client: client, writer: StateWriter(state: state, store: backend)).resolveLeftoverIntents()
            guard case .placed(let info) = try #require(results.first).1 else {
                Issue.record("expected the intent to resolve as placed, got \(results)")
                return
            }
            #expect(info.id == placed.id)
            #expect(await backend.stored.certificates["web"]?.orderID == placed.id)
            #expect(await backend.stored.intents.isEmpty)
            #expect(await store.currentStats().ordersCreated == 1)
        }
    }

    /// A reissue intent written into state by hand or in a pull request, naming an order that
    /// another name records (dated 1970, so that any certificate counts as issued after it): it
    /// must not record that order a second time.
    @Test func aReissueIntentAdoptsOnlyItsOwnNamesOrder() async throws {
        try await ApplyHarness.withSandbox { client, store in
            let spec = ApplyHarness.spec("api")
            let placed = try await client.placeOrder(product: .sslDVGeoTrust, body: try #require(ApplyHarness.changes([spec]).first?.request?.order))
            let record = OrderRecords.imported(try await client.orderInfo(placed.id), expected: .sslDVGeoTrust)
            var state = State()
            state.certificates["api"] = record
            state.certificates["other"] = StateRecord(orderID: placed.id + 1000, product: .sslDVGeoTrust, commonName: "other.example.com", dnsNames: [], status: .issued)
            for (id, name) in [("forged-1", "dup"), ("forged-2", "other")] {
                state.intents.append(Intent(id: id, name: name, action: .reissue, createdAt: "1970-01-01T00:00:00Z", requestDigest: "x",
                                            commonName: "x", product: .sslDVGeoTrust, extra: ["order_id": .int(placed.id)]))
            }
            let backend = FakeBackend(state)
            let results = await Applier(client: client, writer: StateWriter(state: state, store: backend)).resolveLeftoverIntents()
            let reasons = results.compactMap { intent, resolution -> String? in
                guard case .undecided(let reason) = resolution else { return nil }
                return "\(intent.id): \(reason)"
            }
            #expect(reasons == ["forged-1: a reissue for 'dup', which has no state record",
                                "forged-2: the intent names order \(placed.id), but 'other' records order \(placed.id + 1000)"])
            let stored = await backend.stored
            #expect(stored.certificates["dup"] == nil && stored.certificates["other"]?.orderID == placed.id + 1000)
            #expect(stored.intents.count == 2)
            #expect(await store.currentStats().ordersCreated == 1)
        }
    }

    /// A renamed certificate's reissue whose answer was lost: its record is still under the old
    /// name, and moves to the new one when the next run finds the reissue.
    @Test func aRenamedCertificatesLeftoverReissueMovesItsRecord() async throws {
        try await ApplyHarness.withSandbox { client, store in
            let spec = ApplyHarness.spec("new")
            let placed = try await client.placeOrder(product: .sslDVGeoTrust, body: try #require(ApplyHarness.changes([spec]).first?.request?.order))
            var state = State()
            state.certificates["old"] = OrderRecords.imported(try await client.orderInfo(placed.id), expected: .sslDVGeoTrust)
            let before = Timestamp.format(Date().addingTimeInterval(-60))
            _ = try await client.reissue(orderID: placed.id, body: ReissueRequest(certificate: CertificateRequest(commonName: spec.commonName, csr: spec.csr)))
            state.intents = [Intent(id: "i-r", name: "new", action: .reissue, createdAt: before, requestDigest: "x", commonName: spec.commonName,
                                    product: .sslDVGeoTrust, extra: ["order_id": .int(placed.id), "moved_from": "old"])]
            let backend = FakeBackend(state)
            let results = await Applier(client: client, writer: StateWriter(state: state, store: backend)).resolveLeftoverIntents()
            guard case .placed = try #require(results.first).1 else {
                Issue.record("expected placed, got \(results)")
                return
            }
            let stored = await backend.stored
            #expect(stored.certificates["new"]?.orderID == placed.id)
            #expect(stored.certificates["old"] == nil)
            #expect(stored.intents.isEmpty)
        }
    }

    @Test func aLeftoverIntentWithNoOrderIsDroppedAndNothingSent() async throws {
        try await ApplyHarness.withSandbox { client, store in
            var state = State()
            state.intents = [Intent(id: "i-2", name: "web", action: .create, createdAt: Timestamp.format(Date()),
                                    requestDigest: "sha256:x", commonName: "web.example.com", product: .sslDVGeoTrust,
                                    extra: ["dns_names": .array([.string("www.web.example.com")])])]
            let backend = FakeBackend(state)
            let results = await Applier(client: client, writer: StateWriter(state: state, store: backend)).resolveLeftoverIntents()
            guard case .notPlaced = try #require(results.first).1 else {
                Issue.record("expected not placed, got \(results)")
                return
            }
            #expect(await backend.stored.intents.isEmpty)
            #expect(await store.currentStats().ordersCreated == 0)
        }
    }

    /// SPEC §5.2: a POST whose outcome is unknown is never sent a second time in the same run —
    /// here a reissue gets a 500 and the lookup finds no sign of it; the client's own log shows
    /// one POST, and the intent stays for the next run to look first.
    @Test func anUnknownOutcomeIsNeverSentTwiceInOneRun() async throws {
        try await ApplyHarness.withSandbox { client, store in
            let spec = ApplyHarness.spec("web")
            let placed = try await client.placeOrder(product: .sslDVGeoTrust, body: try #require(ApplyHarness.changes([spec]).first?.request?.order))
            var record = OrderRecords.imported(try await client.orderInfo(placed.id), expected: .sslDVGeoTrust)
            record.validTill = CalendarDate(Date()).adding(days: 5)
            record.orderValidTill = CalendarDate(Date()).adding(days: 300)
            var state = State()
            state.certificates["web"] = record
            let changes = ApplyHarness.changes([spec], state: state)
            #expect(changes.first?.action == .reissue)
            // Every request fails with a 500 (for a POST: an unknown outcome, and the sandbox did
            // nothing) until the client's log shows the POST; then the sandbox answers normally,
            // so the lookup finds the recorded certificate still in place: "not placed".
            _ = await store.setFaults(Faults(failRate: 1))
            var configuration = client.configuration
            configuration.retry.maxAttempts = 200
            configuration.retry.maxTotal = .seconds(60)
            let log = RequestLog()
            var logger = Logger(label: "test") { _ in log }
            logger.logLevel = .info
            let impatient = CertCentralClient(configuration: configuration, logger: logger)
            let backend = FakeBackend(state)
            let calm = Task {
                while !log.lines.contains(where: { $0.hasPrefix("POST ") }) { try await Task.sleep(for: .milliseconds(5)) }
                _ = await store.setFaults(Faults())
            }
            let outcomes = await Applier(client: impatient, writer: StateWriter(state: state, store: backend)).apply(changes, concurrency: 1) { _ in }
            try await calm.value
            try? await impatient.shutdown()
            guard case .undecided(_, let reason) = try #require(outcomes.first).kind else {
                Issue.record("expected undecided, got \(outcomes)")
                return
            }
            #expect(reason.contains("never sent twice in one run"), "\(reason)")
            #expect(log.lines.filter { $0.hasPrefix("POST ") }.count == 1, "\(log.lines)")
            #expect(await backend.stored.intents.map(\.name) == ["web"])  // the next run looks first
        }
    }
}

/// Collects the client's log lines (method, path, status or failure — never the key).
final class RequestLog: LogHandler, @unchecked Sendable {
    private let lock = NSLock()
    private var collected: [String] = []
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .info
    var lines: [String] { lock.withLock { collected } }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(level: Logger.Level, message: Logger.Message, metadata: Logger.Metadata?, source: String, file: String, function: String, line: UInt) {
        lock.withLock { collected.append(message.description) }
    }
}
