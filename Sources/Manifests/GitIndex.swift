#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Files

/// What the repository's git index already knows about committed files: for each path, its blob
/// id (the SHA-1 of `blob <size>\0` + its bytes) and the `lstat` it had when git last hashed it.
///
/// A plan reads one CSR file per certificate only to learn that its bytes are the ones a state
/// record vouches for (``CSRDigest``). In a checkout git has already hashed every one of them, so
/// a file whose `lstat` still matches its index entry — one system call instead of `open`,
/// `fstat`, `read` and `close`, and no hashing — has the blob id the index holds. This is the
/// rule `git status` itself relies on, with its precautions:
///
/// - every field git records is compared (modification and change times to the nanosecond,
///   inode, device, owner, mode and size), so an edited file, even one whose modification time
///   was set back, no longer matches: its change time cannot be set back;
/// - an entry whose file was modified in the same instant as the index was written or later is
///   "racily clean" (an edit in that instant would not show) and is not trusted;
/// - entries that are unmerged, marked intent-to-add or skip-worktree, and indexes in a form this
///   reader does not know (a split index, another hash than SHA-1, another version than 2–4) give
///   no answer: the file is then read and hashed, as it is without a repository.
///
/// The index belongs to the checkout, not to its contents: a pull request can change the files,
/// whose `lstat` then no longer matches, but not `.git/index`. Git computes the ids it records
/// with collision detection, so a file crafted to share another's SHA-1 never gets this far.
package struct GitIndex: Sendable {
    struct Entry: Sendable {
        var ctime: (seconds: UInt32, nanoseconds: UInt32)
        var mtime: (seconds: UInt32, nanoseconds: UInt32)
        var device: UInt32, inode: UInt32, mode: UInt32, uid: UInt32, gid: UInt32, size: UInt32
        var blob: CSRBytesDigest
    }

    /// The worktree's canonical path; index paths are relative to it.
    let root: String
    /// Entries by path relative to `root`.
    let entries: Entries
    /// When the index file was last written: entries modified then or later are racily clean.
    let written: (seconds: Int, nanoseconds: Int)

    /// The index of the git worktree at `root` (a canonical path whose `.git` is a directory, or a
    /// worktree's `gitdir:` file), or nil when there is none this reader can use.
    package static func load(worktree root: String) -> GitIndex? {
        guard let path = indexPath(worktree: root) else { return nil }
        var info = stat()
        guard lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG, info.st_size >= 32,
              info.st_size <= 1 << 30 else { return nil }
        guard case .success(let bytes) = FileBytes.read(path, limit: 1 << 30, followsSymlinks: false),
              let entries = parse(bytes) else { return nil }
        return GitIndex(root: root, entries: entries,
                        written: (Int(info.st_mtim.tv_sec), Int(info.st_mtim.tv_nsec)))
    }

    /// `.git/index`, or the index of the worktree that `.git` (a file) points to.
    static func indexPath(worktree root: String) -> String? {
        let dotGit = root == "/" ? "/.git" : root + "/.git"
        guard let status = FileStatus(path: dotGit, followsSymlinks: false) else { return nil }
        switch status.kind {
        case .directory:
            return dotGit + "/index"
        case .regular:
            guard case .success(let bytes) = FileBytes.read(dotGit, limit: 4096, followsSymlinks: false),
                  let text = String(validating: bytes, as: UTF8.self), text.hasPrefix("gitdir: ") else { return nil }
            let target = text.dropFirst("gitdir: ".count).trimmingSuffix { $0 == "\n" || $0 == "\r" }
            guard !target.isEmpty else { return nil }
            let gitDirectory = target.hasPrefix("/") ? String(target) : String(dotGit.dropLast(4)) + String(target)
            return gitDirectory + "/index"
        default:
            return nil
        }
    }

    /// The blob id of the file at the canonical path `path`, when the index has it and its `lstat`
    /// shows it unchanged since git hashed it; nil otherwise (read and hash it then).
    package func blobID(ofCanonicalPath path: String) -> CSRBytesDigest? {
        path.withCString { text in
            blobID(ofCanonicalPath: UnsafeBufferPointer(start: UnsafeRawPointer(text).assumingMemoryBound(to: UInt8.self), count: path.utf8.count)) {
                lstat(text, &$0)
            }
        }
    }

    /// A directory whose files are asked about one after another (``blobID(in:name:)``): its
    /// canonical path's bytes, with its last `/`, and the directory opened (no descriptor when it
    /// cannot be), so that each file's `lstat` looks up its name alone, not every component of its
    /// path again (most of the system call's time at 100,000 CSR files). Closed when let go.
    final class Directory: Sendable {
        let canonical: [UInt8]
        let descriptor: Int32

        /// `opening: false` leaves it unopened, as when opening fails (``GitIndex/directory(canonical:)``
        /// for a directory outside the worktree, and tests).
        init(canonical: [UInt8], opening: Bool = true) {
            self.canonical = canonical
            guard opening else {
                descriptor = -1
                return
            }
            // Read permission is needed; a directory without it is asked by whole paths.
            let flags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC
            // Without its last `/`, which would have a symbolic link followed; then a NUL.
            var path = canonical.count > 1 && canonical.last == UInt8(ascii: "/") ? Array(canonical.dropLast()) : canonical
            path.append(0)
            descriptor = path.withUnsafeBufferPointer { open(UnsafeRawPointer($0.baseAddress!).assumingMemoryBound(to: CChar.self), flags) }
        }

        deinit {
            if descriptor >= 0 { close(descriptor) }
        }
    }

    /// The directory at `canonical` (its canonical path's bytes, with its last `/`), opened only
    /// when it lies in the worktree: no index entry is outside it, so a directory elsewhere (a
    /// csr_file written `../../../somewhere/x.csr`) is never opened, only asked by whole paths.
    func directory(canonical: [UInt8]) -> Directory {
        Directory(canonical: canonical, opening: canonical.withUnsafeBufferPointer { worktreePrefix(of: $0) } != nil)
    }

    /// How many bytes of `path` are the worktree's root and the `/` after it, when `path` lies in
    /// the worktree; nil otherwise.
    private func worktreePrefix(of path: UnsafeBufferPointer<UInt8>) -> Int? {
        var root = root
        let prefix = root == "/" ? 1 : root.utf8.count + 1
        guard path.count >= prefix, let base = path.baseAddress, base[prefix - 1] == UInt8(ascii: "/"),
              prefix == 1 || root.withUTF8({ memcmp($0.baseAddress!, base, $0.count) == 0 }) else { return nil }
        return prefix
    }

    /// ``blobID(ofCanonicalPath:)`` of the file `name` (one component: no `/`, not `.` or `..`)
    /// in `directory`: the path put together on the stack to find its entry, and the file's
    /// `lstat` taken relative to the open directory.
    func blobID(in directory: Directory, name: Substring) -> CSRBytesDigest? {
        var name = name
        let canonical = directory.canonical
        return name.withUTF8 { name in
            let count = canonical.count + name.count
            return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: count + 1) { path in
                _ = UnsafeMutableBufferPointer(rebasing: path[..<canonical.count]).initialize(from: canonical)
                _ = UnsafeMutableBufferPointer(rebasing: path[canonical.count..<count]).initialize(from: name)
                path[count] = 0
                let base = UnsafeRawPointer(path.baseAddress!).assumingMemoryBound(to: CChar.self)
                return blobID(ofCanonicalPath: UnsafeBufferPointer(start: path.baseAddress, count: count)) { info in
                    directory.descriptor >= 0
                        ? fstatat(directory.descriptor, base + canonical.count, &info, AT_SYMLINK_NOFOLLOW)
                        : lstat(base, &info)
                }
            }
        }
    }

    /// ``blobID(ofCanonicalPath:)`` of the path whose bytes `path` holds, with a NUL just after
    /// them: a plan asks once per CSR file, and the path need not become a string. `status`
    /// takes the file's `lstat` (0 when it could).
    func blobID(ofCanonicalPath path: UnsafeBufferPointer<UInt8>,
                status: (inout stat) -> Int32) -> CSRBytesDigest? {
        guard let prefix = worktreePrefix(of: path), path.count > prefix,
              let entry = entries[UnsafeBufferPointer(rebasing: path[prefix...])] else { return nil }
        var info = stat()
        guard status(&info) == 0 else { return nil }
        return Self.matches(entry, info, written: written) ? entry.blob : nil
    }

    /// Whether `info` is the `lstat` git recorded in `entry`, and the entry is not racily clean.
    static func matches(_ entry: Entry, _ info: stat, written: (seconds: Int, nanoseconds: Int)) -> Bool {
        func low(_ value: some BinaryInteger) -> UInt32 { UInt32(truncatingIfNeeded: value) }
        guard info.st_mode & S_IFMT == S_IFREG, entry.mode & 0o170000 == 0o100000,
              low(info.st_size) == entry.size,
              low(info.st_mtim.tv_sec) == entry.mtime.seconds, low(info.st_mtim.tv_nsec) == entry.mtime.nanoseconds,
              low(info.st_ctim.tv_sec) == entry.ctime.seconds, low(info.st_ctim.tv_nsec) == entry.ctime.nanoseconds,
              low(info.st_ino) == entry.inode, low(info.st_dev) == entry.device,
              low(info.st_uid) == entry.uid, low(info.st_gid) == entry.gid,
              Int(info.st_size) == Int(entry.size) else { return false }
        // Racily clean: modified in the instant the index was written, or after.
        let modified = (Int(info.st_mtim.tv_sec), Int(info.st_mtim.tv_nsec))
        return modified < written
    }

    /// The entries of an index file (versions 2, 3 and 4, SHA-1), or nil for anything else.
    static func parse(_ bytes: [UInt8]) -> Entries? {
        bytes.withUnsafeBufferPointer { buffer -> Entries? in
            var reader = IndexReader(buffer)
            guard reader.take(4) == Array("DIRC".utf8), let version = reader.word(), (2...4).contains(version),
                  let count = reader.word() else { return nil }
            var entries = Entries()
            // An entry takes at least 62 bytes: a count the file cannot hold reserves no more.
            entries.reserveCapacity(min(Int(count), buffer.count / 62), pathBytes: max(0, buffer.count - 62 * Int(count)))
            // Each entry's path, one buffer reused from entry to entry (version 4 writes each path
            // as the previous one cut short and a suffix): no array made per entry.
            var path: [UInt8] = []
            for _ in 0..<count {
                let start = reader.offset
                guard let ctimeSeconds = reader.word(), let ctimeNanoseconds = reader.word(),
                      let mtimeSeconds = reader.word(), let mtimeNanoseconds = reader.word(),
                      let device = reader.word(), let inode = reader.word(), let mode = reader.word(),
                      let uid = reader.word(), let gid = reader.word(), let size = reader.word(),
                      let id = reader.blobID(), let flags = reader.half() else { return nil }
                var extended: UInt16 = 0
                if flags & 0x4000 != 0 {
                    guard version >= 3, let more = reader.half() else { return nil }
                    extended = more
                }
                if version == 4 {
                    guard let strip = reader.varint(), strip <= path.count, let suffix = reader.cString() else { return nil }
                    path.removeLast(strip)
                    path.append(contentsOf: suffix)
                } else {
                    guard let name = reader.cString() else { return nil }
                    path.removeAll(keepingCapacity: true)
                    path.append(contentsOf: name)
                    // 1 to 8 NULs pad the entry to a multiple of 8 bytes (the name's NUL included).
                    let length = reader.offset - start
                    guard reader.skip((8 - length % 8) % 8) else { return nil }
                }
                let stage = (flags >> 12) & 3
                let skipWorktree = extended & 0x4000 != 0, intentToAdd = extended & 0x2000 != 0
                guard stage == 0, !skipWorktree, !intentToAdd, Self.isUTF8(path) else { continue }
                // Git keeps entries sorted by path; an index that is not cannot be searched.
                guard entries.append(Entry(ctime: (ctimeSeconds, ctimeNanoseconds), mtime: (mtimeSeconds, mtimeNanoseconds),
                                           device: device, inode: inode, mode: mode, uid: uid, gid: gid, size: size,
                                           blob: id), path: path) else { return nil }
            }
            // A split index keeps most entries in another file: without them, no answer at all.
            while reader.remaining > 20 {
                guard let signature = reader.take(4), let length = reader.word() else { return nil }
                if signature == Array("link".utf8) { return nil }
                guard reader.skip(Int(length)) else { return nil }
            }
            return entries
        }
    }

    /// Whether `path` is well-formed UTF-8, without a string made of it unless a byte is not ASCII.
    static func isUTF8(_ path: [UInt8]) -> Bool {
        !path.contains { $0 >= 0x80 } || String(validating: path, as: UTF8.self) != nil
    }
}

