import Foundation
import Testing
@testable import AllyKit

/// Saved reports (issue 28): parameters, `let NAME = EXPR`, `print`, `assert`, `.output` and
/// `.once`, `refresh`, and the example report of the issue run end to end by the binary.
@Suite("Reports")
struct ReportTests {
    @Test("--set values read as literals of the language")
    func parameterInputs() {
        #expect(ParameterInput.parse("60d") == .value(.duration(Duration(text: "60d")!)))
        #expect(ParameterInput.parse("2026-03-01") == .value(.date(day("2026-03-01"))))
        #expect(ParameterInput.parse("-2.5") == .value(.number(-2.5)))
        #expect(ParameterInput.parse("\"US-Midwest\"") == .value(.string("US-Midwest")))
        #expect(ParameterInput.parse("EU") == .word("EU"))
        #expect(ParameterInput.parse("true") == .value(.bool(true)))
        #expect(ParameterInput.parse("6x0") == nil)
        #expect(ParameterInput.parse("a b") == nil)
        // A string default takes the text as written; a duration default refuses a number.
        #expect((try? ParameterInput.parse("2026")!.matching(.value(.string("x")), text: "2026", parameter: "p")) == .value(.string("2026")))
        #expect((try? ParameterInput.parse("60")!.matching(.value(.duration(Duration(text: "90d")!)), text: "60", parameter: "p")) == nil)
    }

    @Test("let takes any expression; a pipeline still binds as before")
    func letExpression() {
        let harness = Harness("partner a { name: \"A\", kind: hospital }")
        harness.expectSuccess("let cutoff = today + 30d\nlet n = partners | count\nlet twice = n * 2")
        #expect(harness.value("cutoff") == .date(day("2026-02-14")))
        #expect(harness.value("twice") == .number(2))
        harness.expectSuccess("print \"n = \" + n + \", by \" + cutoff")
        guard case .line(let text)? = harness.sink.results.first else { Issue.record("no line"); return }
        #expect(text == "n = 1, by 2026-02-14")
    }

    @Test("print renders per format")
    func printFormats() {
        #expect(Renderer(format: .table).render(.line("a\u{1B}[31m")) == "a\u{241B}[31m\n")
        #expect(Renderer(format: .json).render(.line("say \"hi\"")) == "\"say \\\"hi\\\"\"\n")
        #expect(Renderer(format: .csv).render(.line("=cmd, x")) == "\"'=cmd, x\"\r\n")
        #expect(Renderer(format: .markdown).render(.line("Heading")) == "\nHeading\n\n")
    }

    @Test("a failing assertion names its values and changes nothing after it")
    func assertion() {
        let harness = Harness("partner a { name: \"A\", kind: hospital }\nlet n = partners | count")
        let diagnostic = harness.error("assert n == 0, \"no partners expected\"")
        #expect(diagnostic?.message == "assertion failed: no partners expected (n = 1)")
        #expect(diagnostic?.code == .assertionFailed)
        harness.expectSuccess("assert n == 1")
        #expect(harness.error("assert n >= 2")?.message == "assertion failed: n >= 2 (n = 1)")
    }

    @Test(".output writes every result until .output alone; .once only the next")
    func outputRedirection() throws {
        let folder = NSTemporaryDirectory() + "ally-output-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let harness = Harness("partner a { name: \"A\", kind: hospital }")
        harness.session.settings.format = .csv
        let results = harness.expectSuccess(".output \"all.csv\"\npartners | select id\nprint \"x\"\n.output\n.once \"one.csv\"\npartners | count\npartners | count",
                                            directory: folder)
        #expect(results.count == 1)
        #expect(try String(contentsOfFile: folder + "/all.csv", encoding: .utf8) == "id\r\na\r\nx\r\n")
        #expect(try String(contentsOfFile: folder + "/one.csv", encoding: .utf8) == "1\n")
        #expect(harness.error(".output \"missing/x.csv\"")?.message.contains("cannot write") == true)
    }

