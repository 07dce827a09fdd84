import Testing
@testable import AllyShell

@Suite struct HistoryEntriesTests {
    @Test func blankStatementsAreNotKept() {
        var history = HistoryEntries()
        #expect(history.add("") == nil)
        #expect(history.add("   \t") == nil)
        #expect(history.add("\n\n") == nil)
        #expect(history.all.isEmpty)
        #expect(history.added.isEmpty)
    }

    @Test func immediateDuplicatesAreNotKept() {
        var history = HistoryEntries()
        history.add("partners")
        history.add("partners")
        history.add("partners   ") // trailing whitespace is not part of the entry
        history.add("agreements")
        history.add("partners")
        #expect(history.all == ["partners", "agreements", "partners"])
        #expect(history.added == history.all)
    }

    @Test func multiLineStatementIsOneEntry() {
        var history = HistoryEntries()
        #expect(history.add("partners |\nwhere kind == academic\n") == "partners |\nwhere kind == academic")
        #expect(history.all.count == 1)
    }

    @Test func capKeepsTheNewest() {
        var history = HistoryEntries(loaded: (1...5).map { "s\($0)" }, limit: 3)
        #expect(history.all == ["s3", "s4", "s5"])
        history.add("s6")
        #expect(history.all == ["s4", "s5", "s6"])
        #expect(history.added == ["s6"])
    }

    @Test func loadedEntriesAreRechecked() {
        let history = HistoryEntries(loaded: ["a", "a", " ", "b", "b ", "a"])
        #expect(history.all == ["a", "b", "a"])
        #expect(history.added.isEmpty)
    }

    @Test func defaultLimitIs2000() {
        #expect(HistoryEntries.defaultLimit == 2000)
        var history = HistoryEntries()
        for index in 0..<2100 { history.add("statement \(index)") }
        #expect(history.all.count == 2000)
        #expect(history.all.first == "statement 100")
        #expect(history.added.count == 2000)
    }

    @Test func mergeAppendsAfterOtherSessions() {
        // Another session added "c" since this one started; ours adds "d", "e".
        let merge = HistoryEntries.merge(onDisk: ["a", "b", "c"], added: ["d", "e"], limit: 10)
        #expect(merge.appended == ["d", "e"])
        #expect(merge.result == ["a", "b", "c", "d", "e"])
        #expect(!merge.needsRewrite)
    }

    @Test func mergeDropsADuplicateAcrossTheSeam() {
        let merge = HistoryEntries.merge(onDisk: ["a", "b"], added: ["b", "c"], limit: 10)
        #expect(merge.appended == ["c"])
        #expect(merge.result == ["a", "b", "c"])
    }

    @Test func mergeOverTheLimitRewrites() {
        let merge = HistoryEntries.merge(onDisk: ["a", "b", "c"], added: ["d", "e"], limit: 4)
        #expect(merge.needsRewrite)
        #expect(merge.result == ["b", "c", "d", "e"])
    }

    @Test func mergeIntoEmptyFile() {
        let merge = HistoryEntries.merge(onDisk: [], added: ["a"], limit: 4)
        #expect(merge == .init(appended: ["a"], result: ["a"], needsRewrite: false))
    }
}
