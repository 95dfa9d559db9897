import CertCentralAPI
import CertformTestSupport
import Foundation
import JSON
import PostgresState
@testable import States
import Testing

/// The rules every state backend keeps, run against the file and (when a server is configured,
/// as in CI) against PostgreSQL: the same test, the same expectations.
@Suite struct StateBackendTests {
    /// Opens `location` afresh, as another process would.
    static func open(_ location: String) async throws -> any StateBackend {
        if PostgresStateURL.isPostgres(location) {
            return try await PostgresStateBackend.connect(PostgresStateURL(location, password: ProcessInfo.processInfo.environment["PGPASSWORD"]))
        }
        return StateStore(path: location)
    }

    /// A fresh state of `backend` ("file" or "postgres", ``StateLocations/backends``): a file in
    /// `scratch`, which the test holds until it ends, so that the file goes with it. (The
    /// directory was made and let go while the arguments were listed: the backend made it
    /// again, and every run of the tests left it behind in the temporary directory.)
    static func location(_ backend: String, in scratch: TemporaryDirectory) -> String {
        backend == "postgres" ? TestPostgres.freshURL() : scratch.path + "/state/orders.json"
    }

    static func record(_ order: Int, _ name: String) -> StateRecord {
        var record = StateRecord(orderID: order, product: .sslDVGeoTrust, commonName: "\(name).example.com", dnsNames: ["www.\(name).example.com"], status: OrderStatus("issued"))
        record.thumbprint = String(format: "%040X", order)
        return record
    }

    static let exampleState: State = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return try! StateStore(path: url.path + "/state/orders.json").read()
    }()

    @Test(arguments: StateLocations.backends)
    func aNewStateIsEmptyAndTheFirstSaveGivesItALineage(backend: String) async throws {
        let scratch = TemporaryDirectory()
        defer { withExtendedLifetime(scratch) {} }
        let location = Self.location(backend, in: scratch)
        let backend = try await Self.open(location)
        let empty = try await backend.load()
        #expect(empty == State())
        var state = empty
        state.certificates["a"] = Self.record(1, "a")
        let saved = try await backend.save(state)
        #expect(saved.serial == 1 && saved.lineage != nil)
        let again = try await Self.open(location)
        #expect(try await again.load() == saved)
    }

    @Test(arguments: StateLocations.backends)
    func theExampleStateIsKeptExactlyWithUnknownFieldsHistoryAndIntents(backend: String) async throws {
        let scratch = TemporaryDirectory()
        defer { withExtendedLifetime(scratch) {} }
        let location = Self.location(backend, in: scratch)
        var state = Self.exampleState
        state.extra["x-owner"] = .string("team-a")
        state.intents = [Intent(id: "i-1", name: "a", action: .create, createdAt: "2026-11-29T00:00:00Z", requestDigest: "sha256:1",
                                commonName: "a.example.com", product: .sslDVGeoTrust, extra: ["dns_names": .array([])]),
                         Intent(id: "i-0", name: "b", action: .renew, createdAt: "2026-11-29T00:00:01Z", requestDigest: "sha256:2",
                                commonName: "b.example.com", product: .sslDVGeoTrust)]
        let backend = try await Self.open(location)
        try await backend.replace(with: state)
        let other = try await Self.open(location)
        let read = try await other.load()
        #expect(read == state)
        #expect(read.intents.map(\.id) == ["i-1", "i-0"])  // order kept, not sorted
        #expect(read.fileText == state.fileText)
    }

    @Test(arguments: StateLocations.backends)
    func savesAddChangeAndRemoveRecords(backend: String) async throws {
        let scratch = TemporaryDirectory()
        defer { withExtendedLifetime(scratch) {} }
        let location = Self.location(backend, in: scratch)
        let backend = try await Self.open(location)
        var state = try await backend.load()
        for index in 0..<5 { state.certificates["c\(index)"] = Self.record(index + 1, "c\(index)") }
        state = try await backend.save(state)
        state.certificates["c1"]?.status = OrderStatus("revoked")
        state.certificates["c3"] = nil
        state.certificates["c9"] = Self.record(99, "c9")
        state = try await backend.save(state)
        let other = try await Self.open(location)
        let read = try await other.load()
        #expect(read == state)
        #expect(read.serial == 2)
        #expect(read.certificates.keys.sorted() == ["c0", "c1", "c2", "c4", "c9"])
        #expect(read.certificates["c1"]?.status == .revoked)
    }

    @Test(arguments: StateLocations.backends)
    func theLockIsExclusiveNamesItsHolderAndWaits(backend: String) async throws {
        let scratch = TemporaryDirectory()
        defer { withExtendedLifetime(scratch) {} }
        let location = Self.location(backend, in: scratch)
        let first = try await Self.open(location)
        let second = try await Self.open(location)
        let held = try await first.lock(operation: "apply", timeout: 0)
        do {
            _ = try await second.lock(operation: "state forget", timeout: 0.2)
            Issue.record("the second writer must not get the lock")
        } catch {
            guard case .locked(_, let holder) = error else { Issue.record("\(error)"); return }
            #expect(holder.contains("apply (lock \(held.info.id)) by "), "\(holder)")
            #expect(holder.contains("pid \(getpid())"))
        }
        // A thread of its own for the file lock, so that the release does not wait for the busy
        // concurrency pool (other tests block its threads on subprocesses). The clock starts
        // before the release is set off, so that a pause of this test cannot shorten the wait.
        let started = Date()
        if let fileLock = held as? StateLock {
            Thread.detachNewThread {
                usleep(300_000)
                fileLock.release()
            }
        } else {
            Task.detached {
                try? await Task.sleep(for: .milliseconds(300))
                await held.release()
            }
        }
        let next = try await second.lock(operation: "refresh", timeout: 60)
        #expect(Date().timeIntervalSince(started) >= 0.2)
        #expect(next.info.operation == "refresh")
        await next.release()
    }

    @Test(arguments: StateLocations.backends)
    func theCurrentHolderIsSeenWithoutTakingTheLock(backend: String) async throws {
        let scratch = TemporaryDirectory()
        defer { withExtendedLifetime(scratch) {} }
        let location = Self.location(backend, in: scratch)
        let writer = try await Self.open(location)
        let observer = try await Self.open(location)
        #expect(await observer.currentHolder() == nil)
        let held = try await writer.lock(operation: "apply", timeout: 0)
        #expect(await observer.currentHolder() == held.info)
        #expect(await observer.currentHolder() == held.info)  // looking twice does not take it
        await held.release()
        #expect(await observer.currentHolder() == nil)
        // Nobody was locked out while the observer looked.
        await (try await writer.lock(operation: "refresh", timeout: 0)).release()
    }

    /// The serial check every backend makes (SPEC §3): a writer whose state is older than what is
    /// stored is refused and writes nothing, so that a writer that lost its lock never overwrites
    /// newer state.
    @Test(arguments: StateLocations.backends)
    func aWriterThatReadAnOlderSerialIsRefused(backend: String) async throws {
        let scratch = TemporaryDirectory()
        defer { withExtendedLifetime(scratch) {} }
        let location = Self.location(backend, in: scratch)
        let a = try await Self.open(location), b = try await Self.open(location)
        var mine = try await a.load()
        var theirs = try await b.load()
        theirs.certificates["theirs"] = Self.record(1, "theirs")
        let saved = try await b.save(theirs)
        mine.certificates["mine"] = Self.record(2, "mine")
        await #expect(throws: StateError.self) { try await a.save(mine) }
        #expect(try await Self.open(location).load() == saved)
        // Refused again, however often it tries, until it reads the state again.
        await #expect(throws: StateError.self) { try await a.save(mine) }
        #expect(try await Self.open(location).load() == saved)
        // Read again, the same writer goes on.
        var again = try await a.load()
        again.certificates["mine"] = Self.record(2, "mine")
        #expect(try await a.save(again).serial == saved.serial + 1)
    }

    @Test func informationACrashedWriterLeftInTheLockFileDoesNotCount() async throws {
        let dir = TemporaryDirectory()
        let path = dir.path + "/orders.json"
        let info = LockInfo(operation: "apply", since: "2026-11-29T00:00:00Z")
        dir.write("orders.json.lock", JSONWriter.pretty(info.json))
        #expect(StateLock.holder(atPath: path + ".lock") == info)
        #expect(await StateStore(path: path).currentHolder() == nil)
    }
}