    @Test("refresh updates, adds, keeps the rest and confirms the counts")
    func refresh() throws {
        let folder = NSTemporaryDirectory() + "ally-refresh-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try "id,name,region\na,A Health,EU\nb,B,\nc,C,US\n".write(toFile: folder + "/p.csv", atomically: true, encoding: .utf8)
        let harness = Harness("partner a { name: \"A\", kind: hospital, notes: \"n\" }\npartner b { name: \"B\", kind: clinic }")
        #expect(harness.run("refresh partners from \"p.csv\"", directory: folder).0 == .failed)
        #expect(harness.sink.diagnostics.first?.message.contains("`kind` is required for a new partner") == true)
        #expect(harness.sink.diagnostics.first?.message.contains("nothing was refreshed") == true)
        try "id,name,region,kind\na,A Health,EU,hospital\nb,B,,clinic\nc,C,US,pharma\n".write(toFile: folder + "/p.csv", atomically: true, encoding: .utf8)
        harness.expectSuccess("scenario monthly\nrefresh partners from \"p.csv\"", directory: folder)
        #expect(harness.sink.confirmations.last == "added 1, updated 1, unchanged 1")
        #expect(harness.rows("partners | select id, name, region, notes") == [["a", "A Health", "EU", "n"], ["b", "B", "", ""], ["c", "C", "US", ""]])
        #expect(harness.rows("diff | select change, id, field") == [["changed", "a", "name"], ["changed", "a", "region"], ["added", "c", ""]])
    }

