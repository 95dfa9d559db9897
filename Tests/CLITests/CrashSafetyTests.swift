import CertformTestSupport
import Foundation
import JSON
import States
import Testing

/// SPEC §5.2, tested rather than argued: an apply of 20 creates is killed with SIGKILL at a
/// random moment, another apply finishes the job, and CertCentral must hold exactly one order per
/// certificate, every one of them recorded in state. Twenty kill moments per fault mode.
@Suite(.serialized) struct CrashSafetyTests {
    static let certificates = 20
    static let killMoments = 20

    static let modes: [(String, [String])] = [
        ("latency only", ["--latency-ms", "80"]),
        ("dropped connections after accept", ["--latency-ms", "80", "--drop-after-accept-rate", "0.3"]),
        ("injected 500s", ["--latency-ms", "80", "--fail-rate", "0.2"]),
    ]

    /// Every mode against the state file, and again against PostgreSQL when a server is configured.
    static let backends = ["file"] + (TestPostgres.isConfigured ? ["postgres"] : [])

    @Test(arguments: 0..<modes.count, backends)
    func killAtRandomMomentsThenApplyAgain(mode: Int, backend: String) async throws {
        let (modeLabel, flags) = Self.modes[mode]
        let label = "\(modeLabel), \(backend) state"
        var generator = SystemRandomNumberGenerator()
        var killedMidway = 0
        for moment in 0..<Self.killMoments {
            let repo = try ApplyRepository(count: Self.certificates, sandboxArguments: flags + ["--seed", String(moment + 1)],
                                           stateLocation: backend == "postgres" ? TestPostgres.freshURL() : nil)
            // Kill somewhere while the first apply starts, sends, or records.
            let delay = Double.random(in: 0.05...0.9, using: &generator)
            if try Self.startAndKill(repo, after: delay) { killedMidway += 1 }
            // Apply again until it succeeds; faults may need a few runs, never a duplicate. The
            // lock timeout lets PostgreSQL drop the killed session's lock in its own time.
            var runs: [Subprocess.Result] = []
            for _ in 0..<8 {
                let result = try repo.certform(["apply", "--auto-approve", "--concurrency", "4", "--lock-timeout", "30s"])
                runs.append(result)
                if result.status == 0 { break }
            }
            let context = "\(label), kill after \(String(format: "%.2f", delay)) s:\n" + runs.map { $0.stdout + $0.stderr }.joined(separator: "\n---\n")
            #expect(runs.last?.status == 0, "\(context)")
            let orders = try repo.orders()
            let byName = Dictionary(grouping: orders) { $0["certificate"]?["common_name"]?.stringValue ?? "?" }
            #expect(orders.count == Self.certificates, "\(orders.count) orders in the sandbox — \(context)")
            #expect(byName.values.allSatisfy { $0.count == 1 }, "duplicate orders: \(byName.filter { $0.value.count > 1 }.keys.sorted()) — \(context)")
            let state = try await repo.state()
            #expect(state.intents.isEmpty, "\(context)")
            #expect(state.certificates.count == Self.certificates, "\(context)")
            for (name, record) in state.certificates {
                let ordered = byName["\(name).example.com"]?.first?["id"]?.intValue
                #expect(record.orderID == ordered, "\(name) records \(record.orderID), the sandbox holds \(ordered ?? -1) — \(context)")
            }
        }
        // The test means something only if most kills landed while the first apply was running.
        #expect(killedMidway >= Self.killMoments / 2, "only \(killedMidway) of \(Self.killMoments) kills hit a running apply")
    }

    /// Starts `certform apply` and sends it SIGKILL after `delay` seconds; true when it was still
    /// running then.
    static func startAndKill(_ repo: ApplyRepository, after delay: Double) throws -> Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CLI.binary("certform"))
        process.arguments = ["apply", "--auto-approve", "--concurrency", "4"]
        process.currentDirectoryURL = URL(fileURLWithPath: repo.path)
        process.environment = ProcessInfo.processInfo.environment.merging(repo.environment) { $1 }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        Thread.sleep(forTimeInterval: delay)
        let running = process.isRunning
        if running { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        return running && process.terminationReason == .uncaughtSignal
    }
}
