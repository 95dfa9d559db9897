import ArgumentParser
import Foundation

/// Where the manifests are: `--manifests` or `CERTFORM_MANIFESTS`, default `manifests`.
struct ManifestOptions: ParsableArguments {
    @Option(name: .customLong("manifests"), help: ArgumentHelp(
        "Directory of *.yaml / *.yml manifests, read recursively (env CERTFORM_MANIFESTS; default: manifests).",
        valueName: "dir"))
    var manifestsOption: String?

    var manifests: String {
        manifestsOption ?? Environment.value("CERTFORM_MANIFESTS") ?? "manifests"
    }
}

/// Where the state is: `--state` or `CERTFORM_STATE`, default `state/orders.json`.
struct StateOptions: ParsableArguments {
    @Option(name: .customLong("state"), help: ArgumentHelp(
        "State file (env CERTFORM_STATE; default: state/orders.json).", valueName: "file"))
    var stateOption: String?

    var statePath: String {
        stateOption ?? Environment.value("CERTFORM_STATE") ?? "state/orders.json"
    }
}

/// Terminal presentation.
struct OutputOptions: ParsableArguments {
    @Flag(name: .customLong("no-color"), help: "Never colour the output (also when NO_COLOR is set).")
    var noColor = false

    /// Colour only on a terminal, never with --no-color or NO_COLOR.
    var usesColor: Bool {
        !noColor && Environment.value("NO_COLOR") == nil && isatty(STDOUT_FILENO) == 1
    }
}

enum Environment {
    /// A variable's value, or nil when it is unset or empty.
    static func value(_ name: String) -> String? {
        guard let value = ProcessInfo.processInfo.environment[name], !value.isEmpty else { return nil }
        return value
    }
}

/// Writes to standard error.
enum Console {
    static func error(_ text: String) {
        flush()
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    /// Flushes buffered standard output, so that progress appears as it happens.
    static func flush() {
        fflush(nil)
    }
}
