import Foundation

/// A `certcentral-sandbox` started for a test, on a free loopback port; stopped on deinit.
public final class SandboxProcess: @unchecked Sendable {
    let process = Process()
    public let url: String
    let stderr = Pipe()

    public init(_ arguments: [String] = [], port: Int = 0) throws {
        let path = BuiltProducts.path("certcentral-sandbox")
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw SandboxProcessError("\(path) is missing: run 'swift build' before 'swift test'")
        }
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = ["--port", String(port)] + arguments
        let stdout = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        // The first line is `listening on http://HOST:PORT`.
        var line = Data()
        let handle = stdout.fileHandleForReading
        while !line.contains(0x0A) {
            let chunk = handle.availableData
            if chunk.isEmpty { break }
            line.append(chunk)
        }
        let first = String(decoding: line, as: UTF8.self).split(separator: "\n").first.map(String.init) ?? ""
        guard first.hasPrefix("listening on http://") else {
            process.terminate()
            throw SandboxProcessError("the sandbox did not start: '\(first)' \(String(decoding: stderr.fileHandleForReading.availableData, as: UTF8.self))")
        }
        url = String(first.dropFirst("listening on ".count))
    }

    deinit {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }

    /// The API base URL clients use.
    public var apiBase: String { url + "/services/v2" }

    /// Runs curl; returns its exit status, the HTTP status (0 when none arrived) and the body.
    public func curl(_ method: String, _ path: String, body: String? = nil, key: String? = "sandbox-key") throws -> (exit: Int32, status: Int, body: String) {
        var arguments = ["-sS", "-X", method, "-o", "-", "-w", "\n%{http_code}", "-H", "Content-Type: application/json", url + path]
        if let key { arguments += ["-H", "X-DC-DEVKEY: \(key)"] }
        if let body { arguments += ["--data-binary", "@-"] }
        let result = try Subprocess.run("/usr/bin/curl", arguments, stdin: body)
        var lines = result.stdout.components(separatedBy: "\n")
        let status = Int(lines.popLast() ?? "") ?? 0
        return (result.status, status, lines.joined(separator: "\n"))
    }
}

/// The sandbox could not be started.
public struct SandboxProcessError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

extension SandboxProcess {
    /// `GET /_sandbox/stats` as raw JSON text.
    public func stats() throws -> String {
        try curl("GET", "/_sandbox/stats", key: nil).body
    }

    /// `GET /_sandbox/orders` as raw JSON text.
    public func orders() throws -> String {
        try curl("GET", "/_sandbox/orders", key: nil).body
    }

    /// Stops the server now (it is also stopped on deinit).
    public func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }
}
