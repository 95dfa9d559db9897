#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Files

/// Reads a small regular file whose `lstat` is already known, with as few system calls as the
/// checks allow — a plan reads one CSR file per certificate, 100,000 of them, and on a virtual
/// machine a system call costs more than the rest of the read: `open` (`O_NOFOLLOW`,
/// `O_NONBLOCK`: a link or a FIFO swapped in since the `lstat` is refused, never followed or
/// waited on), `fstat` on the descriptor (what is read must still be a regular file within the
/// limit), one `read` for the whole file, `close`. The same checks as ``FileBytes``, without its
/// second `lstat` and its second `read`.
enum SmallFile {
    /// The bytes of the regular file at `path`, which `lstat` described as `status`.
    static func read(_ path: String, status: FileStatus, limit: Int) -> Result<[UInt8], FileReadError> {
        guard status.kind == .regular else { return .failure(.notRegular(status.kind)) }
        guard status.size <= limit else { return .failure(.tooLarge(limit: limit)) }
        let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOFOLLOW)
        guard descriptor >= 0 else {
            return .failure(errno == ELOOP ? .notRegular(.symbolicLink) : error(errno))
        }
        defer { close(descriptor) }
        guard let opened = FileStatus(descriptor: descriptor) else { return .failure(error(errno)) }
        guard opened.kind == .regular else { return .failure(.notRegular(opened.kind)) }
        guard opened.size <= limit else { return .failure(.tooLarge(limit: limit)) }
        return readAll(descriptor, expected: opened.size, limit: limit)
    }

    /// Everything left to read: a buffer one byte larger than the file, so that a read that does
    /// not fill it has reached the end (a regular file returns less only at its end); a file that
    /// grew since `fstat` is read on, up to one byte past the limit.
    private static func readAll(_ descriptor: Int32, expected: Int, limit: Int) -> Result<[UInt8], FileReadError> {
        var bytes = [UInt8](repeating: 0, count: min(expected, limit) + 1)
        var filled = 0
        while true {
            let requested = bytes.count - filled
            let count = bytes.withUnsafeMutableBytes { buffer in
                systemRead(descriptor, buffer.baseAddress! + filled, requested)
            }
            if count < 0 {
                if errno == EINTR { continue }
                return .failure(error(errno))
            }
            if count == 0 { break }
            filled += count
            if filled > limit { return .failure(.tooLarge(limit: limit)) }
            if count < requested { break }
            bytes.append(contentsOf: repeatElement(0, count: min(65536, limit + 1 - filled)))
        }
        bytes.removeLast(bytes.count - filled)
        return .success(bytes)
    }

    private static func systemRead(_ descriptor: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
        #if canImport(Glibc)
        return Glibc.read(descriptor, buffer, count)
        #elseif canImport(Darwin)
        return Darwin.read(descriptor, buffer, count)
        #endif
    }

    /// The error as ``FileReadError`` words it.
    static func error(_ code: Int32) -> FileReadError {
        switch code {
        case ENOENT, ENOTDIR: .missing
        default: .system(String(cString: strerror(code)))
        }
    }
}
