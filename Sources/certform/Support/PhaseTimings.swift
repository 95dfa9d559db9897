import Foundation

/// How long each phase of a command took, printed to standard error when `CERTFORM_TIMINGS` is
/// set (for benchmarks and for finding what is slow on a large repository).
struct PhaseTimings {
    private var phases: [(String, Duration)] = []
    private var notes: [String] = []
    private let start = ContinuousClock.now

    mutating func measure<T>(_ phase: String, _ body: () throws -> T) rethrows -> T {
        let begin = ContinuousClock.now
        defer { phases.append((phase, ContinuousClock.now - begin)) }
        return try body()
    }

    mutating func measure<T>(_ phase: String, _ body: () async throws -> T) async rethrows -> T {
        let begin = ContinuousClock.now
        defer { phases.append((phase, ContinuousClock.now - begin)) }
        return try await body()
    }

    /// A figure reported with the timings ("CSRs: 10 read, 9990 known from git's index").
    mutating func note(_ text: String) {
        notes.append(text)
    }

    func report() {
        guard Environment.value("CERTFORM_TIMINGS") != nil else { return }
        let parts = (phases + [("total", ContinuousClock.now - start)]).map { name, duration in
            let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
            return "\(name) \((seconds * 1000).rounded() / 1000) s"
        }
        Console.error("timings: \(parts.joined(separator: ", "))")
        for note in notes { Console.error("timings: \(note)") }
    }
}

