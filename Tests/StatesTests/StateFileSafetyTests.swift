import CertformTestSupport
import Foundation
@testable import States
import Testing

/// The state file and its lock come from the repository, so from pull requests (SPEC §3): they are
/// never followed through a symbolic link, must be regular files, and are created private.
@Suite struct StateFileSafetyTests {
    static let victimText = "precious: not certform's to touch\n"

    /// The permission bits of `path` (not following a link).
    static func mode(_ path: String) -> mode_t? {
        var info = stat()
        return lstat(path, &info) == 0 ? info.st_mode & 0o7777 : nil
    }

    static func isSymbolicLink(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFLNK
    }

    /// `state/orders.json.lock` committed as a link to another file: the writer must neither
    /// truncate nor write that file.
    @Test func lockThatIsASymlinkIsRefusedAndItsTargetIsUntouched() async throws {
        let dir = TemporaryDirectory()
        let victim = dir.write("victim.txt", Self.victimText)
        let statePath = dir.path + "/state/orders.json"
        dir.write("state/.keep", "")
        #expect(symlink(victim, statePath + ".lock") == 0)
        let store = StateStore(path: statePath)
        do {
            _ = try await store.lock(operation: "apply", timeout: 0)
            Issue.record("a lock that is a symbolic link must be refused")
        } catch {
            guard case .lockFailed = error else { Issue.record("\(error)"); return }
            #expect(error.description.contains("symbolic link"), "\(error)")
            #expect(error.description.contains("'\(statePath).lock'"), "\(error)")
        }
        #expect(StateLock.unlock(statePath: statePath, id: "any").isNoLock)
        #expect(await store.currentHolder() == nil)
        #expect(try String(contentsOfFile: victim, encoding: .utf8) == Self.victimText)
        #expect(Self.isSymbolicLink(statePath + ".lock"))
    }

    /// A link to nowhere must not create the file it points to (`O_CREAT` would follow it).
    @Test func danglingLockSymlinkDoesNotCreateItsTarget() async throws {
        let dir = TemporaryDirectory()
        let target = dir.path + "/created-by-certform"
        let statePath = dir.path + "/orders.json"
        #expect(symlink(target, statePath + ".lock") == 0)
        await #expect(throws: StateError.self) { try await StateLock.acquire(statePath: statePath, operation: "apply") }
        #expect(!FileManager.default.fileExists(atPath: target))
    }

    /// A FIFO would block whoever opens it for reading; it is refused without waiting.
    @Test func lockThatIsAFIFOIsRefusedWithoutBlocking() async throws {
        let dir = TemporaryDirectory()
        let statePath = dir.path + "/orders.json"
        #expect(mkfifo(statePath + ".lock", 0o644) == 0)
        do {
            _ = try await StateLock.acquire(statePath: statePath, operation: "apply")
            Issue.record("a lock that is a FIFO must be refused")
        } catch {
            #expect(error.description.contains("is a FIFO, not a regular file"), "\(error)")
        }
        #expect(StateLock.holder(atPath: statePath + ".lock") == nil)
        #expect(StateLock.currentHolder(statePath: statePath) == nil)
    }

    /// The state committed as a link (say, to a state elsewhere, or to a secret) is not read, and
    /// nothing writes through it or over it.
    @Test func stateThatIsASymlinkIsRefused() async throws {
        let dir = TemporaryDirectory()
        let elsewhere = dir.write("elsewhere/orders.json", StateStoreTests.sample)
        let statePath = dir.path + "/state/orders.json"
        dir.write("state/.keep", "")
        #expect(symlink(elsewhere, statePath) == 0)
        let store = StateStore(path: statePath)
        do {
            _ = try await store.load()
            Issue.record("a state that is a symbolic link must be refused")
        } catch {
            guard case .unreadable = error else { Issue.record("\(error)"); return }
            #expect(error.description.contains("symbolic link, not a regular file"), "\(error)")
        }
        await #expect(throws: StateError.self) { try await store.save(State()) }
        await #expect(throws: StateError.self) { try await store.replace(with: State()) }
        #expect(try String(contentsOfFile: elsewhere, encoding: .utf8) == StateStoreTests.sample)
        #expect(Self.isSymbolicLink(statePath))
    }

    @Test func stateThatIsAFIFOIsRefusedWithoutBlocking() async throws {
        let dir = TemporaryDirectory()
        let statePath = dir.path + "/orders.json"
        #expect(mkfifo(statePath, 0o644) == 0)
        do {
            _ = try await StateStore(path: statePath).load()
            Issue.record("a state that is a FIFO must be refused")
        } catch {
            #expect(error.description.contains("is a FIFO, not a regular file"), "\(error)")
        }
    }

    /// A socket where the state should be is named for what it is (it cannot even be opened).
    @Test func stateThatIsASocketIsRefusedForWhatItIs() async throws {
        let dir = TemporaryDirectory()
        let statePath = dir.socket("orders.json")
        do {
            _ = try await StateStore(path: statePath).load()
            Issue.record("a state that is a socket must be refused")
        } catch {
            #expect(error.description.contains("is a socket, not a regular file"), "\(error)")
        }
    }

    @Test func newStateAndLockAreCreatedWithMode0600() async throws {
        let dir = TemporaryDirectory()
        let statePath = dir.path + "/state/orders.json"
        let store = StateStore(path: statePath)
        let lock = try await store.lock(operation: "apply", timeout: 0)
        try await store.save(State())
        #expect(Self.mode(statePath) == 0o600)
        #expect(Self.mode(statePath + ".lock") == 0o600)
        await lock.release()
        // Only the state and its lock are left: no temporary file of any mode.
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path + "/state").sorted() == ["orders.json", "orders.json.lock"])
    }

    @Test(arguments: [0o644 as mode_t, 0o640, 0o600])
    func existingStateKeepsItsMode(mode: mode_t) async throws {
        let dir = TemporaryDirectory()
        let statePath = dir.write("state/orders.json", StateStoreTests.sample)
        #expect(chmod(statePath, mode) == 0)
        let store = StateStore(path: statePath)
        let state = try await store.load()
        let saved = try await store.save(state)
        #expect(saved.serial == state.serial + 1)
        #expect(Self.mode(statePath) == mode)
        try await store.replace(with: saved)
        #expect(Self.mode(statePath) == mode)
    }
}

extension StateLock.UnlockResult {
    var isNoLock: Bool {
        if case .noLock = self { return true }
        return false
    }
}
