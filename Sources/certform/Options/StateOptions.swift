import ArgumentParser
import Foundation
import PostgresState
import States

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
        "State file, or a PostgreSQL state postgres://user@host:5432/db?schema=certform (env CERTFORM_STATE; default: state/orders.json).",
        valueName: "file|url"))
    var stateOption: String?

    @Option(name: .customLong("state-password-file"), help: ArgumentHelp(
        "File holding the PostgreSQL password (default: the PGPASSWORD variable).", valueName: "file"))
    var statePasswordFile: String?

    /// The state's location as given: a path, or a URL without a password.
    var statePath: String {
        stateOption ?? Environment.value("CERTFORM_STATE") ?? "state/orders.json"
    }

    /// Opens the state: the file, or a connection to PostgreSQL. Close it when done.
    func backend() throws(StateError) -> any StateBackend {
        try Self.open(statePath, passwordFile: statePasswordFile)
    }

    /// Opens the state at `location` (a path or a `postgres://` URL).
    static func open(_ location: String, passwordFile: String?) throws(StateError) -> any StateBackend {
        guard PostgresStateURL.isPostgres(location) else { return StateStore(path: location) }
        var password = Environment.value("PGPASSWORD")
        if let file = passwordFile {
            guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
                throw .unreadable(path: file, reason: "the --state-password-file cannot be read")
            }
            password = text.trimmingCharacters(in: .newlines)
        }
        return try PostgresStateBackend.connect(PostgresStateURL(location, password: password))
    }

    /// Reads the state once (commands that only look).
    func loadState() throws(StateError) -> State {
        let backend = try backend()
        defer { backend.close() }
        return try backend.load()
    }

    /// Opens the state, takes the writers' lock, and runs `body`; releases and closes after.
    func withLockedState<T>(operation: String, timeout: Double, _ body: (any StateBackend) throws(StateError) -> T) throws(StateError) -> T {
        let locked = try openLocked(operation: operation, timeout: timeout)
        defer { locked.close() }
        return try body(locked.store)
    }

    /// Opens the state and takes the writers' lock, for commands that hold both across
    /// asynchronous work (apply, refresh, import). Call ``LockedState/close()`` when done.
    func openLocked(operation: String, timeout: Double) throws(StateError) -> LockedState {
        let backend = try backend()
        do {
            return LockedState(store: backend, lock: try backend.lock(operation: operation, timeout: timeout))
        } catch {
            backend.close()
            throw error
        }
    }
}

/// A state opened with its writers' lock held.
final class LockedState: Sendable {
    let store: any StateBackend
    let lock: any StateLockHandle

    init(store: any StateBackend, lock: any StateLockHandle) {
        self.store = store
        self.lock = lock
    }

    /// Releases the lock, then closes the connection (a file needs nothing).
    func close() {
        lock.release()
        store.close()
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
