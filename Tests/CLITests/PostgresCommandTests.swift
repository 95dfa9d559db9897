import CertformTestSupport
import Foundation
import JSON
@_spi(Testing) import PostgresState
import States
import Testing

/// certform with `--state postgres://…`, run as a user would, against the server of `TestPostgres`.
@Suite(.enabled(if: TestPostgres.isConfigured, "CERTFORM_TEST_POSTGRES names no server"))
struct PostgresCommandTests {
    static let asOf = "2026-12-01T00:00:00Z"

    @Test func migrateFileToPostgresAndBackGivesTheSameFile() async throws {
        let dir = TemporaryDirectory()
        let url = TestPostgres.freshURL()
        // A copy, so that the migration's lock file is not left in the repository.
        let original = dir.write("shipped.json", try String(contentsOfFile: CLI.root + "/state/orders.json", encoding: .utf8))
        let there = try CLI.run(["state", "migrate", "--from", original, "--to", url])
        #expect(there.status == 0, "\(there.stderr)")
        #expect(there.stdout.contains("Migrated 7 certificates and 0 intents"))
        #expect(there.stdout.contains("the copy was read back and matches"))
        // The plan over PostgreSQL is the plan over the file.
        let fromFile = try CLI.run(["plan", "--as-of", Self.asOf])
        let fromPostgres = try CLI.run(["plan", "--as-of", Self.asOf, "--state", url])
        #expect(fromPostgres.status == 0, "\(fromPostgres.stderr)")
        #expect(fromPostgres.stdout == fromFile.stdout)
        let back = try CLI.run(["state", "migrate", "--from", url, "--to", dir.path + "/orders.json"])
        #expect(back.status == 0, "\(back.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: dir.path + "/orders.json")) == Data(contentsOf: URL(fileURLWithPath: original)))
    }

    @Test func migrateRefusesAnEmptySource() async throws {
        let dir = TemporaryDirectory()
        let url = TestPostgres.freshURL()
        let result = try CLI.run(["state", "migrate", "--from", dir.path + "/missing.json", "--to", url])
        #expect(result.status == 1)
        #expect(result.stderr.contains("it holds no state (a wrong path or URL?); nothing was copied"), "\(result.stderr)")
    }

    @Test func migrateRefusesToOverwriteAnotherStateWithoutForce() async throws {
        let url = TestPostgres.freshURL()
        let repo = try ApplyRepository(count: 2, stateLocation: url)
        #expect(try repo.certform(["apply", "--auto-approve"]).status == 0)
        let before = try await repo.state()
        let shipped = repo.dir.write("shipped.json", try String(contentsOfFile: CLI.root + "/state/orders.json", encoding: .utf8))
        let refused = try CLI.run(["state", "migrate", "--from", shipped, "--to", url])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("it holds another state (lineage \(before.lineage!), serial \(before.serial), 2 certificates); pass --force to replace it"), "\(refused.stderr)")
        #expect(try await repo.state() == before)
        let forced = try CLI.run(["state", "migrate", "--force", "--from", shipped, "--to", url])
        #expect(forced.status == 0, "\(forced.stderr)")
        #expect(try await repo.state().certificates.count == 7)
    }

    @Test func applyRefreshAndStateCommandsWorkOnPostgres() async throws {
        let repo = try ApplyRepository(count: 3, stateLocation: TestPostgres.freshURL())
        let applied = try repo.certform(["apply", "--auto-approve"])
        #expect(applied.status == 0, "\(applied.stdout)\(applied.stderr)")
        #expect(try repo.orders().count == 3)
        var state = try await repo.state()
        #expect(state.certificates.count == 3 && state.intents.isEmpty)
        #expect(try repo.certform(["plan", "--detailed-exitcode"]).status == 0)
        #expect(try repo.certform(["refresh"]).status == 0)
        let list = try repo.certform(["state", "list"])
        #expect(list.stdout.split(separator: "\n").count == 3)
        let show = try repo.certform(["state", "show", "c01"])
        #expect(try JSONParser.parse(show.stdout)["order_id"]?.intValue == state.certificates["c01"]?.orderID)
        let forget = try repo.certform(["state", "forget", "c01"])
        #expect(forget.status == 0, "\(forget.stderr)")
        state = try await repo.state()
        #expect(state.certificates.keys.sorted() == ["c00", "c02"])
        // Nothing of the password reaches the output.
        for result in [applied, list, show, forget] {
            #expect(!(result.stdout + result.stderr).contains(ProcessInfo.processInfo.environment["PGPASSWORD"] ?? "\u{0}"))
        }
    }

    @Test func theLockErrorNamesTheHolder() async throws {
        let url = TestPostgres.freshURL()
        let repo = try ApplyRepository(count: 1, stateLocation: url)
        let backend = try await PostgresStateBackend.connect(PostgresStateURL(url, password: ProcessInfo.processInfo.environment["PGPASSWORD"]))
        let lock = try await backend.lock(operation: "apply", timeout: 0)
        let refused = try repo.certform(["apply", "--auto-approve"])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("is locked by apply (lock \(lock.info.id)) by "), "\(refused.stderr)")
        #expect(try repo.orders().isEmpty)
        await lock.release()
        await backend.close()
        #expect(try repo.certform(["apply", "--auto-approve"]).status == 0)
    }

    @Test func twoAppliesAtOnceFromTwoProcessesPlaceEachOrderOnce() async throws {
        let repo = try ApplyRepository(count: 12, sandboxArguments: ["--latency-ms", "50"], stateLocation: TestPostgres.freshURL())
        let processes = try (0..<2).map { _ in
            let process = Process()
            process.executableURL = URL(fileURLWithPath: CLI.binary("certform"))
            process.arguments = ["apply", "--auto-approve", "--lock-timeout", "2m", "--concurrency", "4"]
            process.currentDirectoryURL = URL(fileURLWithPath: repo.path)
            process.environment = ProcessInfo.processInfo.environment.merging(repo.environment.merging(["NO_COLOR": "1"]) { $1 }) { $1 }
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            return process
        }
        for process in processes { process.waitUntilExit() }
        #expect(processes.allSatisfy { $0.terminationStatus == 0 })
        let orders = try repo.orders()
        let names = orders.compactMap { $0["certificate"]?["common_name"]?.stringValue }
        #expect(orders.count == 12, "\(names.sorted())")
        #expect(Set(names).count == names.count)
        let state = try await repo.state()
        #expect(state.certificates.count == 12 && state.intents.isEmpty)
    }

    @Test func aPasswordFileIsReadAndAWrongPasswordIsAClearError() async throws {
        let dir = TemporaryDirectory()
        let url = TestPostgres.freshURL()
        let good = dir.write("password", (ProcessInfo.processInfo.environment["PGPASSWORD"] ?? "") + "\n")
        let bad = dir.write("wrong", "not-the-password\n")
        let listed = try CLI.run(["state", "list", "--state", url, "--state-password-file", good], environment: ["PGPASSWORD": ""])
        #expect(listed.status == 0, "\(listed.stderr)")
        let refused = try CLI.run(["state", "list", "--state", url, "--state-password-file", bad], environment: ["PGPASSWORD": ""])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("cannot connect to PostgreSQL"), "\(refused.stderr)")
        #expect(!refused.stderr.contains("not-the-password"))
    }
}

