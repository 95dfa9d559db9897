import CertCentralAPI
import CertformTestSupport
import Dates
import Foundation
import JSON
@testable import States
import Testing

@Suite struct StateStoreTests {
    static let sample = """
    {
      "certificates": {
        "example-com": {
          "certificate_id": 6079436,
          "common_name": "example.com",
          "dcv_method": "dns-txt-token",
          "dcv_random_value": "icru1984rnekfj",
          "dns_names": [
            "log.example.com",
            "sub.example.com"
          ],
          "history": [
            {
              "ended": "renewed",
              "order_id": 6400001,
              "thumbprint": "AA",
              "valid_till": "2026-11-20",
              "x-note": "kept"
            }
          ],
          "order_id": 6484932,
          "order_valid_till": "2027-11-29",
          "ordered_at": "2026-11-29T03:00:00Z",
          "product": "ssl_dv_geotrust",
          "renewal_of_order_id": 6400001,
          "serial_number": "0669D46CAE79EF684A69777490602485",
          "spec_digest": "sha256:abc",
          "status": "issued",
          "team": {
            "owner": "platform"
          },
          "thumbprint": "7D236B54D19D5EACF0881FAF24D51DFE5D23E945",
          "valid_from": "2026-11-29",
          "valid_till": "2027-06-16"
        }
      },
      "format_version": 1,
      "intents": [],
      "lineage": "6f1c0c2e-5b7d-4a39-9d1e-2f8a7c4b3e10",
      "serial": 12,
      "x-owner": "team-a"
    }

    """

    @Test func roundTripKeepsUnknownFieldsAndKeyOrder() async throws {
        let dir = TemporaryDirectory()
        let path = dir.write("state/orders.json", Self.sample)
        let store = StateStore(path: path)
        let state = try await store.load()
        #expect(state.serial == 12)
        let record = try #require(state.certificates["example-com"])
        #expect(record.validTill == CalendarDate("2027-06-16"))
        #expect(record.extra["team"] == ["owner": "platform"])
        #expect(state.extra["x-owner"] == "team-a")
        // Rewriting without changes reproduces the file byte for byte.
        #expect(state.fileText == Self.sample)
        let saved = try await store.save(state)
        #expect(saved.serial == 13)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text == Self.sample.replacingOccurrences(of: "\"serial\": 12", with: "\"serial\": 13"))
    }

    /// A state is read a piece at a time (256 KiB), one record at a time: a file of many pieces,
    /// whose records hold the characters that end members and strings inside their strings,
    /// reads back as the state written, and is written back byte for byte.
    @Test func aStateOfManyPiecesReadsBackAsWritten() async throws {
        var state = State()
        for order in 1...1500 {
            var record = StateBackendTests.record(order, "c\(order)")
            record.extra["x-note"] = .string("}{,]\"\\ \u{E9} \(order) \n")
            record.extra["x-list"] = .array([.object(["k": .string("},")]), .int(order)])
            state.certificates["c\(order)"] = record
        }
        let dir = TemporaryDirectory()
        let store = StateStore(path: dir.path + "/state/orders.json")
        let written = try await store.save(state)
        let text = try String(contentsOfFile: store.path, encoding: .utf8)
        #expect(text.utf8.count > 3 << 18)
        let read = try await store.load()
        #expect(read == written)
        #expect(read.fileText == text)
        // Read in pieces, not declined and read again whole (which would give the same state).
        let bytes = Array(text.utf8)
        var offset = 0, members = 0
        let skeleton = JSONParser.parse(reading: { buffer in
            let count = min(buffer.count, bytes.count - offset)
            buffer.copyBytes(from: bytes[offset..<offset + count])
            offset += count
            return count
        }, streaming: "certificates", member: { _, _ in members += 1 })
        #expect(skeleton?["certificates"] == .object([:]) && members == 1500)
    }

    @Test func missingFileIsTheEmptyStateAndTheFirstSaveSetsALineage() async throws {
        let dir = TemporaryDirectory()
        let store = StateStore(path: dir.path + "/state/orders.json")
        let empty = try await store.load()
        #expect(empty.certificates.isEmpty && empty.lineage == nil && empty.serial == 0)
        let saved = try await store.save(empty)
        #expect(saved.serial == 1)
        let lineage = try #require(saved.lineage)
        let again = try await store.save(try await store.load())
        #expect(again.lineage == lineage && again.serial == 2)
        let text = try String(contentsOfFile: store.path, encoding: .utf8)
        #expect(text.hasSuffix("}\n"))
        #expect(text.contains("\n  \"format_version\": 1,\n"))
    }

