#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads whole files into byte arrays.
///
/// Only regular files are read, and each is checked before it is opened: `stat` (or `lstat`)
/// first, so that a FIFO, a device or a socket is never opened (opening one can block or have
/// effects); then `open` with `O_NONBLOCK`, so that a FIFO swapped in between cannot block; then
/// `fstat` on the descriptor, which is what is read.
public enum FileBytes {
    /// The bytes of the regular file at `path` (symbolic links followed, no size limit); nil when
    /// it cannot be read or is not a regular file.
    public static func read(_ path: String) -> [UInt8]? {
        try? read(path, limit: Int.max).get()
    }

    /// The bytes of the regular file at `path`, of at most `limit` bytes, read straight into one
    /// array (not through Foundation's `Data`, which would hold a second copy of a large manifest
    /// or state while it is parsed). With `followsSymlinks: false` a symbolic link at `path`
    /// itself is refused (`O_NOFOLLOW`) rather than followed.
    public static func read(_ path: String, limit: Int, followsSymlinks: Bool = true) -> Result<[UInt8], FileReadError> {
        lookThenOpen(path, limit: limit, followsSymlinks: followsSymlinks).flatMap { descriptor, size in
            defer { close(descriptor) }
            return readAll(descriptor, expected: size, limit: limit)
        }
    }

    /// `stat` (or `lstat`) first, so that a FIFO, a device or a socket is never opened, then
    /// ``openChecked(_:limit:followsSymlinks:)``: the descriptor of a regular file within the
    /// limit, and its size; the caller closes it. ``FileStream`` opens files this way too.
    static func lookThenOpen(_ path: String, limit: Int, followsSymlinks: Bool) -> Result<(Int32, Int), FileReadError> {
        switch FileStatus.of(path, followsSymlinks: followsSymlinks) {
        case .failure(let error): return .failure(error)
        case .success(let status) where status.kind != .regular: return .failure(.notRegular(status.kind))
        case .success(let status) where status.size > limit: return .failure(.tooLarge(limit: limit))
        case .success: return openChecked(path, limit: limit, followsSymlinks: followsSymlinks)
        }
    }

    /// The bytes of the regular file at `path`, which an `lstat` already described as `status`:
    /// the same checks as ``read(_:limit:followsSymlinks:)`` without a second `lstat` (a plan may
    /// read 100,000 CSR files, and on a virtual machine a system call costs more than the bytes).
    /// A symbolic link swapped in since the `lstat` is refused, never followed.
    public static func read(_ path: String, lstat status: FileStatus, limit: Int) -> Result<[UInt8], FileReadError> {
        guard status.kind == .regular else { return .failure(.notRegular(status.kind)) }
        guard status.size <= limit else { return .failure(.tooLarge(limit: limit)) }
        return openAndRead(path, limit: limit, followsSymlinks: false)
    }

    /// `open` (`O_NONBLOCK`: a FIFO swapped in cannot block), `fstat` on the descriptor (what is
    /// read must still be a regular file within the limit), then everything in it.
    private static func openAndRead(_ path: String, limit: Int, followsSymlinks: Bool) -> Result<[UInt8], FileReadError> {
        openChecked(path, limit: limit, followsSymlinks: followsSymlinks).flatMap { descriptor, size in
            defer { close(descriptor) }
            return readAll(descriptor, expected: size, limit: limit)
        }
    }

    /// `open` and `fstat` with the checks above: a descriptor of a regular file within the limit,
    /// and its size; the caller closes it.
    static func openChecked(_ path: String, limit: Int, followsSymlinks: Bool) -> Result<(Int32, Int), FileReadError> {
        let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | (followsSymlinks ? 0 : O_NOFOLLOW))
        guard descriptor >= 0 else {
            return .failure(errno == ELOOP && !followsSymlinks ? .notRegular(.symbolicLink) : FileReadError(errno: errno))
        }
        guard let status = FileStatus(descriptor: descriptor) else {
            let error = FileReadError(errno: errno)
            close(descriptor)
            return .failure(error)
        }
        guard status.kind == .regular, status.size <= limit else {
            close(descriptor)
            return .failure(status.kind == .regular ? .tooLarge(limit: limit) : .notRegular(status.kind))
        }
        return .success((descriptor, status.size))
    }

    /// Everything left to read from `descriptor`, whose file had `expected` bytes at `fstat`.
    private static func readAll(_ descriptor: Int32, expected: Int, limit: Int) -> Result<[UInt8], FileReadError> {
        // One byte more than the file: the read that finds the end then needs no room of its own.
        // (Growing the array for it doubled its capacity — 210 MB to read a 105 MB state.)
        var bytes = [UInt8](repeating: 0, count: min(expected, limit) + 1)
        var filled = 0
        while true {
            // The file may have grown since fstat; keep reading until the end or the limit.
            if filled == bytes.count {
                // One byte past the limit, at the limit: a read that fills it proves the file too large.
                let room = limit - filled
                bytes.append(contentsOf: [UInt8](repeating: 0, count: room < 65536 ? room + 1 : 65536))
            }
            let requested = bytes.count - filled
            let count = bytes.withUnsafeMutableBytes { buffer in
                systemRead(descriptor, buffer.baseAddress! + filled, requested)
            }
            if count < 0 {
                if errno == EINTR { continue }
                return .failure(FileReadError(errno: errno))
            }
            if count == 0 { break }
            filled += count
            if filled > limit { return .failure(.tooLarge(limit: limit)) }
        }
        bytes.removeLast(bytes.count - filled)
        return .success(bytes)
    }

    /// `read(2)`, named through its module: inside `FileBytes`, a plain `read` is `read(_:)` above.
    static func systemRead(_ descriptor: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
        #if canImport(Glibc)
        return Glibc.read(descriptor, buffer, count)
        #elseif canImport(Darwin)
        return Darwin.read(descriptor, buffer, count)
        #endif
    }
}
