import Foundation
import Testing
@testable import AllyKit

/// A portfolio that sets every stored field at least once.
let fullPortfolio = smallPortfolio + """

partner labs { name: "Labs \\"Q\\" Inc., Zürich", kind: technology, sector: nonprofit, country: "CH", stage: piloting,
  fit: {reach: 2.5, innovation: 5}, tags: ["ai", "eu; west", "東京"], notes: "line one\\nline two\\t\\u{1}" }
agreement pilot { title: "AI pilot", form: project, status: under_review,
  parties: [labs {role: lead, contributes: 125k, equity: 33%, votes: 2}, mercy {role: observer, votes: 0.5}],
  starts: 2025-01-01, ends: 2026-12-31, review: 2026-06-30, notice: 6mo, auto_renew: true, value: 0.30000000000000004,
  scope: "radiology, \\"triage\\"", decisions: {strategy: unanimous, operations: lead, data: majority},
  kpis: [{name: "accuracy", target: 0.95, actual: 0.97}, {name: "wait days", target: 3, actual: null, higher_is_better: false}],
  milestones: [{name: "go live", due: 2025-06-01, done: true}, {name: "review", due: 2026-07-01}],
  health: 4.5, phi: true, jurisdictions: ["US", "CH"], tags: ["pilot"] }
stakeholder eve { name: "Eve O'Neil", org: labs, group: it_data, title: "CTO", influence: 5, interest: 1, stance: blocker,
  interests: ["speed", "data, lots"], concerns: ["privacy"], knows: [ann, cat, dan] }
trigger big on agreements when value > 1M
trigger keen on stakeholders when stance == champion and influence >= 4
metric total = agreements | summarize sum(value)
metric champions = stakeholders | where stance == champion | count
"""

@Suite("IO: save and load")
struct SaveLoadTests {
    @Test("save writes a script that loads back to an equal portfolio, with its triggers and metrics")
    func saveLoadRoundTrip() {
        let folder = TemporaryFolder()
        let original = Harness(fullPortfolio)
        original.expectSuccess("save \"portfolio.ally\"", directory: folder.path)
        let reloaded = Harness()
        reloaded.expectSuccess("load \"portfolio.ally\"", directory: folder.path)
        let (before, after) = (original.snapshot, reloaded.snapshot)
        #expect(after == before, "\(after.firstDifference(from: before) ?? "")")
        #expect(reloaded.rows("triggers") == original.rows("triggers"))
        #expect(reloaded.session.metricNames == ["total", "champions"])
        #expect(reloaded.value("total") == original.value("total"))
        // and saving the reloaded portfolio gives the same text
        reloaded.expectSuccess("save \"again.ally\"", directory: folder.path)
        #expect(folder.read("again.ally") == folder.read("portfolio.ally"))
    }

