import Dates
import Foundation
import Testing

@Suite struct CalendarDateTests {
    @Test(arguments: ["2024-02-29", "1970-01-01", "2026-12-31", "2400-02-29"])
    func validDatesRoundTrip(text: String) throws {
        let date = try #require(CalendarDate(text))
        #expect(date.description == text)
        #expect(CalendarDate(daysSinceEpoch: date.daysSinceEpoch) == date)
    }

    @Test(arguments: ["2025-02-29", "2026-13-01", "2026-00-10", "2026-1-01", "20261201", "2100-02-29", "2026-04-31"])
    func invalidDates(text: String) {
        #expect(CalendarDate(text) == nil)
    }

    /// Read from bytes (a state file's), a date is what its text reads as, malformed bytes included.
    @Test(arguments: [[UInt8]("2026-12-01".utf8), [UInt8]("2024-02-29".utf8), [UInt8]("2025-02-29".utf8), [UInt8]("2026-12-0".utf8),
                      [0x32, 0x30, 0x32, 0x36, 0x2D, 0x31, 0x32, 0x2D, 0x30, 0xFF], [0x32, 0x30, 0x32, 0x36, 0x2D, 0x31, 0x32, 0x2D, 0xC2, 0xB9],
                      [UInt8]("２０２６-12-01".utf8), [UInt8]("2026-12-01 ".utf8), []])
    func datesFromBytesAreThoseOfTheirText(bytes: [UInt8]) {
        let fromBytes = bytes.withUnsafeBufferPointer { CalendarDate(utf8: $0) }
        #expect(fromBytes == CalendarDate(String(decoding: bytes, as: UTF8.self)))
    }

    @Test func dayArithmetic() {
        let a = CalendarDate("2026-12-01")!
        #expect(a.adding(days: 31).description == "2027-01-01")
        #expect(a.days(until: CalendarDate("2027-12-01")!) == 365)
        #expect(CalendarDate(Timestamp.parse("2026-12-01T23:59:59Z")!) == a)
    }

    @Test func timestamps() {
        #expect(Timestamp.parse("2018-10-16T20:05:28+00:00").map(Timestamp.format) == "2018-10-16T20:05:28Z")
        #expect(Timestamp.parse("2026-11-29T03:00:00+02:00").map(Timestamp.format) == "2026-11-29T01:00:00Z")
        #expect(Timestamp.parse("2026-11-29T03:00:00.250Z").map(Timestamp.format) == "2026-11-29T03:00:00Z")
        #expect(Timestamp.parse("2026-11-29") == nil)
        #expect(Timestamp.parse("2026-11-29T25:00:00Z") == nil)
    }

    @Test func endOfMonthAndLeapYears() {
        #expect(CalendarDate("2024-02-28")!.adding(days: 1).description == "2024-02-29")
        #expect(CalendarDate("2025-02-28")!.adding(days: 1).description == "2025-03-01")
        #expect(CalendarDate("2026-12-31")!.adding(days: -365).description == "2025-12-31")
        #expect(CalendarDate("2027-01-01")!.days(until: CalendarDate("2026-12-01")!) == -31)
        #expect(CalendarDate("2026-11-30")! < CalendarDate("2026-12-01")!)
        #expect(CalendarDate(year: 2026, month: 2, day: 29) == nil)
    }

    @Test func startDateIsMidnightUTC() {
        #expect(Timestamp.format(CalendarDate("2026-12-01")!.startDate) == "2026-12-01T00:00:00Z")
        #expect(CalendarDate(Timestamp.parse("2026-12-01T00:00:00-01:00")!).description == "2026-12-01")
        #expect(CalendarDate(Timestamp.parse("2026-11-30T23:30:00-01:00")!).description == "2026-12-01")
    }

    /// Every day from year 1 to 9999 goes to days since the epoch and back, in order, and prints
    /// as it parses; held in 8 bytes when optional, as a state record holds three.
    @Test func everyDayOfTenThousandYearsRoundTripsInEightBytes() {
        #expect(MemoryLayout<CalendarDate?>.stride == 8)
        let first = CalendarDate(year: 1, month: 1, day: 1)!.daysSinceEpoch
        let last = CalendarDate(year: 9999, month: 12, day: 31)!.daysSinceEpoch
        var previous: CalendarDate?
        for days in first...last {
            let date = CalendarDate(daysSinceEpoch: days)
            guard date.daysSinceEpoch == days, CalendarDate(date.description) == date, previous.map({ $0 < date }) ?? true else {
                Issue.record("\(days) days: \(date)")
                return
            }
            previous = date
        }
    }
}
