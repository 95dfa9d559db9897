import Foundation

/// A `certcentral-sandbox` started for a test, on a free loopback port; stopped on deinit.
final class SandboxProcess: @unchecked Sendable {
    let process = Process()
    let url: String
    let stderr = Pipe()

    init(_ arguments: [String] = []) throws {
        let path = CLI.binary("certcentral-sandbox")
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw CLIError("\(path) is missing: run 'swift build' before 'swift test'")
        }
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = ["--port", "0"] + arguments
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
            throw CLIError("the sandbox did not start: '\(first)' \(String(decoding: stderr.fileHandleForReading.availableData, as: UTF8.self))")
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
    var apiBase: String { url + "/services/v2" }

    /// Runs curl; returns its exit status, the HTTP status (0 when none arrived) and the body.
    func curl(_ method: String, _ path: String, body: String? = nil, key: String? = "sandbox-key") throws -> (exit: Int32, status: Int, body: String) {
        var arguments = ["-sS", "-X", method, "-o", "-", "-w", "\n%{http_code}", "-H", "Content-Type: application/json", url + path]
        if let key { arguments += ["-H", "X-DC-DEVKEY: \(key)"] }
        if let body { arguments += ["--data-binary", "@-"] }
        let result = try CLI.run(arguments, stdin: body, executable: "/usr/bin/curl")
        var lines = result.stdout.components(separatedBy: "\n")
        let status = Int(lines.popLast() ?? "") ?? 0
        return (result.status, status, lines.joined(separator: "\n"))
    }
}
