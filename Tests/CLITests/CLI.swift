import CertformTestSupport
import Foundation
import Testing

/// Runs the built executables as a user would.
enum CLI {
    /// The repository root, found from this file's path.
    static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    static var productsDirectory: String { BuiltProducts.directory }

    static func binary(_ name: String) -> String { productsDirectory + "/" + name }

    /// Runs `certform` (or another executable) with a clean, colourless environment.
    static func run(_ arguments: [String], in directory: String? = nil, environment: [String: String] = [:],
                    stdin: String? = nil, executable: String = "certform") throws -> Subprocess.Result {
        let path = executable.hasPrefix("/") ? executable : binary(executable)
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw CLIError("\(path) is missing: 'swift test' builds it (CLITests depend on the executables)")
        }
        return try Subprocess.run(path, arguments, in: directory ?? root, environment: environment, stdin: stdin)
    }

    /// ``run(_:in:environment:stdin:executable:)`` on a thread of its own, for a run that waits
    /// long (a minute of retries): waiting on the concurrency pool's few threads (two on a
    /// two-core machine) would stall every other test's in-process server meanwhile.
    static func runDetached(_ arguments: [String], in directory: String? = nil, environment: [String: String] = [:]) async throws -> Subprocess.Result {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Result { try run(arguments, in: directory, environment: environment) })
            }
        }
    }
}

struct CLIError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
