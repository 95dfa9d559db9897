import CertCentralAPI
@testable import CertCentral
import Foundation
import JSON
import Testing

/// The literal JSON examples of certcentral-api.md decode into the wire types.
@Suite struct DecodingTests {
    @Test func orderInfoFixture() throws {
        let json = """
        {"id": 123456789, "certificate": {"id": 112358, "thumbprint": "7D236B54D19D5EACF0881FAF24D51DFE5D23E945",
          "serial_number": "0669D46CAE79EF684A69777490602485", "common_name": "digicert.com", "dns_names": ["digicert.com"],
          "date_created": "2014-08-19T18:16:07+00:00", "valid_from": "2014-08-19", "valid_till": "2015-08-19",
          "csr": "------ [CSR HERE] ------", "organization": {"id": 117483}, "organization_units": ["Digicert"],
          "server_platform": {"id": 45, "name": "nginx", "install_url": "https://www.digicert.com/ssl-certificate-installation-nginx.htm",
            "csr_url": "https://www.digicert.com/csr-creation-nginx.htm"},
          "signature_hash": "sha256", "key_size": 2048, "ca_cert": {"id": "f7slk4shv9s2wr3", "name": "DCert Private CA"}},
         "status": "approved", "is_renewal": true, "is_renewed": false, "renewed_order_id": 0,
         "date_created": "2014-08-19T18:16:07+00:00", "disable_renewal_notifications": false,
         "container": {"id": 5, "name": "College of Science"},
         "product": {"name_id": "ssl_plus", "name": "SSL Plus", "type": "ssl_certificate", "validation_type": "ov",
           "validation_name": "OV", "validation_description": "Normal Organization Validation"},
         "requests": [{"id": 1, "date": "2015-01-01T18:20:00+00:00", "type": "new_request", "status": "approved", "comments": "Form autofill"}],
         "payment_method": "balance"}
        """
        let info = try JSONDecoder().decode(OrderInfo.self, from: Data(json.utf8))
        #expect(info.id == 123456789)
        #expect(info.status == .approved)  // kept as written, though certform knows it only as in progress
        #expect(info.certificate.thumbprint == "7D236B54D19D5EACF0881FAF24D51DFE5D23E945")
        #expect(info.certificate.validTill == "2015-08-19")
        #expect(info.certificate.serverPlatform?.id == 45)
        #expect(info.isRenewal == true && info.isRenewed == false)
        #expect(info.product?.nameID == "ssl_plus")
        #expect(info.orderValidTill == nil)
    }

    @Test func needsApprovalExampleWithoutIssuedFields() throws {
        let json = """
        {"id":123456,"certificate":{"common_name":"example.com","dns_names":["example2.com","example3.com"," "],
         "date_created":"2018-10-16T20:05:28+00:00","csr":"<csr>","organization":{"id":112233},
         "organization_units":["Not Fake Company Inc."],"server_platform":{"id":-1,"name":"OTHER"},
         "signature_hash":"sha256","key_size":2048,"ca_cert":{"id":"<cert_id>","name":"DigiCert SHA2 Secure Server CA"}},
         "status":"needs_approval"}
        """
        let info = try JSONDecoder().decode(OrderInfo.self, from: Data(json.utf8))
        #expect(info.status == .needsApproval)
        #expect(info.certificate.thumbprint == nil && info.certificate.validTill == nil)
        #expect(info.certificate.dnsNames == ["example2.com", "example3.com"])  // blanks dropped
    }

    @Test func listOrdersWithOrganizationAsAnEmptyArray() throws {
        let json = """
        {"orders": [
          {"id": 123456, "certificate": {"id": 104, "common_name": "example.com", "dns_names": ["example2.com", "example3.com"], "signature_hash": "sha256"},
           "status": "pending", "is_renewed": false, "date_created": "2018-10-16T17:29:56+00:00",
           "organization": {"id": 112233, "name": "Epigyne Unwieldiness llc"}, "validity_years": 1, "disable_renewal_notifications": false,
           "container": {"id": 14, "name": "DigiCert Inc."}, "product": {"name_id": "ssl_plus", "name": "Standard SSL", "type": "ssl_certificate"},
           "has_duplicates": false, "product_name_id": "ssl_plus"},
          {"id": 123457, "certificate": {"id": 105, "common_name": "example.org", "dns_names": ["sub.example.org"],
            "valid_till": "2020-04-30", "days_remaining": 289, "signature_hash": "sha256"},
           "status": "issued", "is_renewed": false, "date_created": "2019-04-30T18:02:50+00:00",
           "organization": [], "validity_years": 1, "container": {"id": 14, "name": "CertCentral"},
           "product": {"name_id": "ssl_dv_geotrust", "name": "GeoTrust Standard DV", "type": "dv_ssl_certificate"},
           "has_duplicates": false, "product_name_id": "ssl_dv_geotrust"}
        ],
        "page": {"total": 31, "limit": 0, "offset": 0}}
        """
        let list = try JSONDecoder().decode(ListOrdersResponse.self, from: Data(json.utf8))
        #expect(list.orders.map(\.id) == [123456, 123457])
        #expect(list.orders[1].certificate.validTill == "2020-04-30")
        #expect(list.orders[1].product?.nameID == "ssl_dv_geotrust")
        #expect(list.page.total == 31)
    }

