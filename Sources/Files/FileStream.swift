#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A regular file read a piece at a time, opened with the checks of ``FileBytes`` (no FIFO,
/// device or socket is opened; a symbolic link is refused when links are not followed; at most
/// `limit` bytes). A parser that takes its input in pieces then never holds the file whole: a
/// manifest of 70 MB was 70 MB of a plan's peak.
public final class FileStream {
    /// The file's size when it was opened; reading more or fewer bytes than this is an error
    /// (the file changed while it was read).
    public let size: Int
    /// How many bytes have been read so far.
    public private(set) var count = 0
    /// Why reading stopped, once it has failed.
    public private(set) var error: FileReadError?
    private let descriptor: Int32
    private let limit: Int

    private init(descriptor: Int32, size: Int, limit: Int) {
        self.descriptor = descriptor
        self.size = size
        self.limit = limit
    }

    deinit { close(descriptor) }

    /// Opens the regular file at `path` of at most `limit` bytes. As ``FileBytes`` does, it looks
    /// first (`stat`, or `lstat`), so that a FIFO, a device or a socket is never opened.
    public static func open(_ path: String, limit: Int, followsSymlinks: Bool = true) -> Result<FileStream, FileReadError> {
        FileBytes.lookThenOpen(path, limit: limit, followsSymlinks: followsSymlinks).map { descriptor, size in
            FileStream(descriptor: descriptor, size: size, limit: limit)
        }
    }

    /// Reads the next bytes into `buffer`: how many, 0 at the end of the file, nil on an error
    /// (then in ``error``) — a system error, more than `limit` bytes, or a size other than
    /// ``size`` once the end is reached.
    public func read(into buffer: UnsafeMutableRawBufferPointer) -> Int? {
        guard error == nil else { return nil }
        guard let base = buffer.baseAddress, !buffer.isEmpty else { return 0 }
        while true {
            let got = FileBytes.systemRead(descriptor, base, buffer.count)
            if got < 0 {
                if errno == EINTR { continue }
                error = FileReadError(errno: errno)
                return nil
            }
            count += got
            if count > limit {
                error = .tooLarge(limit: limit)
                return nil
            }
            if count > size || (got == 0 && count != size) {
                error = .changedWhileRead
                return nil
            }
            return got
        }
    }
}
