import Testing
@testable import AllyShell

@Suite struct CompletionRulesTests {
    private func matches(_ line: String, cursor: Int? = nil, readlineStart: Int, wordStart: Int,
                         _ candidates: [String]) -> CompletionRules.Matches? {
        let bytes = Array(line.utf8)
        return CompletionRules.matches(line: bytes, cursor: cursor ?? bytes.count, readlineStart: readlineStart,
                                       wordStart: wordStart, candidates: candidates)
    }

    @Test func singleCandidateGetsOneSpace() {
        let result = matches("partn", readlineStart: 0, wordStart: 0, ["partners"])
        #expect(result == .init(replacement: "partners", alternatives: [], appendSpace: true))
    }

    @Test(arguments: ["org.", "year(", "load \"", "data/", "[", "{"])
    func noSpaceAfterOpeningCharacters(_ candidate: String) {
        #expect(matches("", readlineStart: 0, wordStart: 0, [candidate])?.appendSpace == false)
    }

    @Test func noDoubleSpaceBeforeExistingSeparator() {
        // `partn|  | where` with the cursor after `partn`.
        #expect(matches("partn | where", cursor: 5, readlineStart: 0, wordStart: 0, ["partners"])?.appendSpace == false)
        #expect(matches("year(en)", cursor: 7, readlineStart: 5, wordStart: 5, ["ends"])?.appendSpace == false)
        #expect(matches("select na, id", cursor: 9, readlineStart: 7, wordStart: 7, ["name"])?.appendSpace == false)
    }

    @Test func severalCandidatesInsertTheirCommonPrefix() {
        let result = matches("partners | s", readlineStart: 11, wordStart: 11, ["sort", "select", "summarize"])
        #expect(result?.replacement == "s")
        #expect(result?.alternatives == ["sort", "select", "summarize"])
        let stages = matches("partners | c", readlineStart: 11, wordStart: 11, ["count", "centrality", "chart"])
        #expect(stages?.replacement == "c")
        let fields = matches("where fit", readlineStart: 6, wordStart: 6, ["fit_score", "fit.mission"])
        #expect(fields?.replacement == "fit")
    }

    @Test func neverLosesWhatWasTyped() {
        // A backend that ignores case: the common prefix replaces the word.
        #expect(matches("Par", readlineStart: 0, wordStart: 0, ["partners", "parties"])?.replacement == "part")
        // A fuzzy backend: the common prefix does not extend the word, which stays.
        #expect(matches("parx", readlineStart: 0, wordStart: 0, ["partners", "parties"])?.replacement == "parx")
        #expect(matches("ab", readlineStart: 0, wordStart: 0, ["xab", "yab"])?.replacement == "ab")
    }

    @Test func duplicatesAndEmptyCandidatesAreDropped() {
        #expect(matches("use b", readlineStart: 4, wordStart: 4, ["baseline", "baseline"])?.alternatives == [])
        #expect(matches("x", readlineStart: 0, wordStart: 0, [""]) == nil)
        #expect(matches("x", readlineStart: 0, wordStart: 0, []) == nil)
    }

    @Test func backendWordStartingEarlierIsShifted() {
        // Readline broke the word at `/`; the backend completes the whole path in the string.
        let line = #"load "data/por"#
        let readlineStart = line.utf8.count - 3 // "por"
        let wordStart = 6 // after the quote
        let result = matches(line, readlineStart: readlineStart, wordStart: wordStart, ["data/portfolio.ally\""])
        #expect(result?.replacement == "portfolio.ally\"")
        #expect(result?.appendSpace == false)
        // Candidates that do not keep the text before readline's start cannot be inserted.
        #expect(matches(line, readlineStart: readlineStart, wordStart: wordStart, ["other/portfolio.ally"]) == nil)
    }

    @Test func backendWordStartingLaterIsShifted() {
        // Readline's word is `x.fi`; the backend completes only `fi` after the dot.
        let result = matches("x.fi", readlineStart: 0, wordStart: 2, ["fit_score"])
        #expect(result?.replacement == "x.fit_score")
    }

    @Test func commonPrefixNeverSplitsACharacter() {
        // "é" is C3 A9 and "è" is C3 A8: they share a lead byte only.
        let prefix = CompletionRules.commonPrefix([Array("caé".utf8), Array("caè".utf8)])
        #expect(prefix == Array("ca".utf8))
    }

    @Test func wordBreaksKeepDottedNamesTogether() {
        let breaks = Set(CompletionRules.wordBreakCharacters)
        #expect(!breaks.contains("."))
        #expect(!breaks.contains("_"))
        for character in " \t\n|()[]{},=<>!\"" { #expect(breaks.contains(character)) }
    }
}
