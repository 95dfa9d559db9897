import CertCentralAPI
import CertformTestSupport
import Dates
import Foundation
import JSON
@testable import Sandbox
import Testing

/// What happens to orders outside the client (SPEC §8): approval, revocation; the per-route
/// request counters tests count with.
@Suite struct AdminOrderRoutesTests {
    @Test func needsApprovalWaitsForApproveThenIssuesAsPending() async throws {
        try await Harness.withSandbox { client in
            let id = try await client.order(Harness.with(Harness.minimal(), "skip_approval", nil))
            try await client.advance(days: 10)
            #expect(try await client.info(id)["status"] == "needs_approval")
            #expect(try await client.list("filters%5Bstatus%5D=needs_approval").json?["page"]?["total"] == 1)
            let approved = try await client.admin(.post, "orders/\(id)/approve")
            #expect(approved.status == 200, "\(approved.text)")
            #expect(approved.json?["status"] == "pending")
            // --issue-after 0: issued at the next read.
            #expect(try await client.info(id)["status"] == "issued")
            let again = try await client.admin(.post, "orders/\(id)/approve")
            #expect(again.status == 400 && again.codes == ["invalid_order_status"])
            #expect(try await client.admin(.post, "orders/424242/approve").codes == ["not_found|order"])
        }
    }

    @Test func approvedOrderWaitsForIssueAfter() async throws {
        try await Harness.withSandbox(Harness.configuration { $0.issueAfter = 3600 }) { client in
            let id = try await client.order(Harness.with(Harness.minimal(), "skip_approval", false))
            _ = try await client.admin(.post, "orders/\(id)/approve")
            #expect(try await client.info(id)["status"] == "pending")
            try await client.advance(days: 1)
            #expect(try await client.info(id)["status"] == "issued")
        }
    }

    @Test func revokeMarksTheOrderRevoked() async throws {
        try await Harness.withSandbox(Harness.configuration { $0.issueAfter = 3600 }) { client in
            let pending = try await client.order(Harness.minimal())
            let early = try await client.admin(.post, "orders/\(pending)/revoke")
            #expect(early.status == 400 && early.codes == ["invalid_order_status"])
            try await client.advance(days: 1)
            let revoked = try await client.admin(.post, "orders/\(pending)/revoke")
            #expect(revoked.status == 200 && revoked.json?["status"] == "revoked", "\(revoked.text)")
            #expect(try await client.info(pending)["status"] == "revoked")
            let listed = try await client.decodedList("filters%5Bstatus%5D=revoked")
            #expect(listed.orders.map(\.id) == [pending] && listed.orders.first?.status == .revoked)
            #expect(try await client.admin(.post, "orders/\(pending)/revoke").codes == ["invalid_order_status"])
            // A revoked order is not reissued.
            let reissue = try await client.call(.post, "/services/v2/order/certificate/\(pending)/reissue",
                                                json: ["certificate": ["common_name": "shop.example.com", "csr": .string(TestCSR.make(commonName: "shop.example.com"))]])
            #expect(reissue.codes == ["invalid_order_status"])
        }
    }

    /// The admin order routes are loopback only, like the rest of the admin API.
    @Test func adminOrderRoutesRefuseAnUnknownCaller() async throws {
        try await Harness.withSandbox(setup: .router) { client in
            for path in ["orders/1/approve", "orders/1/renew", "orders/1/revoke", "orders/seed"] {
                let reply = try await client.admin(.post, path, json: ["count": 1])
                #expect(reply.status == 403 && reply.codes == ["access_denied|loopback_only"], "\(path)")
            }
        }
    }

    @Test func statsCountRequestsByRouteAndKeepTheirKeys() async throws {
        try await Harness.withSandbox(Harness.configuration { $0.issueAfter = 0 }) { client in
            let id = try await client.order(Harness.minimal())
            _ = try await client.list()
            _ = try await client.list("limit=1")
            let info = try await client.info(id)
            _ = try await client.info(id)
            let certificateID = try #require(info["certificate"]?["id"]?.intValue)
            _ = try await client.call(.get, "/services/v2/certificate/\(certificateID)/download/format/pem_all")
            _ = try await client.call(.post, "/services/v2/order/certificate/\(id)/reissue",
                                      json: ["certificate": ["common_name": "shop.example.com", "csr": .string(TestCSR.make(commonName: "shop.example.com"))]])
            _ = try await client.list("limit=1", key: "wrong")  // refused before the route: not counted
            let stats = try await client.stats()
            #expect(stats["requests_by_route"] == ["list_orders": 2, "order_info": 2, "place_order": 1, "reissue": 1, "download": 1,
                                                   "dcv_random_value": 0, "check_dcv": 0, "dcv_method": 0])
            for key in ["requests", "orders_created", "reissues", "rate_limited", "faults_injected", "orders", "now"] {
                #expect(stats[key] != nil, "\(key)")
            }
            #expect(stats["requests"] == 8 && stats["orders_created"] == 1 && stats["reissues"] == 1)
        }
    }
}

extension Harness.Client {
    func list(_ query: String, key: String?) async throws -> Harness.Reply {
        try await call(.get, "/services/v2/order/certificate?" + query, key: key)
    }
}
