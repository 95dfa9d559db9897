import Apply
import CertCentralAPI
import Dates
import States
import Testing

/// refresh reads an order near its expiry within twice that certificate's `renew_before_days`
/// (SPEC §6), not a window fixed at twice the default.
@Suite struct RefreshWindowTests {
    @Test func aCertificateIsReadWithinTwiceItsOwnWindow() throws {
        let today = try #require(CalendarDate("2026-12-01"))
        var record = StateRecord(orderID: 1, product: .sslDVGeoTrust, commonName: "a.example.com", dnsNames: [], status: .issued)
        record.validTill = today.adding(days: 80)
        record.orderValidTill = today.adding(days: 300)
        record.thumbprint = "0000000000000000000000000000000000000001"
        var state = State()
        state.certificates["a"] = record
        var item = OrderListItem(id: 1, status: .issued, certificate: CertificateInfo(id: nil, commonName: "a.example.com", dnsNames: []))
        item.certificate.validTill = record.validTill?.description
        let listed = [1: item]
        // 80 days out: beyond twice the default 30, within twice 45.
        #expect(Refresher.names(in: state, listed: listed, all: false, today: today).isEmpty)
        #expect(Refresher.names(in: state, listed: listed, all: false, today: today, windows: ["a": 45]) == ["a"])
        #expect(Refresher.names(in: state, listed: listed, all: false, today: today, windows: ["other": 45]).isEmpty)
        #expect(Refresher.names(in: state, listed: listed, all: false, today: today.adding(days: 25)) == ["a"])
    }
}
