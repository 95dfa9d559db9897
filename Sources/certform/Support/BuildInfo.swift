/// What `certform --version` prints. `make dist` (scripts/dist.sh) builds from a staged copy of the
/// tree in which this file is generated anew with the commit filled in; a plain `swift build` uses
/// this one. The version must equal the VERSION file (a test checks it).
enum BuildInfo {
    static let version = "0.1.0"
    /// The git commit the binary was built from, or nil when it was not built by `make dist`.
    static let commit: String? = nil

    /// `0.1.0 (commit 0123abcd…)`, or `0.1.0 (commit unknown)` for a plain `swift build`.
    static var versionLine: String {
        "\(version) (commit \(commit ?? "unknown"))"
    }
}
