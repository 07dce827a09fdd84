import Foundation
import Testing
@testable import AllyKit

/// Collects everything a session writes, in order: results (stdout), diagnostics and notes
/// (stderr) and confirmations.
final class CollectingSink: OutputSink {
    enum Event {
        case result(QueryResult)
        case diagnostic(Diagnostic)
        case note(String)
        case confirmation(String)
    }

    private(set) var events: [Event] = []

    func emit(_ result: QueryResult) { events.append(.result(result)) }
    func report(_ diagnostic: Diagnostic) { events.append(.diagnostic(diagnostic)) }
    func note(_ text: String) { events.append(.note(text)) }
    func confirm(_ text: String) { events.append(.confirmation(text)) }

    var results: [QueryResult] {
        events.compactMap { if case .result(let result) = $0 { return result } else { return nil } }
    }

    var diagnostics: [Diagnostic] {
        events.compactMap { if case .diagnostic(let diagnostic) = $0 { return diagnostic } else { return nil } }
    }

    var confirmations: [String] {
        events.compactMap { if case .confirmation(let text) = $0 { return text } else { return nil } }
    }

    func clear() { events.removeAll() }

    /// Every event as text, diagnostics rendered with their carets (to compare two runs).
    var rendered: [String] {
        events.map { event -> String in
            switch event {
            case .result(let result): return "result \(result)"
            case .diagnostic(let diagnostic): return DiagnosticRenderer.render(diagnostic)
            case .note(let text): return "note \(text)"
            case .confirmation(let text): return "confirm \(text)"
            }
        }
    }
}

/// The date every test session runs on, so that nothing depends on the clock.
let testToday = Day(iso: "2026-01-15")!

func day(_ text: String) -> Day {
    guard let value = Day(iso: text) else { preconditionFailure("bad test date \(text)") }
    return value
}

/// A session plus its sink, with helpers that run Ally text and fail the test with the
/// rendered diagnostics when something goes wrong unexpectedly.
final class Harness {
    let session: Session
    let sink = CollectingSink()

    init(today: Day = testToday) {
        session = Session(settings: Settings(today: today))
    }

    convenience init(_ setup: String, today: Day = testToday, sourceLocation: SourceLocation = #_sourceLocation) {
        self.init(today: today)
        expectSuccess(setup, sourceLocation: sourceLocation)
    }

    /// Runs text; returns the status and everything emitted while it ran.
    @discardableResult
    func run(_ text: String, name: String = "test.ally", directory: String? = nil, keepGoing: Bool = false) -> (RunStatus, [CollectingSink.Event]) {
        sink.clear()
        let status = session.run(SourceFile(name: name, text: text, directory: directory), sink: sink, keepGoing: keepGoing)
        return (status, sink.events)
    }

    /// Runs text that must succeed; returns the results it printed.
    @discardableResult
    func expectSuccess(_ text: String, directory: String? = nil, sourceLocation: SourceLocation = #_sourceLocation) -> [QueryResult] {
        let (status, _) = run(text, directory: directory)
        let rendered = sink.diagnostics.map { DiagnosticRenderer.render($0) }.joined()
        #expect(status == .success, "statement failed:\n\(text)\n\(rendered)", sourceLocation: sourceLocation)
        return sink.results
    }