/// Opens a state the tests set up or inspect directly, file or PostgreSQL.
enum StateFixture {
    static func open<T>(_ location: String, _ body: (any StateBackend) async throws -> T) async throws -> T {
        let backend: any StateBackend
        if PostgresStateURL.isPostgres(location) {
            backend = try await PostgresStateBackend.connect(PostgresStateURL(location, password: ProcessInfo.processInfo.environment["PGPASSWORD"]))
        } else {
            backend = StateStore(path: location)
        }
        let result = try await body(backend)
        await backend.close()
        return result
    }
}

/// The commands that only read the state print the same from PostgreSQL as from the file, and a
/// state PostgreSQL holds that certform cannot read is reported and left alone.
@Suite(.enabled(if: TestPostgres.isConfigured, "CERTFORM_TEST_POSTGRES names no server"))
struct PostgresReadingTests {
    /// Migrates a copy of the shipped state (so that no lock file is left in the repository).
    static func migrateShippedState(to url: String) throws -> Subprocess.Result {
        let dir = TemporaryDirectory()
        let copy = dir.write("orders.json", try String(contentsOfFile: CLI.root + "/state/orders.json", encoding: .utf8))
        return try CLI.run(["state", "migrate", "--from", copy, "--to", url])
    }

    @Test func readingCommandsPrintTheSameFromPostgresAsFromTheFile() async throws {
        let url = TestPostgres.freshURL()
        #expect(try PostgresReadingTests.migrateShippedState(to: url).status == 0)
        for arguments in [["show", "--as-of", "2026-12-01"], ["show", "--format", "json", "--as-of", "2026-12-01"],
                          ["check", "--within", "30", "--as-of", "2026-12-01", "--format", "json"],
                          ["state", "list"], ["state", "show", "shop-example-com"],
                          ["plan", "--as-of", "2026-12-01", "--format", "markdown"]] {
            let file = try CLI.run(arguments)
            let postgres = try CLI.run(arguments + ["--state", url])
            #expect(postgres.status == file.status, "\(arguments): \(postgres.stderr)")
            #expect(postgres.stdout == file.stdout, "\(arguments)")
            #expect(!postgres.stdout.isEmpty)
        }
    }

    @Test(arguments: [
        ("UPDATE {schema}.certificates SET record = '{\"order_id\": \"7\"}' WHERE name = 'shop-example-com'",
         "certificates.shop-example-com.order_id must be an integer, found a string"),
        ("UPDATE {schema}.certificates SET record = '{ not json' WHERE name = 'shop-example-com'", "a stored record is not JSON"),
        ("INSERT INTO {schema}.schema_version (version) VALUES (2)", "its tables are version 2, newer than this certform reads (1)"),
    ])
    func unusableStateIsReportedAndLeftAlone(sql: String, fragment: String) async throws {
        let url = TestPostgres.freshURL()
        #expect(try PostgresReadingTests.migrateShippedState(to: url).status == 0)
        let backend = try await PostgresStateBackend.connect(PostgresStateURL(url, password: ProcessInfo.processInfo.environment["PGPASSWORD"]))
        try await backend.executeForTesting(sql)
        await backend.close()
        for arguments in [["plan"], ["show"], ["state", "list"], ["state", "forget", "shop-example-com"]] {
            let result = try CLI.run(arguments + ["--state", url])
            #expect(result.status == 1, "\(arguments)")
            #expect(result.stderr.contains("error: the state file '\(url)' is not a valid certform state: \(fragment)"), "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains("restore the database from a backup") && !result.stderr.contains("git checkout"))
        }
        // Left alone: the damaged record is still there for a person to fix.
        await #expect(throws: StateError.self) {
            let check = try await PostgresStateBackend.connect(PostgresStateURL(url, password: ProcessInfo.processInfo.environment["PGPASSWORD"]))
            _ = try await check.load()
        }
    }
}
