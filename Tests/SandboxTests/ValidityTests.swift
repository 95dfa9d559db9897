import CertCentralAPI
import Dates
import Foundation
import JSON
@testable import Sandbox
import Testing

/// Validity as CertCentral takes it today (reference §8): an order lasts at most three years,
/// given by the root fields or by `order_validity`, never by both; certificates last at most
/// `--cert-validity-days`.
@Suite struct ValidityTests {
    /// A body for the case, with today's date on the sandbox clock.
    typealias Body = @Sendable (CalendarDate) -> JSONValue

    static func root(_ fields: [String: JSONValue]) -> Body {
        { _ in
            var body = Harness.with(Harness.minimal(), "validity_years", nil)
            for (key, value) in fields { body = Harness.with(body, key, value) }
            return body
        }
    }

    static func nested(_ validity: JSONValue, root extra: [String: JSONValue] = [:]) -> Body {
        { _ in
            var body = Harness.with(Harness.with(Harness.minimal(), "validity_years", nil), "order_validity", validity)
            for (key, value) in extra { body = Harness.with(body, key, value) }
            return body
        }
    }

    static func rootDate(years: Int, days: Int) -> Body {
        { today in Harness.with(Harness.with(Harness.minimal(), "validity_years", nil), "custom_expiration_date",
                                .string(Harness.date(today, years: years, days: days).description)) }
    }

    static func nestedDate(years: Int, days: Int) -> Body {
        { today in Harness.with(Harness.with(Harness.minimal(), "validity_years", nil), "order_validity",
                                ["custom_expiration_date": .string(Harness.date(today, years: years, days: days).description)]) }
    }

    /// (what, the body, the error codes: none when the order is accepted)
    static let cases: [(String, Body, [String])] = [
        ("validity_years 1", root(["validity_years": 1]), []),
        ("validity_years 3", root(["validity_years": 3]), []),
        ("validity_years 4", root(["validity_years": 4]), ["invalid_value:validity_years"]),
        ("validity_years 0", root(["validity_years": 0]), ["invalid_value:validity_years"]),
        ("validity_days 1095", root(["validity_days": 1095]), []),
        ("validity_days 1096", root(["validity_days": 1096]), ["invalid_value:validity_days"]),
        ("custom date three years ahead", rootDate(years: 3, days: 0), []),
        ("custom date a day more", rootDate(years: 3, days: 1), ["invalid_value:custom_expiration_date"]),
        ("custom date today", rootDate(years: 0, days: 0), ["invalid_value:custom_expiration_date"]),
        ("root fields together (precedence)", root(["validity_years": 1, "validity_days": 30]), []),
        ("order_validity years 3", nested(["years": 3]), []),
        ("order_validity years 4", nested(["years": 4]), ["invalid_value:order_validity.years"]),
        ("order_validity days 1095", nested(["days": 1095]), []),
        ("order_validity days 1096", nested(["days": 1096]), ["invalid_value:order_validity.days"]),
        ("order_validity date three years ahead", nestedDate(years: 3, days: 0), []),
        ("order_validity date a day more", nestedDate(years: 3, days: 1), ["invalid_value:order_validity.custom_expiration_date"]),
        ("order_validity empty", nested([:]), ["missing_field:order_validity.years"]),
        ("order_validity years a string", nested(["years": "3"]), ["invalid_value:order_validity.years"]),
        ("order_validity with validity_years", nested(["years": 1], root: ["validity_years": 1]), ["invalid_value:order_validity"]),
        ("order_validity with validity_days", nested(["days": 30], root: ["validity_days": 30]), ["invalid_value:order_validity"]),
        ("order_validity with an empty custom date", nested(["years": 2], root: ["custom_expiration_date": ""]), []),
        ("no validity at all", root([:]), ["missing_field:validity_years"]),
    ]

    @Test(arguments: cases)
    func validityRules(label: String, body: Body, codes: [String]) async throws {
        try await Harness.withSandbox { client in
            let reply = try await client.call(.post, "/services/v2/order/certificate/ssl_dv_geotrust", json: body(await client.today()))
            if codes.isEmpty {
                #expect(reply.status == 201, "\(label): \(reply.text)")
            } else {
                #expect(reply.status == 400, "\(label): \(reply.text)")
                #expect(reply.codes == codes, "\(label): \(reply.text)")
            }
        }
    }

    /// (the body, the order's end from today)
    static let terms: [(String, Body, @Sendable (CalendarDate) -> CalendarDate)] = [
        ("validity_years 3", root(["validity_years": 3]), { Harness.date($0, years: 3) }),
        ("validity_days 1095", root(["validity_days": 1095]), { $0.adding(days: 1095) }),
        ("days win over years", root(["validity_years": 3, "validity_days": 30]), { $0.adding(days: 30) }),
        ("custom date", rootDate(years: 2, days: 5), { Harness.date($0, years: 2, days: 5) }),
        ("order_validity years", nested(["years": 2]), { Harness.date($0, years: 2) }),
        ("order_validity days", nested(["days": 400]), { $0.adding(days: 400) }),
        ("order_validity date", nestedDate(years: 1, days: 10), { Harness.date($0, years: 1, days: 10) }),
    ]

    /// The order ends where its term says; its certificate lasts at most `--cert-validity-days`.
    @Test(arguments: terms)
    func termSetsTheOrderEndAndTheCertificateStaysCapped(label: String, body: Body, end: @Sendable (CalendarDate) -> CalendarDate) async throws {
        try await Harness.withSandbox { client in
            let today = await client.today()
            let info = try await client.decodedInfo(try await client.order(body(today)))
            #expect(info.orderValidTill == end(today).description, "\(label)")
            let validTill = try #require(info.certificate.validTill.flatMap(CalendarDate.init))
            #expect(validTill == min(end(today), today.adding(days: 199)), "\(label)")
        }
    }
}