extension GitIndex {
    /// The usable entries of an index, in git's order (by path, byte by byte), with their paths
    /// side by side in one buffer: at 100,000 files a dictionary keyed by `String` held 27 MB,
    /// this holds 11. A path is found by binary search.
    struct Entries: Sendable {
        private var paths: [UInt8] = []
        /// Each entry with where its path lies in `paths`.
        private var list: [(entry: Entry, start: UInt32, count: UInt32)] = []

        var count: Int { list.count }

        mutating func reserveCapacity(_ count: Int, pathBytes: Int) {
            list.reserveCapacity(count)
            paths.reserveCapacity(pathBytes)
        }

        /// Adds an entry whose path sorts after every path added so far; false if it does not, or
        /// if the paths no longer fit in 32-bit offsets.
        mutating func append(_ entry: Entry, path: some Collection<UInt8>) -> Bool {
            if let last = list.last, !paths[Int(last.start)..<Int(last.start + last.count)].lexicographicallyPrecedes(path) {
                return false
            }
            guard let start = UInt32(exactly: paths.count), let count = UInt32(exactly: path.count),
                  UInt32(exactly: paths.count + path.count) != nil else { return false }
            paths.append(contentsOf: path)
            list.append((entry, start, count))
            return true
        }

        /// The entry for a path relative to the worktree.
        subscript(path: UnsafeBufferPointer<UInt8>) -> Entry? {
            paths.withUnsafeBufferPointer { stored in
                var low = 0, high = list.count
                while low < high {
                    let middle = (low + high) / 2
                    let item = list[middle]
                    // Bytes compared as git sorts them, unsigned, the shorter first when one is the
                    // other's start: memcmp, where generic sequence comparison was 4 % of a plan.
                    let count = Int(item.count), shared = min(count, path.count)
                    var order = shared == 0 ? 0 : memcmp(stored.baseAddress! + Int(item.start), path.baseAddress!, shared)
                    if order == 0 { order = count == path.count ? 0 : count < path.count ? -1 : 1 }
                    if order == 0 { return item.entry }
                    if order < 0 { low = middle + 1 } else { high = middle }
                }
                return nil
            }
        }

