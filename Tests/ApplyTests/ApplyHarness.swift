import CertCentral
import CertCentralAPI
import CertformTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import Manifests
import Plans
import Testing
@testable import Sandbox
@testable import States

/// An in-memory state backend that can be told to fail: the applier's view of the world without
/// a file system, so that faults in writing state can be tested exactly.
actor FakeBackend: StateBackend {
    nonisolated let name = "fake"
    private(set) var stored = State()
    private(set) var saves = 0
    /// Saves after this many succeed fail with `unwritable` (nil: never).
    var failAfter: Int?

    init(_ state: State = State(), failAfter: Int? = nil) {
        stored = state
        self.failAfter = failAfter
    }

    func load() async throws(StateError) -> State { stored }

    func save(_ state: State) async throws(StateError) -> State {
        if let failAfter, saves >= failAfter { throw .unwritable(path: name, reason: "the disk is full") }
        saves += 1
        var next = state
        next.serial += 1
        if next.lineage == nil { next.lineage = "fake" }
        stored = next
        return next
    }

    func replace(with state: State) async throws(StateError) { stored = state }
    func lock(operation: String, timeout: Double) async throws(StateError) -> any StateLockHandle { FakeLock() }
    func currentHolder() async -> LockInfo? { nil }
    func unlock(id: String) async throws(StateError) -> StateLock.UnlockResult { .noLock }
}

final class FakeLock: StateLockHandle {
    let info = LockInfo(operation: "test", since: "2026-11-29T00:00:00Z")
    func release() async {}
}

/// A sandbox running in this process on a loopback port, and a client for it.
enum ApplyHarness {
    static func withSandbox<T: Sendable>(_ change: @Sendable (inout SandboxConfiguration) -> Void = { _ in },
                                         _ body: @Sendable (CertCentralClient, OrderStore) async throws -> T) async throws -> T {
        var configuration = SandboxConfiguration()
        configuration.rateLimited = false
        configuration.seed = 7
        change(&configuration)
        let store = try OrderStore(configuration: configuration)
        let key = configuration.apiKey
        let app = Application(router: SandboxRouter.make(store: store, apiKey: configuration.apiKey),
                              configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        return try await app.test(.live) { testClient in
            let port = try #require(testClient.port)
            var client = CertCentralConfiguration(baseURL: "http://127.0.0.1:\(port)/services/v2", apiKey: APIKey(key))
            client.retry.baseDelay = .milliseconds(20)
            client.retry.maxDelay = .milliseconds(100)
            let certCentral = CertCentralClient(configuration: client)
            do {
                let result = try await body(certCentral, store)
                try await certCentral.shutdown()
                return result
            } catch {
                try? await certCentral.shutdown()
                throw error
            }
        }
    }

    /// A certificate as a manifest would declare it, with a real CSR for its names.
    static func spec(_ name: String, validityYears: Int = 1) -> CertificateSpec {
        let commonName = "\(name).example.com"
        var spec = CertificateSpec(name: name, product: .sslDVGeoTrust, commonName: commonName, dnsNames: ["www.\(commonName)"],
                                   csr: TestCSR.make(commonName: commonName, sans: ["www.\(commonName)"]), dcvMethod: .dnsTXTToken,
                                   validityYears: validityYears)
        spec.skipApproval = true
        return spec
    }

    /// The changes the planner decides for `specs` against `state`.
    static func changes(_ specs: [CertificateSpec], state: State = State()) -> [Change] {
        Planner().plan(manifests: specs, state: state, asOf: Date()).changes
    }
}