/// What only the PostgreSQL backend promises on top of the shared rules.
@Suite(.enabled(if: TestPostgres.isConfigured, "CERTFORM_TEST_POSTGRES names no server"))
struct PostgresStateTests {
    @Test func aWriterThatReadAnOlderSerialIsRefusedAndWritesNothing() async throws {
        let url = TestPostgres.freshURL()
        let a = try await StateBackendTests.open(url), b = try await StateBackendTests.open(url)
        var mine = try await a.load()
        var theirs = try await b.load()
        theirs.certificates["theirs"] = StateBackendTests.record(1, "theirs")
        let saved = try await b.save(theirs)
        mine.certificates["mine"] = StateBackendTests.record(2, "mine")
        do {
            try await a.save(mine)
            Issue.record("a stale writer must be refused")
        } catch {
            guard case .conflict(_, let stored, let expected) = error else { Issue.record("\(error)"); return }
            #expect(stored == 1 && expected == 0)
            #expect(error.description.contains("was changed by another writer"))
        }
        #expect(try await b.load() == saved)
    }

    @Test func theLockDiesWithItsSessionAndUnlockClearsWhatItLeft() async throws {
        let url = TestPostgres.freshURL()
        let crashed = try await StateBackendTests.open(url)
        let held = try await crashed.lock(operation: "apply", timeout: 0)
        await crashed.close()  // the session ends without releasing, as when the process is killed
        let next = try await StateBackendTests.open(url)
        guard case .removed(let info) = try await next.unlock(id: held.info.id) else {
            Issue.record("the dead session's lock information should be removed")
            return
        }
        #expect(info.operation == "apply")
        let lock = try await next.lock(operation: "refresh", timeout: 0)
        guard case .held = try await StateBackendTests.open(url).unlock(id: lock.info.id) else {
            Issue.record("a live session's lock must not be removed")
            return
        }
        await lock.release()
    }