    @Test("the saved script: entities in type and id order, defaults left out, each tie written once on the later id")
    func savedText() {
        let folder = TemporaryFolder()
        let harness = Harness(smallPortfolio + "\nmetric n = agreements | count\ntrigger t on partners when stage == former")
        harness.expectSuccess("save \"out.ally\"", directory: folder.path)
        let text = folder.read("out.ally") ?? ""
        let lines = text.split(separator: "\n").map(String.init)
        let definitions = lines.filter { !$0.hasPrefix("#") && !$0.hasPrefix(" ") && $0 != "}" }
        #expect(definitions.map { $0.split(separator: " ").prefix(2).joined(separator: " ") } == [
            "partner county", "partner medtech", "partner mercy", "partner stateu",
            "agreement devices", "agreement research", "agreement screening",
            "stakeholder ann", "stakeholder bob", "stakeholder cat", "stakeholder dan",
            "metric n", "trigger t",
        ])
        #expect(lines.contains("partner county { name: \"County Health Dept\", kind: government, region: \"US-Midwest\", country: \"US\" }"))
        #expect(lines.contains("stakeholder ann { name: \"Ann Lee\", org: mercy, group: executive, influence: 5, interest: 5, stance: champion }"))
        #expect(lines.contains("stakeholder bob { name: \"Bob Stone\", org: stateu, group: clinical, influence: 2, interest: 4, knows: [ann] }"))
        // a definition longer than a line is written one field per line
        #expect(text.contains("stakeholder cat {\n  name: \"Cat Ruiz\",\n  org: medtech,\n  group: it_data,\n  influence: 4,\n  interest: 2,\n  stance: skeptic,\n  knows: [bob],\n}\n"))
        #expect(lines.contains("trigger t on partners when stage == former"))
        #expect(lines.contains("metric n = agreements | count"))
        #expect(text.contains("parties: [mercy {role: lead, contributes: 2000000, equity: 0.6}, stateu {contributes: 500000, equity: 0.4}]"))
    }

    @Test("save writes the current scenario")
    func saveCurrentScenario() {
        let folder = TemporaryFolder()
        let harness = Harness(smallPortfolio)
        harness.expectSuccess("scenario lean\nremove partner stateu\nsave \"lean.ally\"", directory: folder.path)
        let reloaded = Harness()
        reloaded.expectSuccess("load \"lean.ally\"", directory: folder.path)
        #expect(reloaded.snapshot == harness.snapshot)
        #expect(reloaded.column("partners | select id") == ["county", "medtech", "mercy"])
    }

    @Test("a trigger that uses a metric survives save and load")
    func triggerUsingMetric() {
        let folder = TemporaryFolder()
        let harness = Harness(smallPortfolio + "\nmetric average = agreements | summarize avg(value)\ntrigger above on agreements when value > average")
        harness.expectSuccess("save \"t.ally\"", directory: folder.path)
        let reloaded = Harness()
        reloaded.expectSuccess("load \"t.ally\"", directory: folder.path)
        #expect(reloaded.rows("triggers") == harness.rows("triggers"))
    }

    @Test("a very large number survives save and load")
    func largeNumbers() {
        let folder = TemporaryFolder()
        let harness = Harness("agreement huge { title: \"H\", form: mou, value: 1B * 1B * 5 }")
        harness.expectSuccess("save \"h.ally\"", directory: folder.path)
        let reloaded = Harness()
        reloaded.expectSuccess("load \"h.ally\"", directory: folder.path)
        #expect(reloaded.snapshot == harness.snapshot)
    }

    @Test("words that read as literals or operators are refused as ids, with a reason",
          arguments: ["and", "or", "in", "contains", "not", "null", "true", "false", "today"])
    func reservedWordIds(id: String) {
        let harness = Harness()
        let (status, _) = harness.run("partner \(id) { name: \"P\", kind: clinic }")
        #expect(status == .failed)
        let diagnostics = harness.sink.diagnostics
        #expect(diagnostics.first?.code == .reservedName)
        #expect(diagnostics.first?.message.contains("cannot be an id") == true)
        #expect(harness.session.portfolio.partners.isEmpty)
    }

    @Test("a value at the end of a line in the one-field-per-line form does not join the next line")
    func longDefinitionsReload() {
        let folder = TemporaryFolder()
        // Long values make the writer put one field per line.
        let long = String(repeating: "long name ", count: 12)
        let harness = Harness("""
        partner orin { name: "\(long)", kind: clinic }
        partner other { name: "O", kind: clinic }
        agreement a { title: "A", form: mou, parties: [orin {role: lead}, other] }
        stakeholder s { name: "\(long)", org: orin, group: board, title: "\(long)" }
        """)
        harness.expectSuccess("save \"k.ally\"", directory: folder.path)
        let reloaded = Harness()
        reloaded.expectSuccess("load \"k.ally\"", directory: folder.path)
        #expect(reloaded.snapshot == harness.snapshot)
    }

    @Test("an id that is a literal word is either refused or can be referred to", arguments: ["true", "false", "null", "today", "not"])
    func literalWordIds(id: String) {
        let harness = Harness()
        let (defined, _) = harness.run("partner \(id) { name: \"P\", kind: clinic }\npartner other { name: \"O\", kind: clinic }")
        guard defined == .success else { return }
        harness.expectSuccess("stakeholder s { name: \"S\", org: \(id), group: board }")
        harness.expectSuccess("agreement a { title: \"A\", form: mou, parties: [\(id) {role: lead}, other] }")
    }

    @Test("load resolves paths from the folder of the script that says it")
    func relativeLoads() {
        let folder = TemporaryFolder()
        try? FileManager.default.createDirectory(atPath: folder.file("data"), withIntermediateDirectories: true)
        folder.write("data/main.ally", "load \"partners.ally\"\nagreement a { title: \"A\", form: mou, parties: [p, q] }\n")
        folder.write("data/partners.ally", "partner p { name: \"P\", kind: clinic }\npartner q { name: \"Q\", kind: clinic }\n")
        let harness = Harness()
        harness.expectSuccess("load \"data/main.ally\"", directory: folder.path)
        #expect(harness.column("agreements | partners | select id") == ["p", "q"])
        // an absolute path works from anywhere
        let other = Harness()
        other.expectSuccess("load \"\(folder.file("data/main.ally"))\"", directory: "/")
        #expect(other.value("partners | count") == .number(2))
    }

    @Test("a load that fails loads nothing and says so after the inner error")
    func failingLoad() {
        let folder = TemporaryFolder()
        folder.write("bad.ally", "partner p { name: \"P\", kind: clinic }\npartner q { name: \"Q\", kind: nope }\n")
        let harness = Harness()
        let (status, _) = harness.run("load \"bad.ally\"", directory: folder.path)
        #expect(status == .failed)
        #expect(harness.sink.diagnostics.map(\.code) == [.unknownEnumCase, .fileError])
        #expect(harness.sink.diagnostics.first?.file?.name.hasSuffix("bad.ally") == true)
        #expect(harness.sink.diagnostics.last?.message.contains("nothing was loaded") == true)
        #expect(harness.value("partners | count") == .number(0))
        let missing = harness.error("load \"nowhere/missing.ally\"")
        #expect(missing?.code == .fileError)
        #expect(missing?.message.contains("no such file") == true || missing?.message.contains("No such file") == true)
    }

    @Test("save into a folder that does not exist is an error, not a crash")
    func saveToMissingFolder() {
        let folder = TemporaryFolder()
        let harness = Harness(smallPortfolio)
        let (status, _) = harness.run("save \"no/such/folder/x.ally\"", directory: folder.path)
        #expect(status == .failed)
        #expect(harness.sink.diagnostics.first?.code == .fileError)
        #expect(harness.sink.diagnostics.first?.help?.contains("does not exist") == true)
    }
}

@Suite("IO: readers")
struct ReaderTests {
    // MARK: JSON

