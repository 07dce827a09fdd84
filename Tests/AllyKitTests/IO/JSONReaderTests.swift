import Testing
@testable import AllyKit

/// RFC 8259 strictness of the JSON reader (issue #24); the whole public parsing suite runs
/// through `import` in Tests/JSONTestSuite/run-suite.
@Suite struct JSONReaderTests {
    private func read(_ text: String) throws -> Value { try JSONReader.parse(Array(text.utf8)) }

    private func failure(_ text: String) -> JSONFailure? {
        do { _ = try read(text); return nil } catch { return error as? JSONFailure }
    }

    @Test func loneAndBadSurrogatesAreErrorsNotCrashes() throws {
        #expect(failure(#"["\uD800\u0041"]"#)?.message.contains("low surrogate") == true)
        #expect(failure(#"["\uD800\uE000"]"#) != nil)
        #expect(failure(#"["\uD800"]"#) != nil)
        #expect(failure(#"["\uDC00"]"#) != nil)
        #expect(try read(#"["\uD801\udc37"]"#) == .list([.string("\u{10437}")]))
    }

    @Test func numbersJSONForbidsAreRefused() throws {
        for text in ["+1", "01", "-01", ".5", "1.", "2.e3", "1e", "-", "0x1", "Infinity", "1e999"] {
            #expect(failure("[\(text)]") != nil, "\(text) must be refused")
        }
        #expect(try read("[-0.5e+2, 0, 10, 1E2]") == .list([.number(-50), .number(0), .number(10), .number(100)]))
    }

    @Test func badEscapesAndRawControlsAreRefused() throws {
        for text in [#"\x"#, #"\a"#, #"\'"#, #"\U0041"#, #"\u+041"#, #"\u004"#, "\t", "\u{0}", "\n"] {
            #expect(failure("[\"\(text)\"]") != nil, "\(text.debugDescription) must be refused")
        }
        #expect(try read(#"["\"\\\/\b\f\n\r\t\u0041"]"#) == .list([.string("\"\\/\u{8}\u{C}\n\r\tA")]))
    }

    @Test func invalidUTF8InAStringIsRefused() {
        #expect(throws: JSONFailure.self) { try JSONReader.parse([0x5B, 0x22, 0xE5, 0x22, 0x5D]) }
    }

    @Test func aLeadingByteOrderMarkIsSkipped() throws {
        #expect(try JSONReader.parse([0xEF, 0xBB, 0xBF] + Array("[1]".utf8)) == .list([.number(1)]))
        #expect(throws: JSONFailure.self) { try JSONReader.parse([0xEF, 0xBB, 0xBF]) }
    }

    @Test func aSyntaxErrorAfterARefusedRecordIsTheOneReported() {
        struct Refused: Error {}
        do {
            try JSONReader.forEachElement(Array("[1, 2".utf8), notAnArray: "no") { _ in throw Refused() }
            Issue.record("no error")
        } catch let failure as JSONFailure {
            #expect(failure.isSyntax)
        } catch {
            Issue.record("the record's error hid the syntax error")
        }
    }

    @Test func aJSONStringForAListFieldIsOneItem() throws {
        #expect(try DataImporter.convert(.string("a; b"), to: .list(.string), row: 1, column: "tags", json: true) == .list([.string("a; b")]))
        #expect(try DataImporter.convert(.string("a; b"), to: .list(.string), row: 1, column: "tags") == .list([.string("a"), .string("b")]))
    }
}
