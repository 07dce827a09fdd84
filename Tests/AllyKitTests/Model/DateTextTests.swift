import Foundation
import Testing
@testable import AllyKit

/// Dates and durations are read from a script's bytes in place and, the usual forms, without
/// building a string. Whatever the input, the answer must be what the plain algorithms give.
@Suite("reading dates and durations")
struct DateTextTests {
    /// `Duration(text:)` as it was before it had a byte-level fast path: the reference.
    static func referenceDuration(_ string: String) -> Duration? {
        for unit in [Duration.Unit.months, .days, .weeks, .years] where string.hasSuffix(unit.rawValue) {
            let digits = string.dropLast(unit.rawValue.count).filter { $0 != "_" }
            guard !digits.isEmpty, digits.allSatisfy(\.isASCII), let amount = Int(digits),
                  amount <= Duration.largestAmount else { return nil }
            return Duration(amount, unit)
        }
        return nil
    }

    static func randomText(from alphabet: String, maxLength: Int, using generator: inout some RandomNumberGenerator) -> String {
        String((0..<Int.random(in: 0...maxLength, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! })
    }

    @Test("a duration reads the same with or without the fast path, for any text")
    func durations() {
        var generator = SystemRandomNumberGenerator()
        var texts = ["90d", "12w", "6mo", "2y", "100000d", "100001d", "0d", "007d", "1_000d", "-5d", "+5d", "mo", "d", "5o",
                     "1234567d", "99999999999999999999d", "5 d", "٣d", "5mo ", "5dd"]
        for _ in 0..<20_000 {
            texts.append(Self.randomText(from: "0123456789_dwmoy-+ ", maxLength: 9, using: &generator))
            texts.append(String(Int.random(in: 0...200_000, using: &generator)) + ["d", "w", "mo", "y"].randomElement(using: &generator)!)
        }
        for text in texts {
            let expected = Self.referenceDuration(text)
            #expect(Duration(text: text) == expected, "\(text)")
            let quick = Array(text.utf8).withUnsafeBufferPointer { Duration(plainUTF8: $0) }
            if let quick { #expect(quick == expected, "\(text)") }
        }
        #expect(Array("90d".utf8).withUnsafeBufferPointer { Duration(plainUTF8: $0) } == Duration(90, .days))
        #expect(Array("6mo".utf8).withUnsafeBufferPointer { Duration(plainUTF8: $0) } == Duration(6, .months))
    }

    @Test("a date reads from bytes as from a string, and only real dates read")
    func dates() {
        var generator = SystemRandomNumberGenerator()
        var texts = ["2026-01-15", "2024-02-29", "2026-02-29", "0000-01-01", "0001-01-01", "9999-12-31", "2026-13-01",
                     "2026-1-15", "2026-01-15x", "2026/01/15", "+026-01-15"]
        for _ in 0..<5_000 {
            texts.append(Self.randomText(from: "0123456789-", maxLength: 11, using: &generator))
            texts.append(String(format: "%04d-%02d-%02d", Int.random(in: 0...10_000, using: &generator),
                                Int.random(in: 0...13, using: &generator), Int.random(in: 0...32, using: &generator)))
        }
        for text in texts {
            let fromBytes = Array(text.utf8).withUnsafeBufferPointer { Day(isoUTF8: $0) }
            #expect(Day(iso: text) == fromBytes, "\(text)")
            let parts = text.split(separator: "-", omittingEmptySubsequences: false)
            if let fromBytes, parts.count == 3, let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]) {
                #expect(fromBytes == Day(year: y, month: m, day: d), "\(text)")
            } else if fromBytes != nil {
                Issue.record("\(text) read as a date")
            }
        }
        #expect(Day(iso: "2024-02-29") != nil && Day(iso: "2026-02-29") == nil)
    }
}