    @Test("JSON objects keep their key order; escapes and surrogate pairs decode")
    func jsonReader() throws {
        let value = try JSONReader.parse(Array(#" { "z": 1, "a": [true, false, null, -2.5e3], "s": "q\"\\\/\n\t\u00e9\ud83d\ude00" } "#.utf8))
        guard case .record(let record) = value else { Issue.record("not a record"); return }
        #expect(record.keys == ["z", "a", "s"])
        #expect(record["a"] == .list([.bool(true), .bool(false), .null, .number(-2500)]))
        #expect(record["s"] == .string("q\"\\/\n\té😀"))
        #expect(try JSONReader.parse(Array("[]".utf8)) == .list([]))
        #expect(try JSONReader.parse(Array("{}".utf8)) == .record(Record()))
    }

    @Test("bad JSON is an error at its offset, never a crash", arguments: [
        ("[1, 2,]", 6), ("{\"a\" 1}", 5), ("[1 2]", 3), ("\"open", 0), ("[1] x", 4), ("[tru]", 1), ("{\"a\": }", 6),
        ("[1e999]", 1), ("", 0), ("[\"\\u12\"]", 2),
    ])
    func badJSON(text: String, offset: Int) {
        do {
            _ = try JSONReader.parse(Array(text.utf8))
            Issue.record("parsed \(text)")
        } catch let failure as JSONFailure {
            #expect(failure.offset == offset, "\(text): \(failure.message)")
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test("deeply nested JSON is an error, not a crash")
    func deepJSON() {
        let text = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: JSONFailure.self) { try JSONReader.parse(Array(text.utf8)) }
    }

    // MARK: CSV

    private func records(_ text: String) throws -> [[(String, Bool)]] {
        var reader = CSVReader(Array(text.utf8))
        var out: [[(String, Bool)]] = []
        while let cells = try reader.next() { out.append(cells.map { ($0.text, $0.quoted) }) }
        return out
    }

    private func texts(_ text: String) throws -> [[String]] { try records(text).map { $0.map(\.0) } }

    @Test("CSV: a quoted empty cell is not an empty cell")
    func quotedEmpty() throws {
        let rows = try records("a,\"\",,\"x\"\n")
        #expect(rows.count == 1)
        #expect(rows[0].map(\.0) == ["a", "", "", "x"])
        #expect(rows[0].map(\.1) == [false, true, false, true])
    }

    @Test("CSV: embedded newlines, commas and doubled quotes")
    func embedded() throws {
        #expect(try texts("id,note\n1,\"two\nlines, \"\"quoted\"\"\"\n2,x\n") == [["id", "note"], ["1", "two\nlines, \"quoted\""], ["2", "x"]])
        #expect(try texts("a,\"b\r\nc\"\r\n") == [["a", "b\r\nc"]])
    }

    @Test("CSV: CRLF line ends, a byte-order mark, no final newline")
    func lineEnds() throws {
        #expect(try texts("\u{FEFF}id,name\r\n1,a\r\n2,b") == [["id", "name"], ["1", "a"], ["2", "b"]])
        #expect(try texts("x\r\r\ny\n") == [["x"], [""], ["y"]])
        #expect(try texts("") == [])
    }

    @Test("CSV: an unclosed quote is an error")
    func unclosedQuote() {
        #expect(throws: JSONFailure.self) { _ = try self.records("a,\"open\n") }
    }
}

@Suite("IO: import")
struct ImportTests {
    static let partnersCSV = #"""
    id,name,kind,region,country,fit.mission,fit.reach,tags,notes,home
    p1,"Plain, Inc.",clinic,,US,4,,rural;urban,,
    p2,"",academic,"",,,1.5,,"said ""hi""",false
    p3,Three,pharma,EU,DE,0,5,one,"two
    lines",true

    """#

    @Test("CSV import: empty cells mean the default, quoted empty cells the empty string")
    func csvImport() {
        let folder = TemporaryFolder()
        folder.write("partners.csv", Self.partnersCSV)
        let harness = Harness()
        harness.expectSuccess("import partners from \"partners.csv\"", directory: folder.path)
        #expect(harness.sink.confirmations == ["imported 3 partners"])
        let partners = harness.snapshot.partners
        #expect(partners.map(\.id) == ["p1", "p2", "p3"])
        guard partners.count == 3 else { return }
        #expect(partners[0].name == "Plain, Inc.")
        #expect(partners[0].region == nil)
        #expect(partners[0].fit[0] == 4 && partners[0].fit[6] == nil)
        #expect(partners[0].tags == ["rural", "urban"])
        #expect(partners[0].notes == nil)
        #expect(partners[0].sector.name == "private")
        #expect(partners[1].name == "")
        #expect(partners[1].region == "")
        #expect(partners[1].fit[6] == 1.5)
        #expect(partners[1].notes == "said \"hi\"")
        #expect(partners[2].notes == "two\nlines")
        #expect(partners[2].home)
        #expect(partners[2].fit[0] == 0)
    }

    @Test("CSV import with CRLF line ends and a byte-order mark")
    func csvImportCRLF() {
        let folder = TemporaryFolder()
        folder.write("p.csv", bytes: [0xEF, 0xBB, 0xBF] + Array("id,name,kind\r\na,A,clinic\r\nb,B,gpo\r\n".utf8))
        let harness = Harness()
        harness.expectSuccess("import partners from \"p.csv\"", directory: folder.path)
        #expect(harness.rows("partners | select id, name, kind") == [["a", "A", "clinic"], ["b", "B", "gpo"]])
    }

    @Test("one bad row imports nothing; the error names the file, the row and the column", arguments: [
        ("id,name,kind\na,A,clinic\nb,B,hospitl\n", "p.csv: row 3, column `kind`", "hospital"),
        ("id,name,kind\na,A,clinic\na,B,clinic\n", "p.csv: row 3, column `id`", nil),
        ("id,name,kind\na,A,clinic\nmercy,B,clinic\n", "p.csv: row 3, column `id`", nil),
        ("id,name,kind,fit.mission\na,A,clinic,9\n", "p.csv: row 2, column `fit", nil),
        ("id,name,kind,fit.mision\na,A,clinic,3\n", "p.csv: row 2, column `fit.mision`", "mission"),
        ("id,name,kind,regoin\na,A,clinic,EU\n", "p.csv: row 2, column `regoin`", "region"),
        ("id,name,kind\na,A,clinic\nb,B\n", "p.csv: row 3", nil),
        ("id,name,kind,home\na,A,clinic,maybe\n", "p.csv: row 2, column `home`", nil),
        ("id,name\na,A\n", "p.csv: row 2, column `kind`", nil),
        ("id,name,kind\n1a,A,clinic\n", "p.csv: row 2, column `id`", nil),
        ("id,name,kind,country\na,A,clinic,USA\n", "p.csv: row 2", nil),
    ])
    func badCSVRow(text: String, location: String, suggestion: String?) {
        let folder = TemporaryFolder()
        folder.write("p.csv", text)
        let harness = Harness(smallPortfolio)
        let before = harness.snapshot
        let (status, _) = harness.run("import partners from \"p.csv\"", directory: folder.path)
        #expect(status == .failed)
        let diagnostic = harness.sink.diagnostics.first
        #expect(diagnostic?.code == .importError)
        #expect(diagnostic?.message.hasPrefix(location) == true, "message: \(diagnostic?.message ?? "none")")
        #expect(diagnostic?.message.hasSuffix("nothing was imported") == true)
        if let suggestion { #expect(diagnostic?.help?.contains(suggestion) == true) }
        #expect(harness.snapshot == before)
    }

    @Test("a duration in a CSV cell has the parser's bound: 100000 units at most")
    func durationBound() {
        let folder = TemporaryFolder()
        folder.write("big.csv", "id,title,form,notice\nx1,T,mou,100001d\n")
        folder.write("ok.csv", "id,title,form,notice\nx1,T,mou,100000w\n")
        let harness = Harness(smallPortfolio)
        let before = harness.snapshot
        let (failed, _) = harness.run("import agreements from \"big.csv\"", directory: folder.path)
        #expect(failed == .failed)
        #expect(harness.sink.diagnostics.first?.message.hasPrefix("big.csv: row 2, column `notice`") == true)
        #expect(harness.sink.diagnostics.first?.message.contains("up to 100000") == true)
        #expect(harness.snapshot == before)
        let (status, _) = harness.run("import agreements from \"ok.csv\"", directory: folder.path)
        #expect(status != .failed)
        #expect(harness.column("agreement x1 | select notice") == ["100000w"])
    }

    /// What relations answer, besides the entities themselves: the indexes an import edits.
    private func relations(_ harness: Harness) -> [[String]] {
        ["mercy", "stateu", "medtech", "county"].flatMap { partner in
            [harness.column("partner \(partner) | agreements | select id"),
             harness.column("partner \(partner) | stakeholders | select id")]
        } + ["ann", "bob", "cat", "dan"].map { harness.column("stakeholder \($0) | select knows") }
    }

    @Test("a failing import undoes the rows before it: new entities, added parties, mirrored ties", arguments: [
        // Parties added to agreements that already had some, then an unknown agreement.
        ("parties", "agreement,partner,contributes\nresearch,county,5\nscreening,medtech,1\ndevices,stateu,2\nnope,mercy,1\n"),
        // Parties for agreements in two separate runs of rows, then a repeated party.
        ("parties", "agreement,partner\nresearch,county\ndevices,county\nresearch,medtech\ndevices,mercy\n"),
        // New stakeholders tied to existing ones (ties are mirrored onto them), then a bad row.
        ("stakeholders", "id,name,org,group,knows\neve,Eve,mercy,clinical,ann;bob\nfay,Fay,county,board,eve;dan\ngus,Gus,nowhere,board,\n"),
        // The last row's tie names nobody.
        ("stakeholders", "id,name,org,group,knows\neve,Eve,mercy,clinical,cat\nfay,Fay,county,board,zed\n"),
        // New agreements with parties, then a bad enum.
        ("agreements", "id,title,form,parties\nx1,X,mou,\"[\"\"mercy\"\",\"\"county\"\"]\"\nx2,Y,mou,\"[\"\"stateu\"\"]\"\nx3,Z,pact,\"[\"\"mercy\"\"]\"\n"),
    ])
    func failingImportUndoes(kind: String, text: String) {
        let folder = TemporaryFolder()
        folder.write("f.csv", text)
        let harness = Harness(smallPortfolio)
        let before = harness.snapshot
        let relationsBefore = relations(harness)
        let (status, _) = harness.run("import \(kind) from \"f.csv\"", directory: folder.path)
        #expect(status == .failed)
        #expect(harness.sink.diagnostics.first?.message.hasSuffix("nothing was imported") == true,
                "message: \(harness.sink.diagnostics.first?.message ?? "none")")
        #expect(harness.snapshot == before)
        #expect(relations(harness) == relationsBefore)
        // The same file without its bad last row imports and changes what it names.
        let good = text.split(separator: "\n").dropLast().joined(separator: "\n") + "\n"
        folder.write("g.csv", good)
        let (imported, _) = harness.run("import \(kind) from \"g.csv\"", directory: folder.path)
        #expect(imported == .success, "\(harness.sink.diagnostics.first?.message ?? "")")
        #expect(harness.snapshot != before)
    }

    @Test("a party may be given by its partner's id alone, in JSON and in a CSV list")
    func partyById() {
        let folder = TemporaryFolder()
        folder.write("a.json", #"[{"id": "x1", "title": "X", "form": "mou", "parties": ["mercy", {"partner": "stateu", "role": "lead"}]}]"#)
        folder.write("a.csv", "id,title,form,parties\nx2,Y,mou,county; medtech\n")
        let harness = Harness(smallPortfolio)
        harness.expectSuccess("import agreements from \"a.json\"", directory: folder.path)
        harness.expectSuccess("import agreements from \"a.csv\"", directory: folder.path)
        #expect(harness.rows("agreement x1 | parties | select partner, role") == [["mercy", "member"], ["stateu", "lead"]])
        #expect(harness.column("agreement x2 | parties | select partner") == ["county", "medtech"])
    }

    @Test("a failing import into a type that had no entities leaves it empty, and a fork keeps its own copy")
    func failingImportIntoEmptyType() {
        let folder = TemporaryFolder()
        folder.write("p.csv", "id,name,kind\na,A,clinic\nb,B,clinic\nc,C,clinik\n")
        let harness = Harness("")
        harness.expectSuccess("scenario what_if")
        #expect(harness.run("import partners from \"p.csv\"", directory: folder.path).0 == .failed)
        #expect(harness.number("partners | count") == 0)
        #expect(harness.run("partner a", directory: folder.path).0 == .failed)
        folder.write("p.csv", "id,name,kind\na,A,clinic\nb,B,clinic\n")
        #expect(harness.run("import partners from \"p.csv\"", directory: folder.path).0 == .success)
        #expect(harness.number("partners | count") == 2)
        harness.expectSuccess("use baseline")
        #expect(harness.number("partners | count") == 0)
    }

    @Test("an id twice in the file and an id that already exists are told apart", arguments: [
        ("id,name,kind\na,A,clinic\na,B,clinic\n", "`a` appears twice in the file"),
        ("id,name,kind\na,A,clinic\nmercy,B,clinic\nmercy,C,clinic\n", "partner `mercy` already exists"),
        // A taken id is reported before what the checks after it find (a cell that cannot be
        // read at all, such as an unknown enum case, is reported as the row is read, before).
        ("id,name,kind,country\na,A,clinic,US\na,B,clinic,USA\n", "`a` appears twice in the file"),
        ("id,name,kind,home\nmercy,B,clinic,true\n", "partner `mercy` already exists"),
        ("id,name,kind,home\nstateu,B,clinic,true\n", "partner `stateu` already exists"),
        ("id,name\nmercy,B\n", "partner `mercy` already exists"),
    ])
    func duplicateIds(text: String, message: String) {
        let folder = TemporaryFolder()
        folder.write("p.csv", text)
        let harness = Harness(smallPortfolio)
        let (status, _) = harness.run("import partners from \"p.csv\"", directory: folder.path)
        #expect(status == .failed)
        #expect(harness.sink.diagnostics.first?.message.contains(message) == true,
                "message: \(harness.sink.diagnostics.first?.message ?? "none")")
    }

    @Test("JSON import: objects shaped like definitions, parties nested")
    func jsonImport() {
        let folder = TemporaryFolder()
        folder.write("a.json", """
        [{"id": "pilot", "title": "Pilot", "form": "project", "status": "active", "value": 2500000,
          "parties": [{"partner": "mercy", "role": "lead", "contributes": 1000, "equity": 0.5}, {"partner": "medtech"}],
          "decisions": {"budget": "lead", "data": "unanimous"}, "ends": "2026-06-30", "notice": "2mo",
          "kpis": [{"name": "k", "target": 2, "actual": null}], "milestones": [{"name": "m", "due": "2026-02-01", "done": true}],
          "tags": ["a", "b"]}]
        """)
        let harness = Harness(smallPortfolio)
        harness.expectSuccess("import agreements from \"a.json\"", directory: folder.path)
        #expect(harness.rows("agreement pilot | parties") == [["pilot", "mercy", "lead", "1000", "0.5", "1"], ["pilot", "medtech", "member", "0", "", "1"]])
        #expect(harness.rows("agreement pilot | select status, value, decisions, ends, notice_by, kpis, milestones, tags") == [[
            "active", "2500000", #"{"budget": "lead", "data": "unanimous"}"#, "2026-06-30", "2026-04-30",
            #"[{"name": "k", "target": 2, "actual": null, "higher_is_better": true}]"#,
            #"[{"name": "m", "due": "2026-02-01", "done": true}]"#, #"["a", "b"]"#,
        ]])
    }

    @Test("JSON import: a bad row imports nothing and is named", arguments: [
        (#"[{"id": "a", "name": "A", "kind": "clinic"}, {"id": "b", "name": "B", "kind": "clinc"}]"#, "p.json: row 2, column `kind`"),
        (#"[{"id": "a", "name": "A", "kind": "clinic", "fit": {"mission": 7}}]"#, "p.json: row 1, column `fit`"),
        (#"[{"id": "a", "name": 5, "kind": "clinic"}]"#, "p.json: row 1, column `name`"),
        (#"[{"id": "a", "name": "A", "kind": "clinic"}, 3]"#, "p.json: row 2"),
        (#"{"id": "a"}"#, "p.json: the file must hold an array of objects"),
        (#"[{"id": "a", "name": "A", "kind": "clinic"},"#, "p.json: line 1"),
        // Objects are imported as they are read: rows before a syntax error are undone.
        ("[\n" + #"{"id": "a", "name": "A", "kind": "clinic"},"# + "\n" + #"{"id": "b", "name": "B" "kind": "clinic"}]"#, "p.json: line 3, column 25: expected `,` or `}`"),
        (#"[{"id": "a", "name": "A", "kind": "clinic"}] x"#, "p.json: line 1, column 46: unexpected text after the JSON value"),
        (#"[{"id": "a", "name": "A", "kind": "clinic"}"#, "p.json: line 1, column 44: unexpected end of JSON"),
        (#""partners""#, "p.json: the file must hold an array of objects"),
        ("", "p.json: line 1, column 1: unexpected end of JSON"),
    ])
    func badJSONRow(text: String, location: String) {
        let folder = TemporaryFolder()
        folder.write("p.json", text)
        let harness = Harness(smallPortfolio)
        let before = harness.snapshot
        let (status, _) = harness.run("import partners from \"p.json\"", directory: folder.path)
        #expect(status == .failed)
        let diagnostic = harness.sink.diagnostics.first
        #expect(diagnostic?.code == .importError)
        #expect(diagnostic?.message.hasPrefix(location) == true, "message: \(diagnostic?.message ?? "none")")
        #expect(harness.snapshot == before)
    }

    @Test("a large JSON file is read and imported one object at a time, to the same portfolio as its CSV")
    func largeJSONImport() {
        let folder = TemporaryFolder()
        var generated: [String] = []
        PortfolioGenerator(partners: 600, seed: 4, today: testToday).write { generated.append($0) }
        let original = Harness(generated.joined(separator: "\n"))
        original.expectSuccess("""
        export partners to "p.json"
        export agreements to "a.json"
        export stakeholders to "s.json"
        """, directory: folder.path)
        #expect(original.number("stakeholders | count").map { $0 > 4096 } == true, "enough objects to hand pages back")
        let copy = Harness()
        copy.expectSuccess("""
        import partners from "p.json"
        import agreements from "a.json"
        import stakeholders from "s.json"
        """, directory: folder.path)
        #expect(copy.snapshot == original.snapshot)
    }

    @Test("stakeholder ties may point forward within the file")
    func forwardTies() {
        let folder = TemporaryFolder()
        folder.write("s.csv", "id,name,org,group,knows\nx1,X1,mercy,board,x2;ann\nx2,X2,county,clinical,\n")
        let harness = Harness(smallPortfolio)
        harness.expectSuccess("import stakeholders from \"s.csv\"", directory: folder.path)
        #expect(harness.rows("stakeholders | where id in [\"ann\", \"x1\", \"x2\"] | select id, knows") == [
            ["ann", #"["bob", "x1"]"#], ["x1", #"["ann", "x2"]"#], ["x2", #"["x1"]"#],
        ])
        folder.write("bad.csv", "id,name,org,group,knows\ny1,Y1,mercy,board,nobody\n")
        let before = harness.snapshot
        let (status, _) = harness.run("import stakeholders from \"bad.csv\"", directory: folder.path)
        #expect(status == .failed)
        #expect(harness.sink.diagnostics.first?.message.hasPrefix("bad.csv: row 2, column `knows`") == true)
        #expect(harness.snapshot == before)
    }

    @Test("parties import from their own file, appended in file order")
    func partiesImport() {
        let folder = TemporaryFolder()
        folder.write("parties.csv", "agreement,partner,role,contributes,equity,votes\nscreening,medtech,observer,10k,,\ndevices,county,,,5%,3\n")
        let harness = Harness(smallPortfolio)
        harness.expectSuccess("import parties from \"parties.csv\"", directory: folder.path)
        #expect(harness.rows("agreements | where id != \"research\" | parties | select agreement, partner, role, contributes, equity, votes") == [
            ["devices", "mercy", "member", "100000", "", "1"], ["devices", "medtech", "lead", "300000", "", "1"],
            ["devices", "county", "member", "0", "0.05", "3"],
            ["screening", "county", "lead", "0", "", "1"], ["screening", "mercy", "member", "0", "", "1"],
            ["screening", "stateu", "observer", "0", "", "0"], ["screening", "medtech", "observer", "10000", "", "0"],
        ])
        folder.write("again.csv", "agreement,partner\nresearch,county\nresearch,mercy\n")
        let before = harness.snapshot
        let (status, _) = harness.run("import parties from \"again.csv\"", directory: folder.path)
        #expect(status == .failed)
        #expect(harness.sink.diagnostics.first?.message.hasPrefix("again.csv: row 3, column `partner`") == true)
        #expect(harness.snapshot == before)
    }

    @Test("files that cannot be imported")
    func unreadable() {
        let folder = TemporaryFolder()
        folder.write("p.txt", "id\n")
        let harness = Harness()
        let (status, _) = harness.run("import partners from \"p.txt\"\n", directory: folder.path)
        #expect(status == .failed)
        #expect(harness.sink.diagnostics.first?.code == .fileError)
        let (missing, _) = harness.run("import partners from \"missing.csv\"", directory: folder.path)
        #expect(missing == .failed)
        #expect(harness.sink.diagnostics.first?.code == .fileError)
    }

    @Test("a cell of plain digits reads as the same number as any other cell")
    func plainDigits() {
        var generator = SystemRandomNumberGenerator()
        var cells = ["0", "00", "007", "1", "5", "10", "999999999999999", "1000000000000000", "12345678901234567890"]
        for _ in 0..<2_000 {
            let length = Int.random(in: 1...17, using: &generator)
            cells.append(String((0..<length).map { _ in "0123456789".randomElement(using: &generator)! }))
        }
        for cell in cells {
            #expect(DataImporter.number(cell) == Double(cell), "\(cell)")
        }
        #expect(DataImporter.number("") == nil)
        #expect(DataImporter.number("1_000") == 1000)
        #expect(DataImporter.number("2k") == 2000)
        #expect(DataImporter.number("-0")?.sign == .minus)
    }

    @Test("a plain number literal in a script reads as the same number as through a string")
    func plainNumberLiterals() {
        var generator = SystemRandomNumberGenerator()
        var literals = ["0", "00", "007", "0.5", "4.5", "0.1", "0.30000000000000004", "123456789012345", "1234567890.12345",
                        "9007199254740993", "1.", "1234567890123456", "99999999999999.9", "0.000000000000001"]
        for _ in 0..<3_000 {
            let length = Int.random(in: 1...17, using: &generator)
            var digits = (0..<length).map { _ in "0123456789".randomElement(using: &generator)! }
            if Bool.random(using: &generator) { digits.insert(".", at: Int.random(in: 1...length, using: &generator)) }
            literals.append(String(digits))
        }
        for literal in literals {
            let bytes = Array(literal.utf8)
            let fast = bytes.withUnsafeBytes { Parser.plainNumber($0[...]) }
            if let fast { #expect(fast == Double(literal), "\(literal)") }
            guard !literal.hasSuffix(".") else { continue }
            // Through the whole parser (fast path or not), a definition's value is strtod's.
            let parsed = Parser.parse(SourceFile(name: "n", text: "partner p { value: \(literal) }"))
            let significant = literal.filter { $0 != "." }.drop { $0 == "0" }.reversed().drop { $0 == "0" }.count
            guard significant <= 17 else {
                #expect(parsed.diagnostics.first?.code == .invalidNumber, "\(literal)")
                continue
            }
            guard case .define(_, _, let fields)? = parsed.statements.first?.kind, case .number(let value)? = fields.first?.value.kind else {
                Issue.record("\(literal) did not parse to a number: \(parsed.diagnostics)")
                continue
            }
            #expect(value == Double(literal), "\(literal)")
        }
        #expect(literals.contains { lit in Array(lit.utf8).withUnsafeBytes { Parser.plainNumber($0[...]) } != nil })
        #expect(Array("1_000".utf8).withUnsafeBytes { Parser.plainNumber($0[...]) } == nil)
        #expect(Array("2k".utf8).withUnsafeBytes { Parser.plainNumber($0[...]) } == nil)
        #expect(Array("1.2.3".utf8).withUnsafeBytes { Parser.plainNumber($0[...]) } == nil)
    }

    @Test("an amount with a magnitude (900k, 2.5M, 60%) reads as the general way reads it")
    func magnitudeLiterals() {
        var generator = SystemRandomNumberGenerator()
        var literals = ["900k", "2.5M", "1B", "60%", "0.5%", "0k", "7.25k", "123456789012345k", "1_000k", "1.k"]
        for _ in 0..<2_000 {
            let length = Int.random(in: 1...16, using: &generator)
            var digits = (0..<length).map { _ in "0123456789".randomElement(using: &generator)! }
            if Bool.random(using: &generator) { digits.insert(".", at: Int.random(in: 1...length, using: &generator)) }
            literals.append(String(digits) + ["k", "M", "B", "%"].randomElement(using: &generator)!)
        }
        for literal in literals {
            let digits = String(literal.dropLast()).replacingOccurrences(of: "_", with: "")
            guard let base = Double(digits) else { continue }
            let expected: Double
            switch literal.last {
            case "k": expected = base * 1e3
            case "M": expected = base * 1e6
            case "B": expected = base * 1e9
            default: expected = base / 100
            }
            let quick = Array(literal.utf8).withUnsafeBytes { Parser.quickNumber($0[...]) }
            if let quick { #expect(quick == expected, "\(literal)") }
            guard !digits.hasSuffix(".") else { continue }
            let parsed = Parser.parse(SourceFile(name: "n", text: "partner p { value: \(literal) }"))
            if case .define(_, _, let fields)? = parsed.statements.first?.kind, case .number(let value)? = fields.first?.value.kind {
                #expect(value == expected, "\(literal)")
            } else {
                #expect(parsed.diagnostics.first?.code == .invalidNumber, "\(literal): \(parsed.diagnostics)")
            }
        }
        #expect(Array("900k".utf8).withUnsafeBytes { Parser.quickNumber($0[...]) } == 900_000)
        #expect(Array("1_000k".utf8).withUnsafeBytes { Parser.quickNumber($0[...]) } == nil)
    }
}

@Suite("IO: export")
struct ExportTests {
    /// Exports every entity type of `source` to files of `format`, imports them into an empty
    /// session, and returns both snapshots.
    static func roundTrip(_ source: String, format: String, sourceLocation: SourceLocation = #_sourceLocation) -> (PortfolioSnapshot, PortfolioSnapshot) {
        let folder = TemporaryFolder()
        let original = Harness(source)
        original.expectSuccess("""
        export partners to "partners.\(format)"
        export agreements to "agreements.\(format)"
        export stakeholders to "stakeholders.\(format)"
        """, directory: folder.path, sourceLocation: sourceLocation)
        let copy = Harness()
        copy.expectSuccess("""
        import partners from "partners.\(format)"
        import agreements from "agreements.\(format)"
        import stakeholders from "stakeholders.\(format)"
        """, directory: folder.path, sourceLocation: sourceLocation)
        return (original.snapshot, copy.snapshot)
    }

    @Test("export then import restores every stored field", arguments: ["json", "csv"])
    func exportImportRoundTrip(format: String) {
        let (before, after) = Self.roundTrip(smallPortfolio, format: format)
        #expect(after == before, "\(after.firstDifference(from: before) ?? "")")
    }

    @Test("export then import restores unusual values too", arguments: ["json", "csv"])
    func exportImportUnusualValues(format: String) {
        let source = smallPortfolio + """

        partner odd { name: "=cmd|' /C calc'!A0", kind: startup, region: "-west", notes: "@home, \\"quoted\\"\\nnext line",
          tags: ["+plus", "東京 🙂"], fit: {mission: 0.1, innovation: 4.75} }
        agreement weird { title: "Sum: \\"A\\", B", form: mou, parties: [odd {contributes: 0.30000000000000004, equity: 12.5%}, mercy],
          decisions: {zeta: majority, alpha: lead}, kpis: [{name: "a,b", target: -3, actual: 0}], value: -250 }
        """
        let (before, after) = Self.roundTrip(source, format: format)
        #expect(after == before, "\(after.firstDifference(from: before) ?? "")")
    }

    @Test("an empty string survives CSV export and import")
    func emptyStringInCSV() {
        let (before, after) = Self.roundTrip("partner p { name: \"P\", kind: clinic, region: \"\", notes: \"\" }", format: "csv")
        #expect(after == before, "\(after.firstDifference(from: before) ?? "")")
    }

    @Test("list items with `;` or surrounding spaces survive CSV export and import")
    func listItemsInCSV() {
        let (before, after) = Self.roundTrip("partner p { name: \"P\", kind: clinic, tags: [\"a;b\", \" padded \", \"\"] }", format: "csv")
        #expect(after == before, "\(after.firstDifference(from: before) ?? "")")
    }

    @Test("text that starts like a guarded formula survives CSV export and import", arguments: ["'=x", "\rstart"])
    func injectionGuardRoundTrip(text: String) {
        let literal = ValueFormatter.literal(.string(text))
        let (before, after) = Self.roundTrip("partner p { name: \(literal), kind: clinic }", format: "csv")
        #expect(after == before, "\(after.firstDifference(from: before) ?? "")")
    }

    @Test("a CSV export writes select's (and parties', balance's) rows as they come: the same text as the query's table, and the entity sets' too", arguments: [
        "stakeholders | select id, name, org, group, influence, interest, stance",
        "agreements | where value > 100k | select id, title, share = value / 3, ends, parties, note = \"=1+2\"",
        "partners | sort name desc | select id, name, fit, fit_score, tags",
        "partners | select id | take 0",
        "agreements | parties",
        "agreements | where status == active | balance",
    ])
    func streamedSelect(query: String) throws {
        let folder = TemporaryFolder()
        var generated: [String] = []
        PortfolioGenerator(partners: 60, seed: 9, today: testToday).write { generated.append($0) }
        let harness = Harness(generated.joined(separator: "\n"))
        harness.expectSuccess("export \(query) to \"q.csv\"", directory: folder.path)
        guard case .table(let table)? = harness.expectSuccess(query).first else {
            Issue.record("no table")
            return
        }
        #expect(folder.read("q.csv") == Renderer(format: .csv).csv(ResultTable(columns: table.columns, rows: table.rows)))
        // Entity sets stream too: the same text as the materialized export table.
        harness.expectSuccess("export stakeholders to \"s.csv\"", directory: folder.path)
        let runtime = Runtime(names: harness.session, portfolio: harness.session.portfolio, today: testToday, weights: harness.session.settings.weights)
        let entities = harness.session.portfolio.allEntities(.stakeholder)
        let expected = DataExporter.exportTable(.entities(.stakeholder, entities), runtime: runtime, flattenForCSV: true)
        #expect(folder.read("s.csv") == Renderer(format: .csv).csv(expected))
    }

    @Test("a row that fails while a CSV export is written leaves the file as it was")
    func streamedSelectFails() {
        let folder = TemporaryFolder()
        folder.write("q.csv", "old,contents\r\n")
        let harness = Harness(smallPortfolio)
        let diagnostic = harness.error("export stakeholders | select id, x = 10 / (influence - 4) to \"\(folder.file("q.csv"))\"")
        #expect(diagnostic?.message.contains("division by zero") == true)
        #expect(folder.read("q.csv") == "old,contents\r\n")
        #expect(try! FileManager.default.contentsOfDirectory(atPath: folder.path) == ["q.csv"])
        let badName = harness.error("export stakeholders | select id, x = 10 / (influence - 4) to \"\(folder.file("q.txt"))\"")
        #expect(badName?.message.contains("cannot export to `.txt`") == true, "the file name is checked before the query runs")
    }

    @Test("the CSV export of an entity set: every stored field, fit flattened, lists ;-joined, structures as JSON")
    func csvExportShape() {
        let folder = TemporaryFolder()
        let harness = Harness(smallPortfolio)
        harness.expectSuccess("export partners | where id == \"medtech\" to \"p.csv\"\nexport agreement research to \"a.csv\"", directory: folder.path)
        #expect(folder.read("p.csv") == "id,name,kind,sector,region,country,stage,home,fit.mission,fit.strategy,fit.culture,fit.reputation,fit.complementarity,fit.expertise,fit.reach,fit.innovation,tags,notes\r\n"
            + "medtech,MedTech GmbH,device_maker,private,EU,DE,prospect,false,3,4,,,5,4,,,,\r\n")
        let agreement = folder.read("a.csv") ?? ""
        #expect(agreement.hasPrefix("id,title,form,status,parties,starts,ends,review,notice,auto_renew,value,scope,decisions,kpis,milestones,health,phi,jurisdictions,tags\r\n"))
        #expect(agreement.contains(#""[{""partner"": ""mercy"", ""role"": ""lead"", ""contributes"": 2000000, ""equity"": 0.6, ""votes"": 1}, {""partner"": ""stateu"", ""role"": ""member"", ""contributes"": 500000, ""equity"": 0.4, ""votes"": 1}]""#))
    }

    @Test("a table exports its columns; markdown and JSON follow the extension")
    func tableExports() {
        let folder = TemporaryFolder()
        let harness = Harness(smallPortfolio)
        let printed = harness.expectSuccess("""
        export agreements | select id, value, note = title + " | x" to "a.md"
        export agreements | summarize total = sum(value) to "t.json"
        export partners | count to "n.csv"
        """, directory: folder.path)
        #expect(folder.read("a.md") == """
        | id | value | note |
        | --- | ---: | --- |
        | devices | 400000 | Device supply \\| x |
        | research | 1200000 | Joint research \\| x |
        | screening | 50000 | County screening \\| x |

        """)
        #expect(folder.read("t.json") == "[{\"total\": 1650000}]\n")
        #expect(folder.read("n.csv") == "value\r\n4\r\n")
        #expect(printed.isEmpty, "export prints nothing")
        #expect(harness.error("export partners to \"p.xlsx\"")?.code == .fileError)
    }

    @Test("export network writes the live partner network as DOT")
    func networkExport() {
        let folder = TemporaryFolder()
        let harness = Harness(smallPortfolio + "\nagreement gone { title: \"G\", form: mou, status: terminated, parties: [county, medtech] }")
        harness.expectSuccess("export network to \"n.dot\"", directory: folder.path)
        let text = folder.read("n.dot") ?? ""
        #expect(text.hasPrefix("graph partners {"))
        // one edge per pair, labelled with the live agreements the two share
        #expect(text.contains("\"mercy\" -- \"stateu\" [label=\"research, screening\", penwidth=2];"))
        #expect(text.contains("\"county\" -- \"mercy\" [label=\"screening\"];"))
        #expect(text.contains("\"medtech\" -- \"mercy\" [label=\"devices\"];"))
        #expect(text.components(separatedBy: " -- ").count - 1 == 4)
        #expect(!text.contains("gone"))
        #expect(text.contains("penwidth=3"), "the home partner stands out")
        #expect(text.hasSuffix("}\n"))
    }
}

@Suite("IO: atomic files")
struct AtomicFileTests {
    private func leftovers(_ folder: TemporaryFolder) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter { $0.contains(".tmp-") }
    }

    @Test("a write replaces the file and leaves no temporary file")
    func replaces() throws {
        let folder = TemporaryFolder()
        folder.write("x.txt", "old")
        chmod(folder.file("x.txt"), 0o640)
        try AtomicFile.write(Array("new".utf8), to: URL(fileURLWithPath: folder.file("x.txt")), range: .none, file: nil)
        #expect(folder.read("x.txt") == "new")
        #expect(leftovers(folder).isEmpty)
        var status = stat()
        stat(folder.file("x.txt"), &status)
        #expect(status.st_mode & 0o777 == 0o640, "the mode of the replaced file is kept")
    }

    /// Makes a folder refuse new files: permissions for an ordinary user; for root, which ignores
    /// them, the immutable attribute (`chattr +i`) where the file system has it.
    static func setReadOnly(_ path: String, _ readOnly: Bool) -> Bool {
        if getuid() != 0 { return chmod(path, readOnly ? 0o555 : 0o755) == 0 }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/chattr")
        process.arguments = [readOnly ? "+i" : "-i", path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }

    /// Whether this machine can make a folder refuse new files (see `setReadOnly`).
    static let canMakeReadOnly: Bool = {
        let folder = TemporaryFolder()
        guard setReadOnly(folder.path, true) else { return false }
        defer { _ = setReadOnly(folder.path, false) }
        return !FileManager.default.createFile(atPath: folder.file("probe"), contents: Data())
    }()

    @Test("when the folder is read-only the old file stays intact",
          .enabled(if: canMakeReadOnly, "needs a folder that refuses new files (chmod, or chattr +i as root)"))
    func readOnlyFolder() {
        let folder = TemporaryFolder()
        folder.write("x.txt", "old")
        #expect(Self.setReadOnly(folder.path, true))
        defer { _ = Self.setReadOnly(folder.path, false) }
        #expect(throws: Diagnostic.self) {
            try AtomicFile.write(Array("new".utf8), to: URL(fileURLWithPath: folder.file("x.txt")), range: .none, file: nil)
        }
        #expect(folder.read("x.txt") == "old")
        #expect(leftovers(folder).isEmpty)
        // the same through `save`
        let harness = Harness(smallPortfolio)
        let (status, _) = harness.run("save \"x.txt\"", directory: folder.path)
        #expect(status == .failed)
        #expect(harness.sink.diagnostics.first?.code == .fileError)
        #expect(folder.read("x.txt") == "old")
    }

    @Test("when the folder is missing nothing is written")
    func missingFolder() {
        let folder = TemporaryFolder()
        do {
            try AtomicFile.write(Array("new".utf8), to: URL(fileURLWithPath: folder.file("missing/x.txt")), range: .none, file: nil)
            Issue.record("wrote into a missing folder")
        } catch let diagnostic as Diagnostic {
            #expect(diagnostic.code == .fileError)
            #expect(diagnostic.help?.contains("does not exist") == true)
        } catch {
            Issue.record("unexpected error \(error)")
        }
        #expect(!FileManager.default.fileExists(atPath: folder.file("missing")))
    }

    @Test("when the rename fails the target stays intact and the temporary file is removed")
    func renameFails() {
        let folder = TemporaryFolder()
        // A non-empty folder where the file should go: the final rename fails.
        try? FileManager.default.createDirectory(atPath: folder.file("x.txt"), withIntermediateDirectories: true)
        folder.write("x.txt/keep", "old")
        #expect(throws: Diagnostic.self) {
            try AtomicFile.write(Array("new".utf8), to: URL(fileURLWithPath: folder.file("x.txt")), range: .none, file: nil)
        }
        #expect(folder.read("x.txt/keep") == "old")
        #expect(leftovers(folder).isEmpty)
    }

    @Test("a save that fails is an error and leaves no temporary file")
    func failedSave() {
        let folder = TemporaryFolder()
        let harness = Harness(smallPortfolio)
        try? FileManager.default.createDirectory(atPath: folder.file("dir.ally"), withIntermediateDirectories: true)
        folder.write("dir.ally/inner", "x")
        let (status, _) = harness.run("save \"dir.ally\"", directory: folder.path)
        #expect(status == .failed)
        #expect(harness.sink.diagnostics.first?.code == .fileError)
        #expect(folder.read("dir.ally/inner") == "x")
        #expect(leftovers(folder).isEmpty)
    }
}
