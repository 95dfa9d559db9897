import Crypto
import Dates
import Dispatch
import Foundation
import Synchronization

extension ManifestLoader {
    /// Many files of a like size, read side by side: each core takes the next file, reads it
    /// whole, then parses and decodes it, and takes the next — no core waits for another's file
    /// (files were read in batches of two per core, and a core that finished its share of a batch
    /// waited for the batch's last file, then for its bytes to be hashed on one core: a lean plan
    /// kept its two cores three quarters busy). Each file's bytes go into the digest in order as
    /// they come (``OrderedDigest``) and are let go.
    ///
    /// A file whose reader began after the state's names came was given them by its reader
    /// (``NameSharing``), and one read while they came by its reader once it is read. The files
    /// read before they came are given them by the first core to see them come, while the other
    /// cores read on (``NamesDue``): held until the end, their own copies of the names raised a
    /// lean plan's peak by 6 MB. Returns the files read, in order, and the first whose
    /// certificates may still be due their names (``ReadManifests/namesDueFrom``).
    /// `fileRead` is called as each file is read, before its certificates are given the names (tests).
    static func readSideBySide(_ found: [ManifestWalk.Found], directory: String, asOf: CalendarDate, names: StateNames?,
                               hasher: inout SHA256, fileRead: (@Sendable () -> Void)? = nil) -> (files: [FileRead], namesDueFrom: Int) {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let digest = OrderedDigest(hasher, window: 2 * cores)
        let next = Mutex(0)
        let due = NamesDue()
        var files = [FileRead](unsafeUninitializedCapacity: found.count) { buffer, initialized in
            // Each index is taken by exactly one core, and a file's certificates are given their
            // names by one core after its reader has let them go (``NamesDue``).
            nonisolated(unsafe) let output = buffer
            DispatchQueue.concurrentPerform(iterations: min(cores, found.count)) { _ in
                var sharing = NameSharing(names)
                while true {
                    let index = next.withLock { taken in
                        defer { taken += 1 }
                        return taken
                    }
                    guard index < found.count else { return }
                    let begunWithNames = sharing.isAvailable
                    if begunWithNames {
                        for file in due.take() { sharing.share(&output[file].certificates) }
                    }
                    // Made in its place and changed there: a copy held here until the end of the
                    // loop made the array shared, and the names given below (or by another core,
                    // once `due` holds the file) then went to a copy of it, the file keeping its
                    // own names' blocks.
                    let file = output.baseAddress! + index
                    file.initialize(to: readFile(found[index], directory: directory, asOf: asOf, decodesOnThread: false, names: names))
                    var bytes: [UInt8]?
                    if case .success(let read?) = file.pointee.bytes {
                        bytes = read
                        file.pointee.bytes = .success(nil)
                    }
                    digest.add(index, relative: found[index].relative, bytes: bytes)
                    bytes = nil
                    fileRead?()
                    // Names that came while the file was read: its certificates are in this core's cache.
                    let given = begunWithNames || sharing.isAvailable
                    if given && !begunWithNames { sharing.share(&file.pointee.certificates) }
                    if !given, due.add(index) { sharing.share(&output[index].certificates) }
                }
            }
            initialized = found.count
        }
        hasher = digest.finish()
        var sharing = NameSharing(names)
        guard sharing.isAvailable else { return (files, 0) }
        // The names came after the last file was begun.
        for file in due.take() { sharing.share(&files[file].certificates) }
        return (files, files.count)
    }

    /// The files read before the state's names came, due them: taken once, by the first core
    /// that sees the names, after which a file read without them is its reader's to give them.
    final class NamesDue: Sendable {
        private let state = Mutex<(files: [Int], taken: Bool)>(([], false))

        /// Adds the file at `index`, read without the names; true when they were taken already
        /// (they have come, and the file is the caller's to give them).
        func add(_ index: Int) -> Bool {
            state.withLock { state in
                if !state.taken { state.files.append(index) }
                return state.taken
            }
        }

        /// The files due their names, the first time it is called (call it once the names have come).
        func take() -> [Int] {
            state.withLock { state in
                defer { state = ([], true) }
                return state.taken ? [] : state.files
            }
        }
    }

    /// The digest of files read side by side: each file's path and bytes go in, in the files'
    /// order, whichever core read them and whenever. A core that adds a file while none is being
    /// hashed hashes it, and every file waiting after it; the others leave theirs to it. At most
    /// `window` files wait, so that the bytes of files read ahead of a slow one are not all held:
    /// a core whose file would be one too many waits, unless its file is the next to go in.
    final class OrderedDigest: @unchecked Sendable {  // every member under `condition`
        private let condition = NSCondition()
        private var hasher: SHA256
        private var waiting: [Int: (relative: String, bytes: [UInt8]?)] = [:]
        private var nextIndex = 0
        private var hashing = false
        private let window: Int
        /// The most files that waited at once (tests: never more than `window` and the next one).
        private(set) var mostWaiting = 0

        init(_ hasher: SHA256, window: Int) {
            self.hasher = hasher
            self.window = max(window, 1)
        }

        /// The file at `index` (each index once, from 0 with none left out): its path in the
        /// directory and bytes, or nil bytes when it went in already (hashed as it was read) or
        /// could not be read — nothing then goes in for it.
        func add(_ index: Int, relative: String, bytes: [UInt8]?) {
            condition.lock()
            defer { condition.unlock() }
            while waiting.count >= window, index != nextIndex { condition.wait() }
            waiting[index] = (relative, bytes)
            mostWaiting = max(mostWaiting, waiting.count)
            guard !hashing else { return }
            hashing = true
            while let file = waiting.removeValue(forKey: nextIndex) {
                // Hashed outside the lock; only this core changes `hasher` while `hashing` is set.
                condition.unlock()
                if let bytes = file.bytes {
                    ManifestLoader.update(&hasher, with: Array(file.relative.utf8))
                    ManifestLoader.update(&hasher, with: bytes)
                }
                condition.lock()
                nextIndex += 1
                condition.broadcast()
            }
            hashing = false
        }

        /// The digest with every file added.
        func finish() -> SHA256 {
            condition.lock()
            defer { condition.unlock() }
            precondition(waiting.isEmpty && !hashing, "a file was left out of the manifests' digest")
            return hasher
        }
    }
}
