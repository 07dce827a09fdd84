import Testing
@testable import AllyKit

/// Large scripts are parsed on a second thread while they run (`StatementPrefetcher`). The
/// output, the errors, where a script stops and what it leaves behind must be the same as
/// parsing one statement at a time.
@Suite("parsing ahead on a second thread")
struct PrefetchTests {
    static func script() -> String {
        var lines: [String] = []
        PortfolioGenerator(partners: 40, seed: 3, today: testToday).write { lines.append($0) }
        let deep = String(repeating: "(", count: 200) + "true" + String(repeating: ")", count: 200)
        lines.insert("partners | where kind == academic | count", at: 30)
        lines.insert("partners | where \(deep) | count", at: 35)
        lines.insert("agreements | summarize n = count() by status", at: 60)
        lines.insert("partners | where kind == | count", at: 90)          // a syntax error
        lines.insert("partner p1 { name: \"Again\", kind: academic }", at: 120)  // p1 exists: a run-time error
        lines.insert("stakeholders | summarize n = count() by group", at: lines.count)
        return lines.joined(separator: "\n") + "\n"
    }

    static func outcome(_ text: String, prefetch: Bool, keepGoing: Bool) -> (RunStatus, [String], PortfolioSnapshot) {
        let session = Session(settings: Settings(today: testToday))
        let sink = CollectingSink()
        let status = session.run(SourceFile(name: "big.ally", text: text), sink: sink, keepGoing: keepGoing, prefetch: prefetch)
        let events = sink.events.map { event -> String in
            switch event {
            case .result(let result): return "result \(result)"
            case .diagnostic(let diagnostic): return DiagnosticRenderer.render(diagnostic)
            case .note(let text): return "note \(text)"
            case .confirmation(let text): return "confirm \(text)"
            }
        }
        return (status, events, PortfolioSnapshot(session.portfolio))
    }

    @Test("same results, errors and portfolio either way", arguments: [true, false])
    func sameEitherWay(keepGoing: Bool) {
        let text = Self.script()
        let (status1, events1, portfolio1) = Self.outcome(text, prefetch: false, keepGoing: keepGoing)
        let (status2, events2, portfolio2) = Self.outcome(text, prefetch: true, keepGoing: keepGoing)
        #expect(status1 == .failed)
        #expect(status2 == status1)
        #expect(events2 == events1)
        #expect(portfolio2 == portfolio1)
        #expect(events1.contains { $0.contains("error") })
        if keepGoing {
            #expect(events1.contains { $0.contains("already exists") }, "a keep-going run reaches the second error")
        } else {
            #expect(!events1.contains { $0.contains("already exists") }, "a run stops at its first error")
        }
    }

    @Test("a script that ends early leaves the parsing thread stopped")
    func stopsEarly() {
        // `.quit` ends the run with most of the script still to parse; finishing must not hang.
        let text = ".quit\n" + Self.script()
        let (status, _, portfolio) = Self.outcome(text, prefetch: true, keepGoing: false)
        #expect(status == .quit)
        #expect(portfolio.partners.isEmpty)
    }
}
