import CertformTestSupport
import Foundation
import JSON
import PostgresState
import States
import Testing

/// certform with `--state postgres://…`, run as a user would, against the server of `TestPostgres`.
@Suite(.enabled(if: TestPostgres.isConfigured, "CERTFORM_TEST_POSTGRES names no server"))
struct PostgresCommandTests {
    static let asOf = "2026-12-01T00:00:00Z"

    @Test func migrateFileToPostgresAndBackGivesTheSameFile() throws {
        let dir = TemporaryDirectory()
        let url = TestPostgres.freshURL()
        let original = CLI.root + "/state/orders.json"
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

    @Test func migrateRefusesToOverwriteAnotherStateWithoutForce() throws {
        let url = TestPostgres.freshURL()
        let repo = try ApplyRepository(count: 2, stateLocation: url)
        #expect(try repo.certform(["apply", "--auto-approve"]).status == 0)
        let before = try repo.state()
        let refused = try CLI.run(["state", "migrate", "--from", CLI.root + "/state/orders.json", "--to", url])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("it holds another state (lineage \(before.lineage!), serial \(before.serial), 2 certificates); pass --force to replace it"), "\(refused.stderr)")
        #expect(try repo.state() == before)
        let forced = try CLI.run(["state", "migrate", "--force", "--from", CLI.root + "/state/orders.json", "--to", url])
        #expect(forced.status == 0, "\(forced.stderr)")
        #expect(try repo.state().certificates.count == 7)
    }

    @Test func applyRefreshAndStateCommandsWorkOnPostgres() throws {
        let repo = try ApplyRepository(count: 3, stateLocation: TestPostgres.freshURL())
        let applied = try repo.certform(["apply", "--auto-approve"])
        #expect(applied.status == 0, "\(applied.stdout)\(applied.stderr)")
        #expect(try repo.orders().count == 3)
        var state = try repo.state()
        #expect(state.certificates.count == 3 && state.intents.isEmpty)
        #expect(try repo.certform(["plan", "--detailed-exitcode"]).status == 0)
        #expect(try repo.certform(["refresh"]).status == 0)
        let list = try repo.certform(["state", "list"])
        #expect(list.stdout.split(separator: "\n").count == 3)
        let show = try repo.certform(["state", "show", "c01"])
        #expect(try JSONParser.parse(show.stdout)["order_id"]?.intValue == state.certificates["c01"]?.orderID)
        let forget = try repo.certform(["state", "forget", "c01"])
        #expect(forget.status == 0, "\(forget.stderr)")
        state = try repo.state()
        #expect(state.certificates.keys.sorted() == ["c00", "c02"])
        // Nothing of the password reaches the output.
        for result in [applied, list, show, forget] {
            #expect(!(result.stdout + result.stderr).contains(ProcessInfo.processInfo.environment["PGPASSWORD"] ?? "\u{0}"))
        }
    }

    @Test func theLockErrorNamesTheHolder() throws {
        let url = TestPostgres.freshURL()
        let repo = try ApplyRepository(count: 1, stateLocation: url)
        let backend = try PostgresStateBackend.connect(PostgresStateURL(url, password: ProcessInfo.processInfo.environment["PGPASSWORD"]))
        defer { backend.close() }
        let lock = try backend.lock(operation: "apply", timeout: 0)
        let refused = try repo.certform(["apply", "--auto-approve"])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("is locked by apply (lock \(lock.info.id)) by "), "\(refused.stderr)")
        #expect(try repo.orders().isEmpty)
        lock.release()
        #expect(try repo.certform(["apply", "--auto-approve"]).status == 0)
    }

    @Test func twoAppliesAtOnceFromTwoProcessesPlaceEachOrderOnce() throws {
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
        let state = try repo.state()
        #expect(state.certificates.count == 12 && state.intents.isEmpty)
    }

    @Test func aPasswordFileIsReadAndAWrongPasswordIsAClearError() throws {
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