    /// SPEC §7: TLS with verification; the test server's certificate is signed by a CA of its own.
    @Test(.enabled(if: TestPostgres.tlsCA != nil, "CERTFORM_TEST_POSTGRES_CA names no CA"))
    func verifiedTLSConnectsWithTheCAAndFailsClearlyWithout() async throws {
        let password = ProcessInfo.processInfo.environment["PGPASSWORD"]
        let url = TestPostgres.freshURL(host: "localhost", query: "sslmode=verify-full")
        let verified = try await PostgresStateBackend.connect(PostgresStateURL(url, password: password, caFile: TestPostgres.tlsCA))
        #expect(try await verified.load() == State())
        await verified.close()
        do {
            _ = try await PostgresStateBackend.connect(PostgresStateURL(url, password: password), connectTimeout: .seconds(5))
            Issue.record("the server's certificate must not verify against the system's CAs")
        } catch {
            #expect(error.description.contains("sslmode=verify-full"), "\(error)")
            #expect(error.description.contains("--state-ca-file"), "\(error)")
            #expect(!(password.map { error.description.contains($0) } ?? false))
        }
    }

    @Test func plaintextIsTheDefaultOnlyOnLoopback() throws {
        #expect(try PostgresStateURL("postgres://u@127.0.0.1/db", password: nil).sslMode == .disable)
        #expect(try PostgresStateURL("postgres://u@localhost/db", password: nil).sslMode == .disable)
        #expect(try PostgresStateURL("postgres://u@db.internal/db", password: nil).sslMode == .verifyFull)
        #expect(try PostgresStateURL("postgres://u@127.attacker.example/db", password: nil).sslMode == .verifyFull)
        #expect(try PostgresStateURL("postgres://u@127.0.0.1.nip.io/db", password: nil).sslMode == .verifyFull)
        #expect(try PostgresStateURL("postgres://u@db.internal/db?sslmode=disable", password: nil).sslMode == .disable)
        #expect(throws: StateError.self) { try PostgresStateURL("postgres://u@db/db?sslmode=maybe", password: nil) }
    }

    @Test(arguments: ["pa/ss", "p@ss", "p:ss", "a/b@c:d%e", "@@//::"])
    func aPasswordInTheURLIsNeverEchoed(password: String) {
        let url = "postgres://certform:\(password)@db.internal:5432/pki"
        do {
            _ = try PostgresStateURL(url, password: nil)
            Issue.record("a URL with a password must be refused")
        } catch {
            #expect(!error.description.contains(password), "\(error.description)")
            #expect(error.description.contains("certform:***@"), "\(error.description)")
        }
    }

    @Test(arguments: [
        ("postgres://certform:secret@db/pki", "holds a password"),
        ("postgres://db/pki", "the user is missing"),
        ("postgres://certform@db", "the database name is missing"),
        ("postgres://certform@db/pki?schema=Bad-Name", "schema must be a lowercase SQL identifier"),
        ("postgres://certform@db/pki?sslrootcert=ca.pem", "unknown parameter 'sslrootcert'"),
    ])
    func badURLsAreNamedWithoutTheirPassword(url: String, reason: String) {
        do {
            _ = try PostgresStateURL(url, password: nil)
            Issue.record("\(url) should be refused")
        } catch {
            #expect(error.description.contains(reason), "\(error)")
            #expect(!error.description.contains("secret"))
        }
    }

    @Test func aServerThatIsNotThereIsAClearError() async {
        do {
            _ = try await PostgresStateBackend.connect(PostgresStateURL("postgres://certform@127.0.0.1:1/none", password: nil), connectTimeout: .seconds(2))
            Issue.record("connecting to port 1 should fail")
        } catch {
            #expect(error.description.contains("cannot connect to PostgreSQL"), "\(error)")
            #expect(error.description.contains("postgres://certform@127.0.0.1:1/none?schema=certform"))
        }
    }
}

@Suite struct PostgresConfigurationTests {
    /// `.ci/run` starts a server and sets CERTFORM_REQUIRE_POSTGRES, so that CI can never pass
    /// with the PostgreSQL variants quietly left out.
    @Test func ciRunsThePostgresVariants() async {
        if ProcessInfo.processInfo.environment["CERTFORM_REQUIRE_POSTGRES"] != nil {
            #expect(TestPostgres.isConfigured)
            #expect(TestPostgres.tlsCA != nil, "CI must run the TLS test: .ci/run sets CERTFORM_TEST_POSTGRES_CA")
        } else {
            #expect(StateLocations.backends == (TestPostgres.isConfigured ? ["file", "postgres"] : ["file"]))
        }
    }
}
