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

    /// The directory of the built products: the one that holds the test bundle.
    static let productsDirectory: String = {
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for candidate in [bundle.path, bundle.deletingLastPathComponent().path] {
            if FileManager.default.isExecutableFile(atPath: candidate + "/certform") { return candidate }
        }
        return root + "/.build/debug"
    }()

    static func binary(_ name: String) -> String { productsDirectory + "/" + name }

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs `certform` with `arguments` in `directory`, with a clean, colourless environment.
    static func run(_ arguments: [String], in directory: String? = nil, environment: [String: String] = [:],
                    stdin: String? = nil, executable: String = "certform") throws -> Result {
        let process = Process()
        let path = executable.hasPrefix("/") ? executable : binary(executable)
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw CLIError("\(path) is missing: run 'swift build' before 'swift test'")
        }
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory ?? root)
        var env = ProcessInfo.processInfo.environment
        for key in ["GITHUB_ACTIONS", "GITHUB_STEP_SUMMARY", "CERTFORM_MANIFESTS", "CERTFORM_STATE", "DIGICERT_API_KEY"] {
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
        return Result(status: process.terminationStatus,
                      stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData, as: UTF8.self))
    }
}

struct CLIError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
