import Foundation

/// Where `swift build` put the executables: beside the test bundle.
public enum BuiltProducts {
    public static let directory: String = {
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for candidate in [bundle.path, bundle.deletingLastPathComponent().path] {
            if FileManager.default.isExecutableFile(atPath: candidate + "/certform") { return candidate }
        }
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path + "/.build/debug"
    }()

    public static func path(_ name: String) -> String { directory + "/" + name }
}

/// Runs a program to completion and collects what it printed.
public enum Subprocess {
    public struct Result: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
    }

    public static func run(_ path: String, _ arguments: [String], in directory: String? = nil,
                           environment: [String: String] = [:], stdin: String? = nil) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        var env = ProcessInfo.processInfo.environment
        for key in ["GITHUB_ACTIONS", "GITHUB_STEP_SUMMARY", "CERTFORM_MANIFESTS", "CERTFORM_STATE", "CERTFORM_ENDPOINT", "DIGICERT_API_KEY",
                    "CERTFORM_DCV_HOOK", "CERTFORM_CERTS_DIR"] {
            env[key] = nil
        }
        env["NO_COLOR"] = "1"
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        // Read both pipes before waiting, so that a large output cannot block the child.
        let group = DispatchGroup()
        nonisolated(unsafe) var errData = Data()
        group.enter()
        DispatchQueue.global().async {
            errData = err.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData, as: UTF8.self))
    }
}
