import Dates
import Foundation
import JSON
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import PostgresNIO
import States

/// The state in PostgreSQL, for teams whose pipelines share one CertCentral account.
///
/// The model is the file's: a row of `state` (lineage, serial, unknown top-level fields), one row
/// per certificate record (its JSON, history included) and one per intent, in a schema of their
/// own, created on first use and versioned in `schema_version`.
///
/// - Each write is one transaction that first checks, under `SELECT … FOR UPDATE`, that the stored
///   serial is the one the writer read: a writer that lost its lock can never overwrite newer state.
///   Only the records that changed are written.
/// - Writers serialise through a session-level advisory lock derived from the database and schema;
///   it dies with the connection, so a crashed writer never leaves the state locked. The holder's
///   ``LockInfo`` is kept in `lock_holder` so that the lock error can name it.
///
/// An actor on one connection: calls suspend, never block a thread, while PostgreSQL answers; a
/// gate keeps one operation (with its transaction) at a time on the connection, since an actor
/// lets calls interleave at every `await`.
public actor PostgresStateBackend: StateBackend {
    public let url: PostgresStateURL
    private let connection: PostgresConnection
    private let logger: Logger
    /// The state as last read or written by this process, to write only what changed.
    private var known: State?
    private let gate = AsyncGate()

    /// The version of the tables this certform creates and reads.
    public static let schemaVersion = 1

    public nonisolated var name: String { url.description }

    private init(url: PostgresStateURL, connection: PostgresConnection, logger: Logger) {
        self.url = url
        self.connection = connection
        self.logger = logger
    }

    /// Connects, and creates or checks the tables.
    public static func connect(_ url: PostgresStateURL, connectTimeout: TimeAmount = .seconds(10)) async throws(StateError) -> PostgresStateBackend {
        var logger = Logger(label: "certform.postgres")
        logger.logLevel = .critical
        var configuration = PostgresConnection.Configuration(
            host: url.host, port: url.port, username: url.user, password: url.password, database: url.database, tls: try tls(url))
        configuration.options.connectTimeout = connectTimeout
        let connection: PostgresConnection
        do {
            connection = try await PostgresConnection.connect(
                on: MultiThreadedEventLoopGroup.singleton.next(), configuration: configuration, id: 1, logger: logger).get()
        } catch {
            var reason = "cannot connect to PostgreSQL: \(describe(error))"
            if url.sslMode == .verifyFull || url.sslMode == .verifyCA {
                reason += " (sslmode=\(url.sslMode.rawValue): the server's certificate must verify against \(url.caFile.map { "the CA in '\($0)'" } ?? "the system's CAs; give yours with --state-ca-file"))"
            }
            throw .unreadable(path: url.description, reason: reason)
        }
        let backend = PostgresStateBackend(url: url, connection: connection, logger: logger)
        do {
            try await backend.migrate()
        } catch {
            await backend.close()
            throw error
        }
        return backend
    }

    /// The TLS mode for `url.sslMode`: verified against `url.caFile` or the system's roots.
    static func tls(_ url: PostgresStateURL) throws(StateError) -> PostgresConnection.Configuration.TLS {
        guard url.sslMode != .disable else { return .disable }
        var tls = TLSConfiguration.makeClientConfiguration()
        switch url.sslMode {
        case .require: tls.certificateVerification = .none
        case .verifyCA: tls.certificateVerification = .noHostnameVerification
        case .verifyFull, .disable: tls.certificateVerification = .fullVerification
        }
        if let caFile = url.caFile {
            guard FileManager.default.isReadableFile(atPath: caFile) else {
                throw .unreadable(path: caFile, reason: "the --state-ca-file cannot be read")
            }
            tls.trustRoots = .file(caFile)
        }
        do {
            return .require(try NIOSSLContext(configuration: tls))
        } catch {
            throw .unreadable(path: url.description, reason: "cannot set up TLS: \(error)")
        }
    }

    // MARK: Tables

    private var schema: String { url.schema }

    /// Creates the schema's tables on first use; refuses tables newer than this certform.
    private func migrate() async throws(StateError) {
        try await transaction { () async throws(StateError) in
            // Two first runs at once: the second waits here, then finds the tables made.
            try await run("SELECT pg_advisory_xact_lock(\(lockKey(purpose: "migrate")))")
            try await run("CREATE SCHEMA IF NOT EXISTS \(unescaped: schema)")
            try await run("CREATE TABLE IF NOT EXISTS \(unescaped: schema).schema_version (version integer NOT NULL)")
            let versions = try await strings("SELECT version::text FROM \(unescaped: schema).schema_version").compactMap { $0[0].flatMap { Int($0) } }
            let version = versions.max() ?? 0
            if version > Self.schemaVersion {
                throw .corrupt(path: name, reason: "its tables are version \(version), newer than this certform reads (\(Self.schemaVersion)); use a newer certform")
            }
            if version < 1 {
                try await run("CREATE TABLE \(unescaped: schema).state (id integer PRIMARY KEY CHECK (id = 1), lineage text, serial bigint NOT NULL, extra text NOT NULL)")
                try await run("CREATE TABLE \(unescaped: schema).certificates (name text PRIMARY KEY, record text NOT NULL)")
                try await run("CREATE TABLE \(unescaped: schema).intents (id text PRIMARY KEY, position bigint NOT NULL, intent text NOT NULL)")
                try await run("CREATE TABLE \(unescaped: schema).lock_holder (id integer PRIMARY KEY CHECK (id = 1), info text NOT NULL)")
                try await run("INSERT INTO \(unescaped: schema).schema_version (version) VALUES (1)")
            }
        }
    }

    // MARK: StateBackend

    public func load() async throws(StateError) -> State {
        await gate.enter()
        defer { gate.leave() }
        let state = try await readState()
        known = state
        return state
    }

    private func readState() async throws(StateError) -> State {
        var rows: (state: [[String?]], certificates: [[String?]], intents: [[String?]]) = ([], [], [])
        try await transaction(isolation: "REPEATABLE READ") { () async throws(StateError) in
            rows.state = try await strings("SELECT lineage, serial::text, extra FROM \(unescaped: schema).state WHERE id = 1")
            rows.certificates = try await strings("SELECT name, record FROM \(unescaped: schema).certificates")
            rows.intents = try await strings("SELECT intent FROM \(unescaped: schema).intents ORDER BY position")
        }
        guard let row = rows.state.first else {
            if rows.certificates.isEmpty && rows.intents.isEmpty { return State() }
            throw .corrupt(path: name, reason: "it has certificate records but no state row")
        }
        do {
            var object: [String: JSONValue] = [:]
            if case .object(let extra) = try JSONParser.parse(row[2] ?? "{}") { object = extra }
            object["format_version"] = .int(State.formatVersion)
            object["lineage"] = row[0].map(JSONValue.string) ?? .null
            object["serial"] = .int(Int(row[1] ?? "") ?? -1)
            var certificates: [String: JSONValue] = [:]
            certificates.reserveCapacity(rows.certificates.count)
            for record in rows.certificates {
                certificates[record[0] ?? ""] = try JSONParser.parse(record[1] ?? "")
            }
            object["certificates"] = .object(certificates)
            object["intents"] = .array(try rows.intents.map { try JSONParser.parse($0[0] ?? "") })
            return try State(json: .object(object))
        } catch let error as StateFormatError {
            throw .corrupt(path: name, reason: error.description)
        } catch {
            throw .corrupt(path: name, reason: "a stored record is not JSON: \(error)")
        }
    }

    @discardableResult
    public func save(_ state: State) async throws(StateError) -> State {
        await gate.enter()
        defer { gate.leave() }
        var next = state
        next.serial = try state.nextSerial(path: name)
        if next.lineage == nil { next.lineage = UUID().uuidString.lowercased() }
        let previous = known.flatMap { $0.serial == state.serial && $0.lineage == state.lineage ? $0 : nil }
        try await transaction { () async throws(StateError) in
            let stored = try await strings("SELECT serial::text FROM \(unescaped: schema).state WHERE id = 1 FOR UPDATE").first.flatMap { Int($0[0] ?? "") } ?? 0
            guard stored == state.serial else {
                throw .conflict(path: name, stored: stored, expected: state.serial)
            }
            try await writeStateRow(next)
            if let previous {
                for (name, record) in next.certificates where previous.certificates[name] != record {
                    try await upsert(name, record)
                }
                for name in previous.certificates.keys where next.certificates[name] == nil {
                    try await run("DELETE FROM \(unescaped: schema).certificates WHERE name = \(name)")
                }
                if previous.intents != next.intents { try await writeIntents(next.intents) }
            } else {
                try await run("DELETE FROM \(unescaped: schema).certificates")
                try await insertRecords(next.certificates)
                try await writeIntents(next.intents)
            }
        }
        known = next
        return next
    }

    public func replace(with state: State) async throws(StateError) {
        await gate.enter()
        defer { gate.leave() }
        try await transaction { () async throws(StateError) in
            _ = try await strings("SELECT serial::text FROM \(unescaped: schema).state WHERE id = 1 FOR UPDATE")
            try await writeStateRow(state)
            try await run("DELETE FROM \(unescaped: schema).certificates")
            try await insertRecords(state.certificates)
            try await writeIntents(state.intents)
        }
        known = state
    }

    private func writeStateRow(_ state: State) async throws(StateError) {
        let extra = JSONWriter.compact(.object(state.extra))
        try await run("""
            INSERT INTO \(unescaped: schema).state (id, lineage, serial, extra) VALUES (1, \(state.lineage), \(state.serial), \(extra))
            ON CONFLICT (id) DO UPDATE SET lineage = EXCLUDED.lineage, serial = EXCLUDED.serial, extra = EXCLUDED.extra
            """)
    }

    private func upsert(_ name: String, _ record: StateRecord) async throws(StateError) {
        let text = JSONWriter.compact(record.json)
        try await run("""
            INSERT INTO \(unescaped: schema).certificates (name, record) VALUES (\(name), \(text))
            ON CONFLICT (name) DO UPDATE SET record = EXCLUDED.record
            """)
    }

    /// Inserts many records, a thousand per statement.
    private func insertRecords(_ records: [String: StateRecord]) async throws(StateError) {
        let all = records.sorted { $0.key < $1.key }
        for start in stride(from: 0, to: all.count, by: 1000) {
            var bindings = PostgresBindings(capacity: 2000)
            var values: [String] = []
            for (offset, (name, record)) in all[start..<min(start + 1000, all.count)].enumerated() {
                bindings.append(name)
                bindings.append(JSONWriter.compact(record.json))
                values.append("($\(2 * offset + 1), $\(2 * offset + 2))")
            }
            try await run(PostgresQuery(unsafeSQL: "INSERT INTO \(schema).certificates (name, record) VALUES \(values.joined(separator: ", "))", binds: bindings))
        }
    }

    private func writeIntents(_ intents: [Intent]) async throws(StateError) {
        try await run("DELETE FROM \(unescaped: schema).intents")
        for (position, intent) in intents.enumerated() {
            let text = JSONWriter.compact(intent.json)
            try await run("INSERT INTO \(unescaped: schema).intents (id, position, intent) VALUES (\(intent.id), \(position), \(text))")
        }
    }

    // MARK: Lock

    public func lock(operation: String, timeout: Double) async throws(StateError) -> any StateLockHandle {
        let key = lockKey(purpose: "writers")
        let deadline = Date().addingTimeInterval(max(0, timeout))
        while true {
            if try await strings("SELECT pg_try_advisory_lock(\(key))::text").first?[0] == "true" {
                let info = LockInfo(operation: operation, since: Timestamp.format(Date()))
                let text = JSONWriter.compact(info.json)
                try await run("""
                    INSERT INTO \(unescaped: schema).lock_holder (id, info) VALUES (1, \(text))
                    ON CONFLICT (id) DO UPDATE SET info = EXCLUDED.info
                    """)
                return PostgresStateLock(backend: self, key: key, info: info)
            }
            if Date() >= deadline {
                throw .locked(path: name, holder: try await holder()?.summary ?? "another session (no lock information)")
            }
            try? await Task.sleep(for: .milliseconds(100))
        }
    }

    /// Who holds (or last held) the writers' lock.
    public func holder() async throws(StateError) -> LockInfo? {
        guard let text = try await strings("SELECT info FROM \(unescaped: schema).lock_holder WHERE id = 1").first?[0],
              let json = try? JSONParser.parse(text) else { return nil }
        return LockInfo(json: json)
    }

    /// Looks in pg_locks (a bigint advisory key shows as classid = its high and objid = its low
    /// 32 bits, objsubid 1), so the lock is never taken.
    public func currentHolder() async -> LockInfo? {
        let key = UInt64(bitPattern: lockKey(purpose: "writers"))
        let high = Int64(key >> 32), low = Int64(key & 0xFFFF_FFFF)
        guard let held = try? await strings("""
            SELECT count(*)::text FROM pg_locks WHERE locktype = 'advisory' AND granted
            AND classid = \(high)::oid AND objid = \(low)::oid AND objsubid = 1 AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
            """).first?[0], held != "0" else { return nil }
        return try? await holder()
    }

    public func unlock(id: String) async throws(StateError) -> StateLock.UnlockResult {
        guard let info = try await holder() else { return .noLock }
        guard info.id == id else { return .otherLock(info) }
        let key = lockKey(purpose: "writers")
        guard try await strings("SELECT pg_try_advisory_lock(\(key))::text").first?[0] == "true" else { return .held(info) }
        try await run("DELETE FROM \(unescaped: schema).lock_holder WHERE id = 1")
        try await run("SELECT pg_advisory_unlock(\(key))")
        return .removed(info)
    }

    fileprivate func release(key: Int64, info: LockInfo) async {
        let text = JSONWriter.compact(info.json)
        try? await run("DELETE FROM \(unescaped: schema).lock_holder WHERE id = 1 AND info = \(text)")
        try? await run("SELECT pg_advisory_unlock(\(key))")
    }

    private var closed = false

    public func close() async {
        guard !closed else { return }
        closed = true
        try? await connection.close().get()
    }

    deinit {
        // postgres-nio requires a connection to be closed before it goes: a backend dropped
        // without close() closes it, and the completion keeps the connection until it is closed.
        guard !closed else { return }
        let connection = self.connection
        connection.close().whenComplete { _ in withExtendedLifetime(connection) {} }
    }

    /// A 64-bit advisory lock key for this database and schema (FNV-1a, so it is the same in every
    /// process and every certform version).
    func lockKey(purpose: String) -> Int64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in "certform/\(purpose)/\(url.database)/\(url.schema)".utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        return Int64(bitPattern: hash)
    }

    /// Runs SQL as it is, with the state's schema as `{schema}`: for tests that must break the
    /// tables the way a bad hand edit or a newer certform would.
    @_spi(Testing) public func executeForTesting(_ sql: String) async throws(StateError) {
        try await run(PostgresQuery(unsafeSQL: sql.replacingOccurrences(of: "{schema}", with: schema)))
    }

    // MARK: Queries

    private func run(_ query: PostgresQuery) async throws(StateError) {
        do {
            _ = try await connection.query(query, logger: logger).get()
        } catch {
            throw .unwritable(path: name, reason: Self.describe(error))
        }
    }

    /// The rows of `query`, each column as text (or nil for NULL).
    private func strings(_ query: PostgresQuery) async throws(StateError) -> [[String?]] {
        do {
            let result = try await connection.query(query, logger: logger).get()
            return try result.map { row in try row.map { try $0.decode(String?.self) } }
        } catch {
            throw .unreadable(path: name, reason: Self.describe(error))
        }
    }

    /// Runs `body` in one transaction: committed when it returns, rolled back when it throws.
    private func transaction(isolation: String? = nil, _ body: () async throws(StateError) -> Void) async throws(StateError) {
        try await run(PostgresQuery(unsafeSQL: isolation.map { "BEGIN ISOLATION LEVEL \($0)" } ?? "BEGIN"))
        do {
            try await body()
        } catch {
            try? await run("ROLLBACK")
            throw error
        }
        try await run("COMMIT")
    }

    /// PostgreSQL's own message (postgres-nio hides it behind a generic description).
    static func describe(_ error: any Error) -> String {
        guard let error = error as? PSQLError else { return String(describing: error) }
        if let message = error.serverInfo?[.message] {
            return message + (error.serverInfo?[.sqlState].map { " (SQLSTATE \($0))" } ?? "")
        }
        if let underlying = error.underlying { return String(describing: underlying) }
        return "\(error.code)"
    }
}

/// The advisory lock of one ``PostgresStateBackend``.
final class PostgresStateLock: StateLockHandle, @unchecked Sendable {
    let info: LockInfo
    private let key: Int64
    private weak var backend: PostgresStateBackend?
    private var released = false
    private let mutex = NSLock()

    init(backend: PostgresStateBackend, key: Int64, info: LockInfo) {
        self.backend = backend
        self.key = key
        self.info = info
    }

    func release() async {
        let first: Bool = mutex.withLock {
            defer { released = true }
            return !released
        }
        guard first else { return }
        await backend?.release(key: key, info: info)
    }
}

/// One operation at a time on the connection: callers queue in order and resume one by one.
final class AsyncGate: @unchecked Sendable {
    private var busy = false
    private var waiting: [CheckedContinuation<Void, Never>] = []
    private let mutex = NSLock()

    func enter() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let now: Bool = mutex.withLock {
                if busy {
                    waiting.append(continuation)
                    return false
                }
                busy = true
                return true
            }
            if now { continuation.resume() }
        }
    }

    func leave() {
        let next: CheckedContinuation<Void, Never>? = mutex.withLock {
            if waiting.isEmpty {
                busy = false
                return nil
            }
            return waiting.removeFirst()
        }
        next?.resume()
    }
}
