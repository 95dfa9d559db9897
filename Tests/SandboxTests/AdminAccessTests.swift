import CertformTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import JSON
import NIOCore
@testable import Sandbox
import Testing

/// Who the admin API answers (SPEC §8): loopback callers whose address is known, never a browser.
@Suite struct AdminAccessTests {
    @Test func loopbackCallerIsAnswered() async throws {
        try await Harness.withSandbox { client in
            let stats = try await client.call(.get, "/_sandbox/stats", key: nil)
            #expect(stats.status == 200, "\(stats.text)")
        }
    }

    /// A web page can make a browser send requests to a loopback port; the browser adds `Origin`.
    /// Such a request is refused before its handler runs: the clock and the faults do not change.
    @Test func requestWithABrowserOriginIsRefusedAndNotActedOn() async throws {
        try await Harness.withSandbox { client in
            var origin = HTTPFields()
            origin[.origin] = "https://evil.example"
            let moved = try await client.call(.post, "/_sandbox/clock", json: ["advance_days": 30], key: nil, headers: origin)
            #expect(moved.status == 403)
            #expect(moved.codes == ["access_denied|browser_origin"])
            let faults = try await client.call(.post, "/_sandbox/faults", json: ["fail_rate": 1], key: nil, headers: origin)
            #expect(faults.status == 403)
            #expect(try await client.call(.get, "/_sandbox/orders", key: nil, headers: origin).status == 403)
            #expect(await client.store.clockOffset == 0)
            #expect(await client.store.faults.failRate == 0)
            // The same request without the header is answered.
            #expect(try await client.call(.post, "/_sandbox/clock", json: ["advance_days": 30], key: nil).status == 200)
            #expect(await client.store.clockOffset == 30 * 86400)
        }
    }

    /// In process (`.router`) the request has no peer address: an unknown caller is refused.
    @Test func callerWithUnknownAddressIsRefused() async throws {
        try await Harness.withSandbox(setup: .router) { client in
            let stats = try await client.call(.get, "/_sandbox/stats", key: nil)
            #expect(stats.status == 403)
            #expect(stats.codes == ["access_denied|loopback_only"])
            let clock = try await client.call(.post, "/_sandbox/clock", json: ["advance_days": 30], key: nil)
            #expect(clock.status == 403)
        }
    }

    @Test(arguments: [
        ("127.0.0.1", true), ("127.8.9.10", true), ("::1", true), ("::ffff:127.0.0.1", true),
        ("10.0.0.1", false), ("0.0.0.0", false), ("128.0.0.1", false), ("::", false), ("::2", false),
        ("::ffff:10.0.0.1", false), ("2001:db8::1", false), ("fe80::1", false),
    ])
    func loopbackAddresses(address: String, isLoopback: Bool) throws {
        let socket = try SocketAddress(ipAddress: address, port: 443)
        #expect(LoopbackOnlyMiddleware.isLoopback(socket) == isLoopback)
    }

    @Test func unixSocketPeerIsNotLoopback() throws {
        let socket = try SocketAddress(unixDomainSocketPath: "/tmp/sandbox.sock")
        #expect(!LoopbackOnlyMiddleware.isLoopback(socket))
    }

    /// `--data` holds the sandbox CA's private key: a new file is created with mode 0600.
    @Test func dataFileIsWrittenWithMode0600() async throws {
        let dir = TemporaryDirectory()
        let path = dir.path + "/sandbox.json"
        let configuration = Harness.configuration { $0.dataPath = path }
        try await Harness.withSandbox(configuration) { client in
            _ = try await client.order(Harness.minimal())
        }
        var info = stat()
        #expect(stat(path, &info) == 0)
        #expect(info.st_mode & 0o777 == 0o600)
    }
}
