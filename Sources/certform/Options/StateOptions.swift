import ArgumentParser
import Foundation
import PostgresState
import States

/// Where the state is: `--state` or `CERTFORM_STATE`, default `state/orders.json`.
struct StateOptions: ParsableArguments {
    @Option(name: .customLong("state"), help: ArgumentHelp(
        "State file, or a PostgreSQL state postgres://user@host:5432/db?schema=certform (env CERTFORM_STATE; default: state/orders.json).",
        valueName: "file|url"), completion: .file(extensions: ["json"]))
    var stateOption: String?

    @Option(name: .customLong("state-password-file"), help: ArgumentHelp(
        "File holding the PostgreSQL password (default: the PGPASSWORD variable).", valueName: "file"), completion: .file())
    var statePasswordFile: String?

    @Option(name: .customLong("state-ca-file"), help: ArgumentHelp(
        "CA bundle (PEM) to verify a PostgreSQL state server with (default: the system's CAs).", valueName: "file"), completion: .file())
    var stateCAFile: String?

    /// The state's location as given: a path, or a URL without a password.
    var statePath: String {
        stateOption ?? Environment.value("CERTFORM_STATE") ?? "state/orders.json"
    }

    /// Opens the state: the file, or a connection to PostgreSQL. Close it when done.
    func backend() async throws(StateError) -> any StateBackend {
        try await Self.open(statePath, passwordFile: statePasswordFile, caFile: stateCAFile)
    }

    /// Opens the state at `location` (a path or a `postgres://` URL).
    static func open(_ location: String, passwordFile: String?, caFile: String? = nil) async throws(StateError) -> any StateBackend {
        guard PostgresStateURL.isPostgres(location) else { return StateStore(path: location) }
        var password = Environment.value("PGPASSWORD")
        if let file = passwordFile {
            guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
                throw .unreadable(path: file, reason: "the --state-password-file cannot be read")
            }
            password = text.trimmingCharacters(in: .newlines)
        }
        return try await PostgresStateBackend.connect(PostgresStateURL(location, password: password, caFile: caFile))
    }

    /// Reads the state once (commands that only look).
    func loadState() async throws(StateError) -> State {
        let backend = try await backend()
        do throws(StateError) {
            let state = try await backend.load()
            await backend.close()
            return state
        } catch {
            await backend.close()
            throw error
        }
    }

    /// Opens the state, takes the writers' lock, and runs `body`; releases and closes after,
    /// however `body` ends.
    func withLockedState<T>(operation: String, timeout: Double,
                            _ body: (any StateBackend) async throws(StateError) -> T) async throws(StateError) -> T {
        let locked = try await openLocked(operation: operation, timeout: timeout)
        do throws(StateError) {
            let result = try await body(locked.store)
            await locked.close()
            return result
        } catch {
            await locked.close()
            throw error
        }
    }

    /// Opens the state and takes the writers' lock, for commands that hold both across
    /// asynchronous work (apply, refresh, import). Call ``LockedState/close()`` when done.
    func openLocked(operation: String, timeout: Double) async throws(StateError) -> LockedState {
        let backend = try await backend()
        do throws(StateError) {
            return LockedState(store: backend, lock: try await backend.lock(operation: operation, timeout: timeout))
        } catch {
            await backend.close()
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
    func close() async {
        await lock.release()
        await store.close()
    }
}

/// `--lock-timeout` for commands that write state.
struct LockOptions: ParsableArguments {
    @Option(name: .customLong("lock-timeout"), help: ArgumentHelp(
        "How long to wait for another writer's lock, e.g. 0s, 30s, 5m (default 0s).", valueName: "duration"))
    var lockTimeoutArgument = DurationArgument(seconds: 0, written: "0s")

    var lockTimeout: Double { lockTimeoutArgument.seconds }
}

/// Where the manifests are: `--manifests` or `CERTFORM_MANIFESTS`, default `manifests`.
struct ManifestOptions: ParsableArguments {
    @Option(name: .customLong("manifests"), help: ArgumentHelp(
        "Directory of *.yaml / *.yml manifests, read recursively (env CERTFORM_MANIFESTS; default: manifests).",
        valueName: "dir"), completion: .directory)
    var manifestsOption: String?

    var manifests: String {
        manifestsOption ?? Environment.value("CERTFORM_MANIFESTS") ?? "manifests"
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