    @Test(arguments: [
        ("{\"format_version\": 1, \"lineage\": \"x\", \"serial\": 1, \"certificates\": {\"a\": {\"order_id\": 1}}", "invalid JSON at line 1, column"),
        ("not json", "invalid JSON at line 1, column 1"),
        ("[]", "the state must be a JSON object, found an array"),
        ("{\"format_version\": 2, \"lineage\": \"x\", \"serial\": 1}", "format_version 2 is not one this certform reads (it reads 1)"),
        ("{\"lineage\": \"x\", \"serial\": 1}", "format_version is missing"),
        // The next write adds one: a serial at Int.max would trap every writer.
        ("{\"format_version\": 1, \"lineage\": \"x\", \"serial\": 9223372036854775807}", "serial must be an integer from 0 to 9007199254740991"),
        ("{\"format_version\": 1, \"lineage\": \"x\", \"serial\": -1}", "serial must be an integer from 0 to 9007199254740991"),
        ("{\"format_version\": 1, \"lineage\": \"x\", \"serial\": 1, \"certificates\": {\"a\": {\"order_id\": \"7\"}}}", "certificates.a.order_id must be an integer, found a string"),
        ("{\"format_version\": 1, \"lineage\": \"x\", \"serial\": 1, \"certificates\": {\"a\": {\"order_id\": 7, \"product\": \"ssl_dv_geotrust\", \"common_name\": \"c\", \"status\": \"issued\", \"valid_till\": \"16/06/2027\"}}}", "certificates.a.valid_till '16/06/2027' is not a yyyy-MM-dd date"),
        ("{\"format_version\": 1, \"lineage\": \"x\", \"serial\": 1, \"certificates\": {\"a\": {\"order_id\": 7, \"product\": \"ev_ssl\", \"common_name\": \"c\", \"status\": \"issued\"}}}", "certificates.a.product 'ev_ssl' is not one of the DV products"),
        ("{\"format_version\": 1, \"lineage\": \"x\", \"serial\": 1, \"certificates\": {}, \"intents\": [{\"id\": \"i\", \"name\": \"a\", \"action\": \"orphan\", \"created_at\": \"2026-11-29T00:00:00Z\", \"request_digest\": \"sha256:x\", \"common_name\": \"c\", \"product\": \"ssl_dv_geotrust\"}]}", "intents[0].action 'orphan' is not create, renew or reissue"),
        ("{\"format_version\": 1, \"lineage\": \"x\", \"serial\": 1, \"intents\": [{\"id\": 1}]}", "intents[0].id must be a string"),
        // Records are decoded while parsing, before format_version (which sorts after
        // "certificates") is read; a newer file is still refused for its version.
        ("{\"certificates\": {\"a\": {\"order_id\": \"7\"}}, \"format_version\": 2, \"lineage\": \"x\", \"serial\": 1}", "format_version 2 is not one this certform reads (it reads 1)"),
        // Records read straight from their text (plain) are refused as the others are: a bad
        // name; a later record's error after a good one; a syntax error after a bad name.
        ("{\"format_version\": 1, \"lineage\": \"x\", \"serial\": 1, \"certificates\": {\"A B\": {\"order_id\": 7, \"product\": \"ssl_dv_geotrust\", \"common_name\": \"c\", \"status\": \"issued\"}}}", "holds the name 'A B', which is not a certificate name"),
        ("{\"format_version\": 1, \"lineage\": \"x\", \"serial\": 1, \"certificates\": {\"a\": {\"order_id\": 7, \"product\": \"ssl_dv_geotrust\", \"common_name\": \"c\", \"status\": \"issued\"}, \"b\": {\"order_id\": 8, \"product\": \"ssl_dv_geotrust\", \"common_name\": \"c\", \"status\": 3}}}", "certificates.b.status must be a string, found a number"),
        ("{\"format_version\": 1, \"lineage\": \"x\", \"serial\": 1, \"certificates\": {\"A B\": {\"order_id\": 7, \"product\": \"ssl_dv_geotrust\", \"common_name\": \"c\", \"status\": \"issued\"}, \"b\": {\"order_id\": 8,,}}}", "invalid JSON at line 1, column"),
    ])
    func corruptStateIsAClearErrorAndIsNeverOverwritten(text: String, fragment: String) async throws {
        let dir = TemporaryDirectory()
        let path = dir.write("orders.json", text)
        let store = StateStore(path: path)
        do {
            _ = try await store.load()
            Issue.record("expected an error")
        } catch {
            #expect(error.description.contains(fragment), "\(error)")
            #expect(error.description.contains(path))
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == text)
    }

