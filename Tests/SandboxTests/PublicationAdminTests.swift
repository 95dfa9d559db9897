import CertCentralAPI
import CertformTestSupport
import Foundation
import HTTPTypes
import JSON
@testable import Sandbox
import Testing

/// The admin API's DNS zone and web (`/_sandbox/dns`, `/_sandbox/http`): what DCV checks find.
@Suite struct PublicationAdminTests {
    @Test func dnsRecordsAreAddedListedAndRemoved() async throws {
        try await Harness.withSandbox { client in
            #expect(try await client.admin(.get, "dns").json == ["records": []])
            let added = try await client.admin(.post, "dns", json: ["name": "Shop.Example.COM.", "type": "txt", "value": " \"abc\" "])
            #expect(added.status == 201)
            #expect(added.json == ["records": [["name": "shop.example.com", "type": "TXT", "value": "abc"]]])
            let again = try await client.admin(.post, "dns", json: ["name": "shop.example.com", "type": "TXT", "value": "abc"])
            #expect(again.status == 200 && again.json?["records"]?.arrayValue?.count == 1)
            try await client.publishDNS("x1.shop.example.com", "CNAME", "dcv.digicert.com.")
            #expect(try await client.admin(.get, "dns").json?["records"]?.arrayValue?.last == ["name": "x1.shop.example.com", "type": "CNAME", "value": "dcv.digicert.com"])
            let removed = try await client.unpublishDNS("SHOP.example.com", "TXT", "\"abc\"")
            #expect(removed.status == 200 && removed.json?["removed"] == true)
            #expect(removed.json?["records"] == [["name": "x1.shop.example.com", "type": "CNAME", "value": "dcv.digicert.com"]])
            // Removing what is not there is not an error (a hook's cleanup may run twice).
            let gone = try await client.unpublishDNS("shop.example.com", "TXT", "abc")
            #expect(gone.status == 200 && gone.json?["removed"] == false && gone.json?["records"]?.arrayValue?.count == 1)
        }
    }

    static let badDNSBodies: [(String, JSONValue?, String?, String)] = [
        ("not JSON", nil, "{\"name\": ", "bad_request_format"),
        ("not an object", ["x"], nil, "bad_request_format"),
        ("no name", ["type": "TXT", "value": "v"], nil, "missing_field:name"),
        ("name not a string", ["name": 5, "type": "TXT", "value": "v"], nil, "invalid_value:name"),
        ("name with a space", ["name": "shop example.com", "type": "TXT", "value": "v"], nil, "invalid_value:name"),
        ("one label", ["name": "localhost", "type": "TXT", "value": "v"], nil, "invalid_value:name"),
        ("no type", ["name": "a.example.com", "value": "v"], nil, "missing_field:type"),
        ("type A", ["name": "a.example.com", "type": "A", "value": "192.0.2.1"], nil, "invalid_value:type"),
        ("no value", ["name": "a.example.com", "type": "TXT"], nil, "missing_field:value"),
        ("empty value", ["name": "a.example.com", "type": "TXT", "value": "  "], nil, "invalid_value:value"),
        ("CNAME to a non-name", ["name": "a.example.com", "type": "CNAME", "value": "not a name"], nil, "invalid_value:value"),
    ]

    @Test(arguments: badDNSBodies)
    func dnsBodiesAreValidated(_ label: String, body: JSONValue?, raw: String?, code: String) async throws {
        try await Harness.withSandbox { client in
            for method in [HTTPRequest.Method.post, .delete] {
                let reply = try await client.call(method, "/_sandbox/dns", json: body, raw: raw, key: nil)
                #expect(reply.status == 400 && reply.codes == [code], "\(label) \(method): \(reply.text)")
            }
            #expect(try await client.admin(.get, "dns").json == ["records": []])
        }
    }

    @Test func httpFilesArePutListedAndRemoved() async throws {
        try await Harness.withSandbox { client in
            let url = "http://shop.example.com/.well-known/pki-validation/fileauth.txt"
            let put = try await client.admin(.post, "http", json: ["url": "HTTP://Shop.Example.com.:80/.well-known/pki-validation/fileauth.txt", "content": "one"])
            #expect(put.status == 201 && put.json == ["files": [["url": .string(url), "content": "one"]]])
            let replaced = try await client.admin(.post, "http", json: ["url": .string(url), "content": "two"])
            #expect(replaced.status == 200 && replaced.json == ["files": [["url": .string(url), "content": "two"]]])
            #expect(try await client.admin(.get, "http").json == ["files": [["url": .string(url), "content": "two"]]])
            let removed = try await client.admin(.delete, "http", json: ["url": .string(url)])
            #expect(removed.status == 200 && removed.json == ["files": [], "removed": true])
            let gone = try await client.admin(.delete, "http", json: ["url": .string(url)])
            #expect(gone.status == 200 && gone.json == ["files": [], "removed": false])
        }
    }

    @Test func httpBodiesAreValidated() async throws {
        try await Harness.withSandbox { client in
            let cases: [(JSONValue, String)] = [
                (["content": "v"], "missing_field:url"),
                (["url": "https://shop.example.com/x", "content": "v"], "invalid_value:url"),
                (["url": "shop.example.com/x", "content": "v"], "invalid_value:url"),
                (["url": "http:///x", "content": "v"], "invalid_value:url"),
                (["url": "http://shop.example.com/x"], "missing_field:content"),
                (["url": "http://shop.example.com/x", "content": 7], "invalid_value:content"),
            ]
            for (body, code) in cases {
                let reply = try await client.admin(.post, "http", json: body)
                #expect(reply.status == 400 && reply.codes == [code], "\(body): \(reply.text)")
            }
            let delete = try await client.admin(.delete, "http", json: ["content": "v"])
            #expect(delete.status == 400 && delete.codes == ["missing_field:url"])
        }
    }

    /// Like the rest of the admin API, these routes answer loopback callers only.
    @Test func publicationRoutesRefuseAnUnknownCaller() async throws {
        try await Harness.withSandbox(setup: .router) { client in
            for (method, path) in [(HTTPRequest.Method.get, "dns"), (.post, "dns"), (.delete, "dns"), (.get, "http"), (.post, "http"),
                                   (.delete, "http"), (.get, "ca"), (.post, "orders/1/validate")] {
                let reply = try await client.admin(method, path, json: ["url": "http://a.example.com/"])
                #expect(reply.status == 403 && reply.codes == ["access_denied|loopback_only"], "\(path)")
            }
        }
    }
}
