@testable import YAML
import Testing

/// The names of a streamed mapping are found exactly as a dictionary finds them: every name
/// recorded, with where it was first written, and no other.
@Suite struct StreamedNamesTests {
    @Test func findsEveryRecordedNameAndNoOther() {
        var names = StreamedNames()
        var expected: [String: YAML.SourceLocation] = [:]
        #expect(names["anything"] == nil && names[""] == nil)
        let written = ["", "a", "ab", "abc", "b", "ä", "a\u{0}", "cert-1", "cert-10", "cert-100"]
            + (0..<20_000).map { "cert-\($0 * 7919 % 20_000)" } + (0..<300).map { String(repeating: "x", count: $0) }
        for (index, name) in written.enumerated() where expected[name] == nil {
            let location = YAML.SourceLocation(line: index + 1, column: index % 80 + 1)
            names.insert(name, at: location)
            expected[name] = location
        }
        for (name, location) in expected { #expect(names[name] == location, "\(name.debugDescription)") }
        for absent in ["c", "cert-", "cert-20000", "ab\u{0}", "A", String(repeating: "x", count: 300), "xx\u{301}"] {
            #expect(names[absent] == nil, "\(absent.debugDescription)")
        }
    }

    /// Recording a name that may have been recorded gives back where it was first written, and
    /// records it only the first time: what asking and then recording gave.
    @Test func recordingUnlessRecordedAnswersAsAskingFirst() {
        var names = StreamedNames()
        var asked = StreamedNames()
        let written = (0..<5_000).map { "cert-\($0 * 7_919 % 3_000)" } + ["caf\u{E9}", "cafe\u{301}", "", "", "x"]
        for (index, name) in written.enumerated() {
            let location = YAML.SourceLocation(line: index + 1, column: 1)
            let expected = asked[name]
            if expected == nil { asked.insert(name, at: location) }
            #expect(names.insertUnlessRecorded(name, at: location) == expected, "\(name.debugDescription)")
        }
        #expect(names["cert-2999"] == asked["cert-2999"] && names["cert-2999"] != nil)
        #expect(names["cafe\u{301}"] == YAML.SourceLocation(line: 5_001, column: 1))
    }

    /// Two spellings of one name in Unicode (é as one character, or e and a combining accent) are
    /// one name, as they are to a dictionary and to the reader of a whole tree.
    @Test func canonicallyEquivalentSpellingsAreOneName() {
        var names = StreamedNames()
        let first = YAML.SourceLocation(line: 3, column: 3)
        names.insert("caf\u{E9}", at: first)
        for index in 0..<100 { names.insert("n\(index)", at: YAML.SourceLocation(line: index + 4, column: 3)) }
        #expect(names["cafe\u{301}"] == first)
        #expect(names["caf\u{E9}"] == first)
        #expect(names["cafe"] == nil)
    }
}
