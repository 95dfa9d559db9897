import ArgumentParser

@main
struct Certform: AsyncParsableCommand {
    /// The release, as in the VERSION file; `--version` adds the git commit (BuildInfo).
    static let version = BuildInfo.version

    static let configuration = CommandConfiguration(
        commandName: "certform",
        abstract: "Keep DigiCert DV SSL certificate orders in step with YAML manifests in git.",
        discussion: """
        certform reads the certificates you declare in manifests/*.yaml, compares them with the orders recorded in state/orders.json, and shows (plan) or places (apply) exactly the paid orders and free reissues that are needed.

        Exit status: 0 success, 1 failure, 2 for 'plan --detailed-exitcode' with changes, 64 for a usage error.
        """,
        version: BuildInfo.versionLine,
        subcommands: [Validate.self, PlanCommand.self, ApplyCommand.self, Refresh.self, DCVCommand.self, PricingCommand.self, Check.self, Show.self, StateCommand.self, Import.self, Unlock.self, Completions.self]
    )
}
