import CertformTestSupport
import Crypto
import Dates
import Files
import Foundation
@testable import Manifests
import Testing

/// A manifest read alone is read a piece at a time (``FileStream``) and hashed as it is read.
/// It must be refused where a whole read is refused, fail when the file changes under it, and
/// give the answer and the digest a whole read gives.
@Suite struct FileStreamTests {
    static func readAll(_ stream: FileStream, pieceSize: Int = 5) -> [UInt8]? {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: pieceSize)
        while true {
            guard let count = buffer.withUnsafeMutableBytes({ stream.read(into: $0) }) else { return nil }
            if count == 0 { return bytes }
            bytes += buffer.prefix(count)
        }
    }

    @Test func aFileIsReadWholeInPieces() throws {
        let dir = TemporaryDirectory()
        let text = String(repeating: "certificates: {}\n", count: 100)
        let path = dir.write("a.yaml", text)
        let stream = try FileStream.open(path, limit: 1 << 20, followsSymlinks: false).get()
        #expect(stream.size == text.utf8.count)
        #expect(Self.readAll(stream, pieceSize: 7) == Array(text.utf8))
        #expect(stream.error == nil)
    }

    /// The digest of a streamed file is worked out on another thread, piece after piece; with
    /// many small pieces (more than may wait at once), it is still the digest of every byte in
    /// order, and the reader still gets every byte.
    @Test func aStreamedFileIsHashedInOrderOnAnotherThread() throws {
        let dir = TemporaryDirectory()
        // 48 reads of 4,093 bytes, each sending a piece, then 500 bytes left for `finish`.
        let bytes = (0..<48 * 4_093 + 500).map { UInt8(truncatingIfNeeded: ($0 &* 2_654_435_761) >> 7) }
        let path = dir.write("a.yaml", Data(bytes))
        let stream = try FileStream.open(path, limit: 1 << 20, followsSymlinks: false).get()
        var prefixed = SHA256()
        prefixed.update(data: Array("prefix".utf8))
        let hashing = ManifestLoader.HashingInput(prefixed, stream: stream, pieceSize: 1_000)
        var read: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4_093)
        while let count = buffer.withUnsafeMutableBytes({ hashing.read(into: $0) }), count > 0 { read += buffer.prefix(count) }
        #expect(read == bytes)
        #expect(Array(hashing.finish().finalize()) == Array(SHA256.hash(data: Array("prefix".utf8) + bytes)))
    }

    @Test func whatAWholeReadRefusesIsRefusedBeforeOpening() throws {
        let dir = TemporaryDirectory()
        let path = dir.write("a.yaml", "0123456789")
        #expect(symlink(path, dir.path + "/link.yaml") == 0)
        #expect(mkfifo(dir.path + "/fifo.yaml", 0o644) == 0)
        #expect(throws: FileReadError.notRegular(.symbolicLink)) { try FileStream.open(dir.path + "/link.yaml", limit: 100, followsSymlinks: false).get() }
        #expect(throws: FileReadError.notRegular(.fifo)) { try FileStream.open(dir.path + "/fifo.yaml", limit: 100, followsSymlinks: false).get() }
        #expect(throws: FileReadError.tooLarge(limit: 9)) { try FileStream.open(path, limit: 9, followsSymlinks: false).get() }
        #expect(throws: FileReadError.missing) { try FileStream.open(dir.path + "/none.yaml", limit: 100).get() }
        #expect(throws: FileReadError.notRegular(.directory)) { try FileStream.open(dir.path, limit: 100).get() }
        // A socket cannot even be opened: it must be named for what it is, before any open.
        let socket = dir.socket("s.yaml")
        #expect(throws: FileReadError.notRegular(.socket)) { try FileStream.open(socket, limit: 100, followsSymlinks: false).get() }
    }

    /// Grown or cut short after it was opened: the bytes read are not the file that was measured.
    @Test(arguments: [true, false])
    func aFileThatChangesWhileReadIsAnError(grows: Bool) throws {
        let dir = TemporaryDirectory()
        let path = dir.write("a.yaml", String(repeating: "x", count: 100))
        let stream = try FileStream.open(path, limit: 1 << 20, followsSymlinks: false).get()
        var buffer = [UInt8](repeating: 0, count: 10)
        #expect(buffer.withUnsafeMutableBytes { stream.read(into: $0) } == 10)
        let handle = try #require(FileHandle(forWritingAtPath: path))
        if grows {
            handle.seekToEndOfFile()
            handle.write(Data("more".utf8))
        } else {
            handle.truncateFile(atOffset: 50)
        }
        try handle.close()
        #expect(Self.readAll(stream) == nil)
        #expect(stream.error == .changedWhileRead)
        #expect(FileReadError.changedWhileRead.description == "changed while it was read; run again")
    }

    /// The one large manifest of a repository is streamed; a repository of one file must load as
    /// the same file read whole does — certificates, diagnostics and digest — also when it must
    /// be read again (a syntax error placed in the whole text, `defaults` after `certificates`,
    /// bytes that are not UTF-8).
    @Test(arguments: [
        "apiVersion: certform/v1\ndefaults: {product: ssl_dv_geotrust, dcv_method: email}\ncertificates:\n  a: {common_name: a.example.com, csr_file: a.csr}\n  b: {common_name: b.example.com, csr_file: b.csr, comments: é}\n",
        "apiVersion: certform/v1\ncertificates:\n  a: {common_name: a.example.com, csr_file: a.csr}\ndefaults: {product: ssl_dv_geotrust, dcv_method: email}\n",
        "apiVersion: certform/v1\ncertificates:\n  a: {common_name: a.example.com\n  b: x\n",
        "apiVersion: certform/v1\ncertificates:\n  a: {common_name: caf\u{E9}.example.com}\n",
    ])
    func aFileReadInPiecesLoadsAsTheWholeFile(_ text: String) throws {
        let dir = TemporaryDirectory()
        var bytes = Array(text.utf8)
        if let index = bytes.firstIndex(of: 0xC3), text.contains("caf") { bytes[index] = 0xE9; bytes.remove(at: index + 1) }
        _ = dir.write("manifests/one.yaml", Data(bytes))
        let loader = ManifestLoader(directory: dir.path + "/manifests", asOf: Kit.asOf, checksCSRs: false)
        let streamed = loader.check(loader.read(sideBySide: false)), whole = loader.check(loader.read(sideBySide: true))
        #expect(streamed.digest == whole.digest)
        #expect(streamed.certificates.map { "\($0)" } == whole.certificates.map { "\($0)" })
        #expect(streamed.diagnostics.map { "\($0)" } == whole.diagnostics.map { "\($0)" })
        #expect(!streamed.certificates.isEmpty || !streamed.diagnostics.isEmpty)
    }
}