    @Test("refresh builds rows as import does, onto the existing entity: fit scores, ties and parties merge")
    func refreshMergesOntoExisting() throws {
        let folder = NSTemporaryDirectory() + "ally-refresh-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let files = ["fit.csv": "id,fit.mission,fit.reach\na,5,\n", "title.csv": "id,title\ns2,Dr\n", "knows.csv": "id,knows\ns1,\n",
                     "parties.csv": "id,parties\nx,p1\n", "a.json": "[{\"id\": \"a\", \"tags\": \"solo\", \"fit.culture\": 1}]"]
        for (name, text) in files { try text.write(toFile: folder + "/" + name, atomically: true, encoding: .utf8) }
        let harness = Harness("""
            partner a { name: "A", kind: hospital, fit: {mission: 4, reach: 2, culture: 3} }
            partner p1 { name: "P1", kind: clinic }
            partner p2 { name: "P2", kind: clinic }
            stakeholder s1 { name: "S1", org: a, group: clinical }
            stakeholder s2 { name: "S2", org: a, group: clinical }
            update stakeholders | where id == "s1" set knows = [s2]
            agreement x { title: "X", form: mou, status: active, parties: [p1, p2] }
            """)
        // A fit.NAME column sets its score (an empty cell clears it); the other scores stay.
        harness.expectSuccess("refresh partners from \"fit.csv\"", directory: folder)
        #expect(harness.rows("partners | where id == \"a\" | select m = fit.mission, r = fit.reach, c = fit.culture") == [["5", "", "3"]])
        // A stakeholder the file gives no `knows` column keeps its ties; an empty `knows` cell clears them.
        harness.expectSuccess("refresh stakeholders from \"title.csv\"", directory: folder)
        #expect(harness.rows("stakeholders | where id == \"s2\" | select title, n = len(knows)") == [["Dr", "1"]])
        harness.expectSuccess("refresh stakeholders from \"knows.csv\"", directory: folder)
        #expect(harness.rows("stakeholders | select id, n = len(knows)") == [["s1", "0"], ["s2", "0"]])
        // An agreement the file leaves with one party ends, as `update` ends it.
        harness.expectSuccess("refresh agreements from \"parties.csv\"", directory: folder)
        #expect(harness.rows("agreements | select id, status, n = len(parties)") == [["x", "terminated", "1"]])
        // JSON rows read as import reads them: a string for a list is one item.
        harness.expectSuccess("refresh partners from \"a.json\"", directory: folder)
        #expect(harness.rows("partners | where id == \"a\" | select m = fit.mission, c = fit.culture, t = len(tags)") == [["5", "1", "1"]])
    }

    @Test("completion knows the new statements, stages, parameters and files")
    func completion() {
        let harness = Harness("param horizon = 90d")
        let completer = Completer(session: harness.session)
        func candidates(_ text: String) -> [String] { completer.complete(text, cursor: text.utf8.count).candidates }
        #expect(candidates("pri") == ["print"])
        #expect(candidates("refresh ") == ["partners", "agreements", "stakeholders"])
        #expect(candidates("agreements | mil") == ["milestones"])
        #expect(candidates(".set ") == ["horizon"])
        #expect(candidates(".ou") == ["output"])
        #expect(candidates("partners | select x = i").contains("if"))
        // File names inside the string of `.output`, `.once` and `refresh ... from`, nowhere else.
        #expect(completer.complete(".once \"", cursor: 7).isFileName)
        #expect(completer.complete(".output \"", cursor: 9).isFileName)
        #expect(completer.complete("refresh partners from \"", cursor: 23).isFileName)
        #expect(!completer.complete("print \"", cursor: 7).isFileName)
    }

    @Test("a parameter declared in a failed load is rolled back with it")
    func parameterRollback() {
        let folder = NSTemporaryDirectory() + "ally-params-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try? "param p = 5\nprint nope\n".write(toFile: folder + "/bad.ally", atomically: true, encoding: .utf8)
        let harness = Harness()
        #expect(harness.run("load \"bad.ally\"", directory: folder).0 == .failed)
        #expect(harness.session.parameterNames.isEmpty)
        harness.expectSuccess("let p = 1")
    }

    // MARK: The issue's example, run by the binary

    static let example = """
    param horizon = 90d
    print "Renewals in the next " + horizon
    .once "renewals.md"
    renewals within horizon
    metric overdue = agreements | milestones | where overdue | count
    assert overdue == 0, "milestones overdue"
    """

    static let binary: String? = {
        let beside = URL(fileURLWithPath: CommandLine.arguments.first ?? "").deletingLastPathComponent()
        return [beside.appendingPathComponent("ally").path, beside.deletingLastPathComponent().appendingPathComponent("ally").path,
                packageRoot().appendingPathComponent(".build/debug/ally").path].first(where: FileManager.default.isExecutableFile(atPath:))
    }()

    static func run(_ arguments: [String], in folder: String) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary!)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: folder)
        process.environment = ["NO_COLOR": "1", "HOME": folder, "PATH": "/usr/bin:/bin"]
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile(), stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self))
    }

    @Test("the issue's report runs with and without --set, writes renewals.md and fails on overdue milestones",
          .enabled(if: binary != nil, "needs the built ally binary"))
    func exampleReport() throws {
        let folder = NSTemporaryDirectory() + "ally-report-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try Self.example.write(toFile: folder + "/report.ally", atomically: true, encoding: .utf8)

        // The sample portfolio has overdue milestones: exit 1 with the assertion's message.
        let plain = try Self.run(["--today", "2026-11-24", "--format", "markdown", "report.ally"], in: folder)
        #expect(plain.status == 1)
        #expect(plain.stdout.contains("Renewals in the next 90d"))
        #expect(plain.stderr.contains("assertion failed: milestones overdue (overdue = "))
        let ninety = try String(contentsOfFile: folder + "/renewals.md", encoding: .utf8)
        // Markdown cells escape `_` (so any text reads back as itself in a GFM renderer).
        #expect(ninety.hasPrefix(#"| id | title | ends | notice\_by | days\_left | auto\_renew |"#))
        #expect(ninety.contains(#"| vbc\_shared\_savings |"#))
        #expect(!plain.stdout.contains("telestroke"))

        let shorter = try Self.run(["--today", "2026-11-24", "--format", "markdown", "--set", "horizon=30d", "report.ally"], in: folder)
        #expect(shorter.status == 1)
        #expect(shorter.stdout.contains("Renewals in the next 30d"))
        let thirty = try String(contentsOfFile: folder + "/renewals.md", encoding: .utf8)
        #expect(thirty.contains("| telestroke |") && !thirty.contains(#"vbc\_shared\_savings"#))

        // A portfolio with no overdue milestone passes.
        try """
        partner a { name: "A", kind: hospital }
        partner b { name: "B", kind: clinic }
        agreement x { title: "X", form: mou, status: active, parties: [a, b], ends: 2026-12-01, milestones: [{name: "m", due: 2026-01-01, done: true}] }
        """.write(toFile: folder + "/healthy.ally", atomically: true, encoding: .utf8)
        let healthy = try Self.run(["--data", "healthy.ally", "--today", "2026-11-24", "report.ally"], in: folder)
        #expect(healthy.status == 0, "stderr: \(healthy.stderr)")
        #expect(try String(contentsOfFile: folder + "/renewals.md", encoding: .utf8).contains("│ x "))

        let undeclared = try Self.run(["--set", "horizn=30d", "report.ally"], in: folder)
        #expect(undeclared.status == 2)
        #expect(undeclared.stderr.contains("no parameter `horizn`; did you mean `horizon`? declared: horizon"))
    }
}
