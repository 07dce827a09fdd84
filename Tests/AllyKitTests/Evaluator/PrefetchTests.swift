import Foundation
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
        return (status, sink.rendered, PortfolioSnapshot(session.portfolio))
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

    @Test("a large script file is mapped and its parsed pages handed back: errors still quote the right line", arguments: [false, true])
    func mappedScript(byteOrderMark: Bool) throws {
        // Over 3 MB, so that pages are handed back behind the encoding check and the parser;
        // an error near the end must still show its line and caret, read from the file again.
        var lines: [String] = []
        PortfolioGenerator(partners: 1_300, seed: 5, today: testToday).write { lines.append($0) }
        lines.append("stakeholders | where influence >= 4 | count")
        lines.append("agreements | where nonsense > 3 | count")
        let text = lines.joined(separator: "\n") + "\n"
        #expect(text.utf8.count > 3 << 20)
        let folder = TemporaryFolder()
        let path = folder.path + "/big.ally"
        folder.write("big.ally", text)
        if byteOrderMark {
            let handle = try #require(FileHandle(forWritingAtPath: path))
            try handle.truncate(atOffset: 0)
            try handle.write(contentsOf: Data([0xEF, 0xBB, 0xBF] + Array(text.utf8)))
            try handle.close()
        }
        let mapped = try SourceFile(contentsOf: path)
        #expect(mapped.bytes.count == text.utf8.count)
        func outcome(_ file: SourceFile) -> (RunStatus, [String], PortfolioSnapshot) {
            let session = Session(settings: Settings(today: testToday))
            let sink = CollectingSink()
            let status = session.run(file, sink: sink, keepGoing: true)
            return (status, sink.diagnostics.map { DiagnosticRenderer.render($0) }, PortfolioSnapshot(session.portfolio))
        }
        let (status, errors, portfolio) = outcome(mapped)
        let (expectedStatus, expectedErrors, expectedPortfolio) = outcome(SourceFile(name: path, text: text))
        #expect(status == expectedStatus)
        #expect(errors == expectedErrors)
        #expect(errors.count == 1)
        let lastLine = text.utf8.filter { $0 == UInt8(ascii: "\n") }.count
        #expect(errors.first?.contains("big.ally:\(lastLine):20\n") == true, "\(errors)")
        #expect(errors.first?.contains("\(lastLine) | agreements | where nonsense > 3 | count\n") == true, "\(errors)")
        #expect(portfolio == expectedPortfolio)
        #expect(portfolio.partners.count == 1_300)
    }

    @Test("a script from a pipe (not mappable) is read whole, byte-order mark dropped")
    func pipedScript() throws {
        let folder = TemporaryFolder()
        let path = folder.file("script.fifo")
        #expect(mkfifo(path, 0o600) == 0)
        let writer = Thread {
            let handle = FileHandle(forWritingAtPath: path)!
            handle.write(Data([0xEF, 0xBB, 0xBF] + Array("partner x { name: \"X\", kind: academic }\npartners | count\n".utf8)))
            try? handle.close()
        }
        writer.start()
        let file = try SourceFile(contentsOf: path)
        #expect(!file.isMapped)
        #expect(file.bytes.first == UInt8(ascii: "p"))
        let session = Session(settings: Settings(today: testToday))
        let sink = CollectingSink()
        #expect(session.run(file, sink: sink, keepGoing: false) == .success)
        #expect(sink.results.count == 1)
    }
}

/// The reading thread of a large import leaves rows to the importing thread when that one
/// would otherwise wait (`ProducerPace`); the share it builds itself follows who waited.
@Suite("sharing work between the two threads")
struct ProducerPaceTests {
    @Test("the share falls while the reader waits, rises while the producer waits, and stays within 0...1")
    func adjusts() {
        let pace = ProducerPace()
        #expect(pace.share == 1)
        pace.handedOver(readerWaited: false, producerWaited: true)
        #expect(pace.share == 1)
        for _ in 0..<8 { pace.handedOver(readerWaited: true, producerWaited: false) }
        #expect(pace.share == 0.75)
        pace.handedOver(readerWaited: false, producerWaited: false)
        #expect(pace.share == 0.75)
        pace.handedOver(readerWaited: false, producerWaited: true)
        #expect(pace.share == 0.75 + 1.0 / 32)
        for _ in 0..<100 { pace.handedOver(readerWaited: true, producerWaited: false) }
        #expect(pace.share == 0)
        #expect(!(0..<50).contains { _ in pace.takesNext() }, "at share 0 the producer builds nothing")
    }

    @Test("the elements the producer works on are spread evenly")
    func spreadsEvenly() {
        let pace = ProducerPace()
        for _ in 0..<16 { pace.handedOver(readerWaited: true, producerWaited: false) }
        #expect(pace.share == 0.5)
        #expect((0..<8).map { _ in pace.takesNext() } == [false, true, false, true, false, true, false, true])
        let full = ProducerPace()
        #expect((0..<8).allSatisfy { _ in full.takesNext() })
    }

    @Test("a producer slower than its reader is told to do less; elements still come in order")
    func slowProducer() {
        final class Box: @unchecked Sendable { var share = 1.0 }
        let seen = Box()
        let prefetcher = Prefetcher<Int>(batchSize: 4, capacity: 8) { emit, pace in
            for index in 0..<400 {
                usleep(200)
                if !emit(index) { return }
            }
            seen.share = pace.share
        }
        var got: [Int] = []
        while let next = prefetcher.nextElement() { got.append(next) }
        prefetcher.finish()
        #expect(got == Array(0..<400))
        #expect(seen.share < 0.5, "the reader waited at most hand-overs: \(seen.share)")
    }
}

/// What an import's reading thread checks references against.
@Suite("reference snapshots")
struct ReferenceSnapshotTests {
    @Test("ids answer as the portfolio did when the snapshot was taken; the type being written never answers")
    func answers() {
        let harness = Harness(SamplePortfolio.source)
        var portfolio = harness.session.portfolio
        let snapshot = ReferenceSnapshot(portfolio, excluding: .agreement)
        let partner = portfolio.sortedIds(.partner)[0], stakeholder = portfolio.sortedIds(.stakeholder)[0]
        let agreement = portfolio.sortedIds(.agreement)[0]
        #expect(snapshot.exists(.partner, partner))
        #expect(snapshot.exists(.stakeholder, stakeholder))
        #expect(!snapshot.exists(.partner, "no_such_partner"))
        #expect(!snapshot.exists(.partner, stakeholder), "ids are looked up in their own type")
        #expect(!snapshot.exists(.agreement, agreement), "the written type cannot be vouched for")
        portfolio.put(Partner(id: "added_later", name: "Later", kind: EnumType.partnerKind.value("academic")))
        #expect(!snapshot.exists(.partner, "added_later"))
        #expect(portfolio.contains(.partner, "added_later"))
    }
}
