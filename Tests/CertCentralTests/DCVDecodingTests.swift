import CertCentralAPI
import Foundation
import JSON
import Testing

/// The DCV endpoints' documented answers (certcentral-api.md §7), as DigiCert's pages print
/// them — not as the sandbox writes them — decode into the wire types.
@Suite struct DCVDecodingTests {
    @Test func checkDCVSuccessAsDocumented() throws {
        let json = #"{"order_status":"issued","certificate_id":249043544,"dcv_status":"valid","dns_name_validations":[{"dns_name":"example.com","status":"approved"}]}"#
        let result = try JSONValueDecoder().decode(DCVCheckResult.self, from: Array(json.utf8))
        #expect(result.orderStatus == .issued && result.certificateID == 249043544 && result.dcvStatus == "valid")
        #expect(result.dnsNameValidations == [DCVCheckResult.NameValidation(dnsName: "example.com", status: "approved")])
    }

    @Test func checkDCVOlderExampleWithoutNameValidations() throws {
        let json = #"{"order_status":"pending","certificate_id":113,"dcv_status":"valid"}"#
        let result = try JSONValueDecoder().decode(DCVCheckResult.self, from: Array(json.utf8))
        #expect(result.orderStatus == .pending && result.dnsNameValidations == nil)
    }

    @Test func checkDCVRefusalsAreCertCentralErrors() throws {
        let json = #"{"errors":[{"code":"invalid_dns_txt","message":"Could not find a valid TXT record for one or more domains."}]}"#
        let errors = try JSONValueDecoder().decode(ErrorResponse.self, from: Array(json.utf8)).errors
        #expect(errors.first?.kind == DCVCheckError.invalidDNSTXT)
    }

    @Test func dcvRandomValueAsDocumented() throws {
        let json = #"{"dcv_random_value":"9vr4qtxdc0fdt0z7c4g1cj5rj62z7gkd","expiration_date":"2024-05-31T19:00:59Z"}"#
        let value = try JSONValueDecoder().decode(DCVRandomValue.self, from: Array(json.utf8))
        #expect(value.dcvRandomValue == "9vr4qtxdc0fdt0z7c4g1cj5rj62z7gkd" && value.expirationDate == "2024-05-31T19:00:59Z")
    }

    @Test func emptyFieldsOfAnEmailOrderAreNoValue() throws {
        let value = try JSONValueDecoder().decode(DCVRandomValue.self, from: Array(#"{"dcv_random_value":"","expiration_date":""}"#.utf8))
        #expect(value.dcvRandomValue == nil && value.expirationDate == nil)
    }
}