        subscript(path: String) -> Entry? {
            var path = path
            return path.withUTF8 { self[$0] }
        }
    }
}

/// Big-endian fields of an index file, each read only when that many bytes remain.
private struct IndexReader {
    let buffer: UnsafeBufferPointer<UInt8>
    var offset = 0

    init(_ buffer: UnsafeBufferPointer<UInt8>) {
        self.buffer = buffer
    }

    var remaining: Int { buffer.count - offset }

    mutating func take(_ count: Int) -> [UInt8]? {
        guard remaining >= count else { return nil }
        defer { offset += count }
        return Array(buffer[offset..<offset + count])
    }

    mutating func skip(_ count: Int) -> Bool {
        guard count >= 0, remaining >= count else { return false }
        offset += count
        return true
    }

    mutating func word() -> UInt32? {
        guard remaining >= 4 else { return nil }
        defer { offset += 4 }
        return buffer[offset..<offset + 4].reduce(0) { $0 << 8 | UInt32($1) }
    }

    mutating func half() -> UInt16? {
        guard remaining >= 2 else { return nil }
        defer { offset += 2 }
        return UInt16(buffer[offset]) << 8 | UInt16(buffer[offset + 1])
    }

    /// Git's offset varint (version 4): 7 bits a byte, each continuation adding one.
    mutating func varint() -> Int? {
        guard remaining >= 1 else { return nil }
        var byte = buffer[offset]
        offset += 1
        var value = Int(byte & 0x7F)
        while byte & 0x80 != 0 {
            guard remaining >= 1, value < 1 << 40 else { return nil }
            byte = buffer[offset]
            offset += 1
            value = ((value + 1) << 7) | Int(byte & 0x7F)
        }
        return value
    }

    /// The bytes up to the next NUL, which is consumed; valid as long as `buffer` is.
    mutating func cString() -> UnsafeBufferPointer<UInt8>? {
        guard let end = buffer[offset...].firstIndex(of: 0) else { return nil }
        defer { offset = end + 1 }
        return UnsafeBufferPointer(rebasing: buffer[offset..<end])
    }

    /// A 20-byte SHA-1 object id.
    mutating func blobID() -> CSRBytesDigest? {
        guard remaining >= 20 else { return nil }
        defer { offset += 20 }
        return CSRBytesDigest(blobID: UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(buffer)[offset..<offset + 20]))
    }
}

private extension Substring {
    func trimmingSuffix(while predicate: (Character) -> Bool) -> Substring {
        var result = self
        while let last = result.last, predicate(last) { result = result.dropLast() }
        return result
    }
}
