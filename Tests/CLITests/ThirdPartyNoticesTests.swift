import CertformTestSupport
import Foundation
import Testing

/// scripts/third-party-notices.sh, which `make dist` runs into THIRD-PARTY-NOTICES.txt: every
/// package the build pinned is named at its pinned version with its licence, beside the Swift
/// runtime's, ICU's and BoringSSL's; a package it cannot find a licence for stops it.
@Suite struct ThirdPartyNoticesTests {
    static let script = CLI.root + "/scripts/third-party-notices.sh"

    /// Each pin of `resolved` as (identity, version): what the notices must name.
    static func pins(inResolved path: String) throws -> [(identity: String, version: String)] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let pins = try #require(json["pins"] as? [[String: Any]])
        return try pins.map { pin in
            let state = try #require(pin["state"] as? [String: Any])
            let version = try #require((state["version"] ?? state["revision"]) as? String)
            return (try #require(pin["identity"] as? String), version)
        }
    }

    /// What every copy of the notices holds: the runtime's, ICU's and BoringSSL's terms, and a
    /// heading with the version for each pin of `resolved`.
    static func check(_ notices: String, against resolved: String) throws {
        let pins = try pins(inResolved: resolved)
        #expect(pins.count > 10, "Package.resolved pins \(pins.count) packages")
        for pin in pins {
            #expect(notices.contains("\n\(pin.identity) \(pin.version) ("), "\(pin.identity) \(pin.version) is not in the notices")
        }
        for marker in ["Runtime Library Exception", "UNICODE LICENSE V3", "as copied into swift-crypto", "as copied into swift-nio-ssl",
                       "Eric Young", "The BoringSSL Authors", "Apache License"] {
            #expect(notices.contains(marker), "the notices lack \(marker)")
        }
        #expect(notices.hasPrefix("Third-party notices for certform \(try DistTests.version())\n"))
    }

    @Test func namesEveryPinnedPackageAtItsVersionWithTheRuntimeICUAndBoringSSL() throws {
        let resolved = CLI.root + "/Package.resolved"
        try #require(FileManager.default.fileExists(atPath: resolved), "swift build writes Package.resolved")
        let result = try Subprocess.run("/usr/bin/env", ["bash", Self.script, CLI.root])
        try #require(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.isEmpty, "\(result.stderr)")
        try Self.check(result.stdout, against: resolved)
        // A licence text shared by many packages is given in full once, then referred to.
        let apacheTexts = result.stdout.components(separatedBy: "TERMS AND CONDITIONS FOR USE, REPRODUCTION, AND DISTRIBUTION").count - 1
        let pinned = try Self.pins(inResolved: resolved).count
        #expect(apacheTexts >= 1 && apacheTexts < pinned / 2, "the Apache License is given \(apacheTexts) times for \(pinned) packages")
        #expect(result.stdout.contains("The same text as LICENSE.txt of "))
    }

    /// Every copyright line of BoringSSL's copies (in a comment of any of their C or assembly
    /// files, first block or later) is in the notices: the OpenSSL licence asks for each one.
    @Test func everyBoringSSLCopyrightLineIsInTheNotices() throws {
        let result = try Subprocess.run("/usr/bin/env", ["bash", Self.script, CLI.root])
        try #require(result.status == 0, "\(result.stderr)")
        for copy in ["swift-crypto/Sources/CCryptoBoringSSL", "swift-nio-ssl/Sources/CNIOBoringSSL"] {
            let root = CLI.root + "/.build/checkouts/" + copy
            let files = try #require(FileManager.default.enumerator(atPath: root)?.allObjects as? [String])
            var lines: Set<String> = []
            for file in files where [".c", ".cc", ".h", ".S", ".inc"].contains(where: file.hasSuffix) {
                guard let text = try? String(contentsOfFile: root + "/" + file, encoding: .utf8) else { continue }
                for line in text.split(separator: "\n") where line.contains("opyright") {
                    let trimmed = line.drop { $0 == " " || $0 == "\t" }
                    if trimmed.hasPrefix("/*") || trimmed.hasPrefix("*") || trimmed.hasPrefix("//") { lines.insert(String(line)) }
                }
            }
            #expect(lines.count > 20, "\(copy): \(lines.count) copyright lines found")
            let missing = lines.filter { !result.stdout.contains($0) }.sorted()
            #expect(missing.isEmpty, "\(copy): \(missing.count) copyright lines left out, such as \(missing.prefix(3))")
        }
    }

    @Test func aPinnedPackageWithoutACheckoutStopsIt() throws {
        let package = TemporaryDirectory()
        package.write("Package.resolved", """
            {
              "pins" : [
                {
                  "identity" : "swift-nowhere",
                  "kind" : "remoteSourceControl",
                  "location" : "https://github.com/example/swift-nowhere",
                  "state" : {
                    "revision" : "0123456789abcdef0123456789abcdef01234567",
                    "version" : "1.0.0"
                  }
                }
              ],
              "version" : 3
            }
            """)
        let result = try Subprocess.run("/usr/bin/env", ["bash", Self.script, package.path])
        #expect(result.status != 0)
        #expect(result.stderr.contains("no checkout of swift-nowhere"), "\(result.stderr)")

        package.write(".build/checkouts/swift-nowhere/README.md", "no licence here\n")
        let unlicensed = try Subprocess.run("/usr/bin/env", ["bash", Self.script, package.path])
        #expect(unlicensed.status != 0)
        #expect(unlicensed.stderr.contains("swift-nowhere has no LICENSE or NOTICE file"), "\(unlicensed.stderr)")
    }

    @Test func noResolvedPackagesStopsIt() throws {
        let result = try Subprocess.run("/usr/bin/env", ["bash", Self.script, TemporaryDirectory().path])
        #expect(result.status != 0)
        #expect(result.stderr.contains("Package.resolved is missing"), "\(result.stderr)")
    }
}
