import CertCentralAPI
import CertformTestSupport
import Foundation
import JSON
@testable import States
import Testing

/// The file store writes a state by reusing the text of unchanged records; the bytes must be
/// exactly those of rendering the whole state afresh, whatever changed between writes.
@Suite struct StateFileRendererTests {
    static func record(_ order: Int, _ name: String) -> StateRecord { StateBackendTests.record(order, name) }

    @Test func theRenderedFileIsTheWholeStatePrettyPrinted() {
        let renderer = StateFileRenderer()
        var state = StateBackendTests.exampleState
        #expect(renderer.render(state) == Array(state.fileText.utf8))
        state.extra["zz_unknown"] = ["kept": true]
        state.extra["aa_unknown"] = "also kept"
        #expect(renderer.render(state) == Array(state.fileText.utf8))
    }

    @Test func everyKindOfChangeBetweenWritesIsWritten() {
        let renderer = StateFileRenderer()
        var state = State()
        #expect(renderer.render(state) == Array(state.fileText.utf8), "no certificates")
        for index in 0..<50 { state.certificates["c\(index)"] = Self.record(index + 1, "c\(index)") }
        state.serial = 4
        #expect(renderer.render(state) == Array(state.fileText.utf8))
        state.certificates["c7"]?.status = .revoked                      // a record changed
        state.certificates["c8"]?.extra["renewed_outside"] = true        // an unknown field added
        state.certificates.removeValue(forKey: "c9")                     // a record left
        state.certificates["a-new"] = Self.record(99, "a-new")           // one arrived, sorting first
        state.certificates["é-unicode"] = Self.record(100, "e")          // sorted by UTF-8 bytes
        state.intents = [Intent(id: "i1", name: "c3", action: .renew, createdAt: "2026-11-29T00:00:00Z", requestDigest: "sha256:x",
                                commonName: "c3.example.com", product: .sslDVGeoTrust, extra: [:])]
        state.serial = 5
        #expect(renderer.render(state) == Array(state.fileText.utf8))
        state.certificates.removeValue(forKey: "c10")                    // as many names, but another set
        state.certificates["zz-last"] = Self.record(101, "zz-last")
        #expect(renderer.render(state) == Array(state.fileText.utf8))
        state.certificates = [:]
        #expect(renderer.render(state) == Array(state.fileText.utf8), "all records gone")
    }

    @Test func aSavedFileReadsBackAsTheSameState() async throws {
        let directory = TemporaryDirectory()
        let store = StateStore(path: directory.path + "/orders.json")
        var state = State()
        for index in 0..<20 { state.certificates["c\(index)"] = Self.record(index + 1, "c\(index)") }
        state = try await store.save(state)
        state.certificates["c3"]?.status = .expired
        state = try await store.save(state)
        let read = try store.read()
        #expect(read == state)
        #expect(try String(contentsOfFile: directory.path + "/orders.json", encoding: .utf8) == state.fileText)
    }
}