    @Test func emptyListWithoutOrders() throws {
        let list = try JSONDecoder().decode(ListOrdersResponse.self, from: Data(#"{"page":{"total":0,"limit":1,"offset":0}}"#.utf8))
        #expect(list.orders.isEmpty && list.page.total == 0)
    }

    @Test func theRecorded403Body() throws {
        let body = #"{"errors":[{"code":"access_denied|access_denied_invalid_key","message":"Access denied due to access_denied_invalid_key."}]}"#
        let decoded = try JSONDecoder().decode(ErrorResponse.self, from: Data(body.utf8))
        #expect(decoded.errors.first?.kind == "access_denied")
        #expect(decoded.errors.first?.code == "access_denied|access_denied_invalid_key")
    }

    @Test func errorsAsAnObjectAreTolerated() throws {
        let decoded = try JSONDecoder().decode(ErrorResponse.self, from: Data(#"{"errors":{"code":"not_found|order","message":"Not found"}}"#.utf8))
        #expect(decoded.errors.map(\.kind) == ["not_found"])
    }

    @Test func createdAndReissueShapes() throws {
        let created = try JSONDecoder().decode(OrderCreated.self, from: Data(#"{"id": 6484932, "certificate_id": 6079436, "dcv_random_value": "icru1984rnekfj"}"#.utf8))
        #expect(created == OrderCreated(id: 6484932, certificateID: 6079436, dcvRandomValue: "icru1984rnekfj"))
        let reissue = try JSONDecoder().decode(ReissueResponse.self, from: Data(#"{"id": 1, "requests": [{"id": 2, "status": "pending"}]}"#.utf8))
        #expect(reissue.requests.first?.status == "pending")
    }
}

@Suite struct RequestRateLimiterTests {
    @Test func reservationsNeverExceedAnyWindow() async {
        let limiter = RequestRateLimiter(limits: [RateLimit(count: 5, seconds: 1), RateLimit(count: 8, seconds: 10)], margin: 0)
        var times: [Double] = []
        for _ in 0..<20 { times.append(await limiter.reserve(at: 0)) }
        for (index, time) in times.enumerated() {
            #expect(times[..<index].filter { $0 > time - 1 }.count < 5)
            #expect(times[..<index].filter { $0 > time - 10 }.count < 8)
        }
        #expect(times[4] == 0 && times[5] > 1)
        #expect(times[8] > 10)
    }

    /// certcentral-api.md §10: the documented price list, including a product certform does not
    /// order and one that charges per extra name.
    @Test func pricingExample() throws {
        let json = """
        {"standard_prices": [{"group_name": "ssl_certificate", "name_id": "ssl_plus", "name": "Standard SSL",
          "prices": [{"lifetime": 1, "cost": 198, "currency": "usd"}, {"lifetime": 2, "cost": 376, "currency": "usd"}]},
          {"name_id": "ssl_multi_domain", "prices": [{"lifetime": 1, "cost": 358, "additional_name_cost": 135, "currency": "usd"}]}]}
        """
        let list = try JSONValueDecoder().decode(PricingResponse.self, from: Array(json.utf8))
        #expect(list.standardPrices.map(\.nameID) == ["ssl_plus", "ssl_multi_domain"])
        #expect(list.standardPrices[1].prices[0] == Price(lifetime: 1, cost: 358, additionalNameCost: 135, currency: "usd"))
        #expect(try JSONValueDecoder().decode(PricingResponse.self, from: Array("{}".utf8)).standardPrices.isEmpty)
    }
}