    /// A serial at the largest a state may hold reads, but is not written on: the next write
    /// would make the state unreadable, and apply writes an intent before it sends anything.
    @Test func aStateAtTheLargestSerialIsNotWrittenOn() async throws {
        let dir = TemporaryDirectory()
        let text = "{\"format_version\": 1, \"lineage\": \"x\", \"serial\": 9007199254740991}"
        let path = dir.write("orders.json", text)
        let store = StateStore(path: path)
        let state = try await store.load()
        #expect(state.serial == State.maxSerial)
        do {
            _ = try await store.save(state)
            Issue.record("expected the write to be refused")
        } catch {
            #expect(error.description.contains("its serial 9007199254740991 is the largest a state may hold"), "\(error)")
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == text)
        let below = StateStore(path: dir.write("below.json", text.replacingOccurrences(of: "740991", with: "740990")))
        #expect(try await below.save(try await below.load()).serial == State.maxSerial)
    }

    @Test func unwritableDirectoryLeavesTheStateIntact() async throws {
        let dir = TemporaryDirectory()
        let path = dir.write("state/orders.json", Self.sample)
        let store = StateStore(path: path)
        let state = try await store.load()
        // A directory that cannot take the temporary file: replace it by a path under a regular file.
        let blocked = StateStore(path: dir.write("not-a-dir", "x") + "/orders.json")
        await #expect(throws: StateError.self) { try await blocked.save(state) }
        if geteuid() != 0 {
            chmod(dir.path + "/state", 0o555)
            defer { chmod(dir.path + "/state", 0o755) }
            await #expect(throws: StateError.self) { try await store.save(state) }
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == Self.sample)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir.path + "/state")
        #expect(leftovers == ["orders.json"])
    }

    @Test func lockIsExclusiveAndNamesItsHolder() async throws {
        let dir = TemporaryDirectory()
        let path = dir.path + "/orders.json"
        let first = try await StateLock.acquire(statePath: path, operation: "apply")
        // flock conflicts between open file descriptions, so a second acquire in this process
        // behaves as another process would.
        do {
            _ = try await StateLock.acquire(statePath: path, operation: "state forget", timeout: 0.2)
            Issue.record("the second writer must not get the lock")
        } catch {
            guard case .locked(_, let holder) = error else { Issue.record("\(error)"); return }
            #expect(holder.contains("apply (lock \(first.info.id)) by "))
            #expect(holder.contains("pid \(getpid())"))
        }
        await first.release()
        let second = try await StateLock.acquire(statePath: path, operation: "state forget")
        #expect(StateLock.holder(atPath: StateLock.lockPath(forState: path))?.operation == "state forget")
        await second.release()
    }

    @Test func lockWaitsUpToTheTimeout() async throws {
        let dir = TemporaryDirectory()
        let path = dir.path + "/orders.json"
        let first = try await StateLock.acquire(statePath: path, operation: "apply")
        // A thread of its own, so that the release does not wait for the busy concurrency pool.
        Thread.detachNewThread {
            usleep(300_000)
            first.release()
        }
        let second = try await StateLock.acquire(statePath: path, operation: "refresh", timeout: 5)
        #expect(second.info.operation == "refresh")
    }

    @Test func ciRunURLIsPartOfTheHolder() async {
        let info = LockInfo(id: "l-1", operation: "apply", who: "ci@runner", pid: 42, since: "2026-11-29T03:00:00Z",
                            ciURL: "https://github.com/acme/certs/actions/runs/99")
        #expect(info.summary == "apply (lock l-1) by ci@runner, pid 42, since 2026-11-29T03:00:00Z, https://github.com/acme/certs/actions/runs/99")
        #expect(LockInfo(json: info.json) == info)
    }

    /// A pull request can commit a lock file: a pid out of range is read as 0, not trapped on.
    @Test func aLockFileWithAnImpossiblePidStillReads() throws {
        for pid in [99_999_999_999, -99_999_999_999, Int.max] {
            let info = try #require(LockInfo(json: ["id": "x", "operation": "apply", "pid": .int(pid)]))
            #expect(info.pid == 0)
        }
    }
}

@Suite struct ShippedStateGoldenTests {
    /// The example state in the repository is itself a golden file: reading and rewriting it must
    /// reproduce it byte for byte (sorted keys, two-space indent, nulls kept, trailing newline).
    @Test func exampleStateRoundTripsByteForByte() async throws {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        let path = url.path + "/state/orders.json"
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let state = try await StateStore(path: path).load()
        #expect(state.certificates.count == 7)
        #expect(state.fileText == text)
    }
}
