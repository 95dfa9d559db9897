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

    /// A loopback port nothing listens on, below the kernel's ephemeral range (32768 and up), so
    /// that no other test's connection or server is handed it while a test keeps it closed.
    /// Ports 20000–24999: PostgreSQL's in CI are above.
    public static func closedPort() throws -> Int {
        for _ in 0..<200 {
            let port = Int.random(in: 20_000...24_999)
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            guard fd >= 0 else { break }
            defer { close(fd) }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            if bound == 0 { return port }
        }
        throw SandboxProcessError("no free loopback port in 20000–24999")
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