    /// The single table a query prints.
    func table(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> ResultTable {
        let results = expectSuccess(text, sourceLocation: sourceLocation)
        guard results.count == 1 else {
            Issue.record("expected one result, got \(results.count)", sourceLocation: sourceLocation)
            return ResultTable(columns: [], rows: [])
        }
        switch results[0] {
        case .table(let table): return table
        case .picture(_, let data, _): return data
        default:
            Issue.record("expected a table, got \(results[0])", sourceLocation: sourceLocation)
            return ResultTable(columns: [], rows: [])
        }
    }

    /// The rows of a query, as plain text cells (null → "").
    func rows(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> [[String]] {
        table(text, sourceLocation: sourceLocation).rows.map { $0.map(ValueFormatter.plain) }
    }

    /// The first column of a query, as plain text.
    func column(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> [String] {
        rows(text, sourceLocation: sourceLocation).map { $0.first ?? "" }
    }

    /// The single value a query prints (a scalar, or a one-by-one table).
    func value(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> Value {
        let results = expectSuccess(text, sourceLocation: sourceLocation)
        guard results.count == 1 else {
            Issue.record("expected one result, got \(results.count)", sourceLocation: sourceLocation)
            return .null
        }
        switch results[0] {
        case .scalar(let value): return value
        case .table(let table) where table.rows.count == 1 && table.columns.count == 1: return table.rows[0][0]
        default:
            Issue.record("expected a single value, got \(results[0])", sourceLocation: sourceLocation)
            return .null
        }
    }

    func number(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> Double? {
        value(text, sourceLocation: sourceLocation).number
    }

    /// Runs text that must fail; returns the first diagnostic.
    func error(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> Diagnostic? {
        let (status, _) = run(text)
        #expect(status == .failed, "expected a failure for:\n\(text)", sourceLocation: sourceLocation)
        let diagnostics = sink.diagnostics
        #expect(!diagnostics.isEmpty, "expected a diagnostic for:\n\(text)", sourceLocation: sourceLocation)
        return diagnostics.first
    }

    /// Everything the current scenario holds, for before/after comparisons.
    var snapshot: PortfolioSnapshot { PortfolioSnapshot(session.portfolio) }
}

/// The entities of a portfolio as plain arrays in id order: equal snapshots mean equal portfolios.
struct PortfolioSnapshot: Equatable, CustomStringConvertible {
    var partners: [Partner]
    var agreements: [Agreement]
    var stakeholders: [Stakeholder]

    init(_ portfolio: Portfolio) {
        partners = portfolio.sortedIds(.partner).compactMap { portfolio.partners[$0] }
        agreements = portfolio.sortedIds(.agreement).compactMap { portfolio.agreements[$0] }
        stakeholders = portfolio.sortedIds(.stakeholder).compactMap { portfolio.stakeholders[$0] }
    }

    var description: String {
        "\(partners.count) partners, \(agreements.count) agreements, \(stakeholders.count) stakeholders"
    }

    /// The first difference, for readable failure messages.
    func firstDifference(from other: PortfolioSnapshot) -> String? {
        if partners.map(\.id) != other.partners.map(\.id) { return "partner ids \(partners.map(\.id)) vs \(other.partners.map(\.id))" }
        if agreements.map(\.id) != other.agreements.map(\.id) { return "agreement ids differ" }
        if stakeholders.map(\.id) != other.stakeholders.map(\.id) { return "stakeholder ids differ" }
        for (a, b) in zip(partners, other.partners) where a != b { return "partner \(a.id):\n  \(a)\n  \(b)" }
        for (a, b) in zip(agreements, other.agreements) where a != b { return "agreement \(a.id):\n  \(a)\n  \(b)" }
        for (a, b) in zip(stakeholders, other.stakeholders) where a != b { return "stakeholder \(a.id):\n  \(a)\n  \(b)" }
        return nil
    }
}

/// A fresh temporary folder, removed when the value goes away.
final class TemporaryFolder {
    let path: String
    init() {
        let base = FileManager.default.temporaryDirectory.path
        path = base + "/ally-tests-" + UUID().uuidString
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    deinit {
        _ = chmod(path, 0o755)
        try? FileManager.default.removeItem(atPath: path)
    }
    func file(_ name: String) -> String { path + "/" + name }
    func write(_ name: String, _ text: String) {
        _ = FileManager.default.createFile(atPath: file(name), contents: Data(text.utf8))
    }
    func write(_ name: String, bytes: [UInt8]) {
        _ = FileManager.default.createFile(atPath: file(name), contents: Data(bytes))
    }
    func read(_ name: String) -> String? {
        FileManager.default.contents(atPath: file(name)).map { String(decoding: $0, as: UTF8.self) }
    }
}

/// The package's root folder: the nearest folder above this source file that holds Package.swift.
func packageRoot(_ file: String = #filePath) -> URL {
    var folder = URL(fileURLWithPath: file).deletingLastPathComponent()
    while folder.path != "/" {
        if FileManager.default.fileExists(atPath: folder.appendingPathComponent("Package.swift").path) { return folder }
        folder = folder.deletingLastPathComponent()
    }
    return URL(fileURLWithPath: file).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
}

/// A small fixed portfolio used across test files.
let smallPortfolio = """
partner mercy { name: "Mercy Health", kind: health_system, region: "US-Midwest", country: "US", home: true,
  fit: {mission: 5, strategy: 4} }
partner stateu { name: "State University", kind: academic, region: "US-Midwest", country: "US",
  fit: {mission: 5, strategy: 4, culture: 3, reputation: 5} }
partner medtech { name: "MedTech GmbH", kind: device_maker, region: "EU", country: "DE",
  fit: {mission: 3, strategy: 4, complementarity: 5, expertise: 4} }
partner county { name: "County Health Dept", kind: government, region: "US-Midwest", country: "US" }
agreement research { title: "Joint research", form: joint_venture, status: active,
  parties: [mercy {role: lead, contributes: 2M, equity: 60%}, stateu {contributes: 500k, equity: 40%}],
  starts: 2024-01-01, ends: 2026-03-31, value: 1.2M, notice: 60d }
agreement devices { title: "Device supply", form: supply_chain, status: active,
  parties: [mercy {contributes: 100k}, medtech {role: lead, contributes: 300k}],
  starts: 2025-06-01, ends: 2027-05-31, value: 400k }
agreement screening { title: "County screening", form: mou, status: negotiating,
  parties: [county {role: lead}, mercy, stateu {role: observer}], value: 50k }
stakeholder ann { name: "Ann Lee", org: mercy, group: executive, influence: 5, interest: 5, stance: champion }
stakeholder bob { name: "Bob Stone", org: stateu, group: clinical, influence: 2, interest: 4, knows: [ann] }
stakeholder cat { name: "Cat Ruiz", org: medtech, group: it_data, influence: 4, interest: 2, stance: skeptic, knows: [bob] }
stakeholder dan { name: "Dan Park", org: county, group: board }
"""
