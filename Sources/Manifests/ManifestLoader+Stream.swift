import Crypto
import Dispatch
import Dates
import Files
import YAML

extension ManifestLoader {
    /// One manifest file read a piece at a time into libyaml and hashed as it is read, after the
    /// files before it (`hasher`), so that its bytes are never held whole: a file read alone is
    /// usually the one large manifest of a repository (70 MB of a plan's peak when it was read
    /// whole). A file that must be read again — libyaml stopped at an error, whose place is
    /// found in the whole text, or `defaults` written after `certificates` — is read whole, and
    /// then both its certificates and its digest come from that second reading.
    static func streamFile(_ found: ManifestWalk.Found, directory: String, asOf: CalendarDate, hasher: inout SHA256,
                           names: StateNames? = nil) -> FileRead {
        let path = shownPath(found.relative, directory: directory)
        let stream: FileStream
        switch FileStream.open(found.realPath, limit: manifestSizeLimit, followsSymlinks: false) {
        case .failure(let error): return FileRead(path: path, bytes: .failure(error))
        case .success(let opened): stream = opened
        }
        var prefixed = hasher
        update(&prefixed, with: Array(found.relative.utf8))
        // The length first, as for a file read whole; a file whose length changes is refused.
        update(&prefixed, length: stream.size)
        let hashing = HashingInput(prefixed, stream: stream)
        let outcome = read(file: path, asOf: asOf, decodesOnThread: true, names: names, parse: { (streaming) throws(YAMLError) in
            try YAMLParser.parse(reading: hashing.read(into:), streaming: streaming)
        })
        if let error = stream.error { return FileRead(path: path, bytes: .failure(error)) }
        guard case .read(let certificates, let diagnostics, let keys) = outcome else {
            var file = readFile(found, directory: directory, asOf: asOf, decodesOnThread: true, names: names)
            if case .success(let bytes?) = file.bytes {
                update(&hasher, with: Array(found.relative.utf8))
                update(&hasher, with: bytes)
                file.bytes = .success(nil)
            }
            return file
        }
        hasher = hashing.finish()
        return FileRead(path: path, bytes: .success(nil), certificates: certificates, diagnostics: diagnostics,
                        keys: keys ?? CheckKeys(of: certificates))
    }

    /// A file's bytes for libyaml, each piece added to the digest as it passes — on a thread of
    /// its own, a megabyte at a time: hashing was 3% of the parsing thread, the longer of a large
    /// manifest's two, while the decoding thread had time to spare. ``finish()`` waits for it.
    /// The piece being gathered is the parsing thread's; the hasher is the queue's until then.
    final class HashingInput: @unchecked Sendable {
        private var hasher: SHA256
        let stream: FileStream
        private var piece: [UInt8] = []
        private let queue = DispatchQueue(label: "certform.manifest-digest")
        /// At most this many pieces wait to be hashed, so that a file is never held whole.
        private let room = DispatchSemaphore(value: 4)
        let pieceSize: Int

        init(_ hasher: SHA256, stream: FileStream, pieceSize: Int = 1 << 20) {
            self.hasher = hasher
            self.stream = stream
            self.pieceSize = pieceSize
        }

        func read(into buffer: UnsafeMutableRawBufferPointer) -> Int? {
            guard let count = stream.read(into: buffer) else { return nil }
            // Room for the read that passes the piece's size, so that the piece never grows.
            if piece.isEmpty, count > 0 { piece.reserveCapacity(pieceSize + buffer.count) }
            piece.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer.prefix(count)))
            if piece.count >= pieceSize { send() }
            return count
        }

        private func send() {
            let full = piece
            piece = []
            room.wait()
            queue.async { [self] in
                hasher.update(data: full)
                room.signal()
            }
        }

        /// The digest so far, with every byte read: waits until the last piece is hashed.
        func finish() -> SHA256 {
            if !piece.isEmpty { send() }
            return queue.sync { hasher }
        }
    }
}
