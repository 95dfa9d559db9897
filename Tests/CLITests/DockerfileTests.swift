import CertformTestSupport
import Foundation
import Testing

/// The Dockerfile is linted here, since no Docker daemon runs where the tests do: hadolint checks
/// its syntax and good practice (its last USER is not root, the entrypoint is in exec form), and
/// `DockerfileShape` what hadolint cannot know — a Swift build stage, a slim Debian runtime with
/// libyaml and CA certificates, a non-root user set at all, `ENTRYPOINT ["certform"]`. Broken
/// copies in Tests/Corpus/docker-broken show that each check bites.
@Suite struct DockerfileTests {
    static let corpus = CLI.root + "/Tests/Corpus/docker-broken"
    static let brokenCopies = ((try? FileManager.default.contentsOfDirectory(atPath: corpus)) ?? [])
        .filter { $0.hasSuffix(".Dockerfile") }.sorted()

    @Test func hadolintPassesTheDockerfile() throws {
        let result = try TestTools.run("hadolint", ["--no-color", "Dockerfile"])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.isEmpty, "\(result.stdout)")
    }

    @Test func theDockerfileHasTheShapeTheREADMEDescribes() throws {
        let text = try String(contentsOfFile: CLI.root + "/Dockerfile", encoding: .utf8)
        #expect(DockerfileShape.problems(text) == [])
    }

    @Test(arguments: brokenCopies)
    func aBrokenCopyIsRefused(_ file: String) throws {
        let text = try String(contentsOfFile: Self.corpus + "/" + file, encoding: .utf8)
        let expected = try #require(text.split(separator: "\n").dropFirst().first?.split(separator: "# expect: ").last.map(String.init),
                                    "\(file): no '# expect:' line")
        let lint = try TestTools.run("hadolint", ["--no-color", Self.corpus + "/" + file])
        let shape = DockerfileShape.problems(text)
        #expect(lint.status != 0 || !shape.isEmpty, "\(file) passed both checks")
        let said = lint.stdout + lint.stderr + shape.joined(separator: "\n")
        #expect(said.contains(expected), "\(file): expected '\(expected)' in: \(said)")
    }

    @Test func theBuildContextLeavesOutBuildProductsAndSecrets() throws {
        let ignored = try String(contentsOfFile: CLI.root + "/.dockerignore", encoding: .utf8)
            .split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        for entry in [".build/", ".git/", "dist/", ".venv/", "*.key"] {
            #expect(ignored.contains(entry), ".dockerignore lacks \(entry)")
        }
    }

    /// The image and the release tarballs are built with the same Swift release.
    @Test func theImageAndTheReleaseUseOneSwiftVersion() throws {
        let dockerfile = try String(contentsOfFile: CLI.root + "/Dockerfile", encoding: .utf8)
        let release = try String(contentsOfFile: CLI.root + "/.github/workflows/release.yml", encoding: .utf8)
        let swift = try #require(dockerfile.split(separator: "\n").first { $0.hasPrefix("ARG SWIFT_VERSION=") }?.dropFirst(18))
        #expect(release.contains("container: swift:\(swift)-"), "release.yml builds with another Swift than the Dockerfile's \(swift)")
    }
}

/// The Dockerfile's instructions, one per logical line, and what the image must be.
enum DockerfileShape {
    struct Instruction {
        var keyword: String
        var arguments: String
    }

    static func instructions(_ text: String) -> [Instruction] {
        var logical: [String] = []
        var pending = ""
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("#") || (line.isEmpty && pending.isEmpty) { continue }
            if line.hasSuffix("\\") { pending += String(line.dropLast()) + " "; continue }
            logical.append(pending + line)
            pending = ""
        }
        if !pending.isEmpty { logical.append(pending) }
        return logical.filter { !$0.isEmpty }.map { line in
            let keyword = line.prefix { !$0.isWhitespace }
            return Instruction(keyword: keyword.uppercased(), arguments: line.dropFirst(keyword.count).trimmingCharacters(in: .whitespaces))
        }
    }

    /// What is wrong with the image the Dockerfile describes; empty when nothing is.
    static func problems(_ text: String) -> [String] {
        let all = instructions(text)
        let stageStarts = all.indices.filter { all[$0].keyword == "FROM" }
        guard let first = stageStarts.first, let last = stageStarts.last, stageStarts.count >= 2 else {
            return ["not multi-stage: a Swift build stage, then a debian:*-slim runtime stage"]
        }
        var problems: [String] = []
        if !all[first].arguments.hasPrefix("swift:") { problems.append("the build stage is not FROM the official swift image") }
        let runtimeImage = all[last].arguments
        if !(runtimeImage.hasPrefix("debian:") && runtimeImage.contains("-slim")) { problems.append("the runtime stage is not FROM debian:*-slim") }
        let runtime = all[last...]
        let runs = runtime.filter { $0.keyword == "RUN" }.map(\.arguments).joined(separator: "\n")
        for package in ["libyaml-0-2", "ca-certificates"] where !runs.contains(package) {
            problems.append("the runtime stage does not install \(package)")
        }
        if let user = runtime.last(where: { $0.keyword == "USER" })?.arguments {
            let name = user.split(separator: ":").first.map(String.init) ?? ""
            if ["root", "0", ""].contains(name) { problems.append("the runtime stage runs as root") }
        } else {
            problems.append("the runtime stage sets no USER: it would run as root")
        }
        if runtime.last(where: { $0.keyword == "ENTRYPOINT" })?.arguments != #"["certform"]"# {
            problems.append(#"the entrypoint is not ["certform"]"#)
        }
        if !all[first..<last].contains(where: { $0.keyword == "RUN" && $0.arguments.contains("scripts/dist.sh") }) {
            problems.append("the build stage does not build with scripts/dist.sh, as the release tarballs are")
        }
        return problems
    }
}
