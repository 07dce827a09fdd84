import Foundation
import Testing
@testable import AllyKit

/// CSV files of a megabyte or more are read on a second thread while their rows are stored
/// (`Prefetcher`). The result, the first error and its row must be what a small file gives.
@Suite("IO: large CSV imports")
struct LargeImportTests {
    static let exports = [
        "export partners to \"partners.csv\"",
        "export agreements | select id, title, form, status, starts, ends, value to \"agreements.csv\"",
        "export agreements | parties to \"parties.csv\"",
        "export stakeholders to \"stakeholders.csv\"",
    ]

    static func generated(_ folder: TemporaryFolder) -> Harness {
        var text = ""
        PortfolioGenerator(partners: 2_500, seed: 11, today: testToday).write { text += $0 + "\n" }
        let harness = Harness(text)
        harness.expectSuccess(exports.joined(separator: "\n"), directory: folder.path)
        return harness
    }

    static func contents(_ folder: TemporaryFolder, _ name: String) -> String {
        folder.read(name) ?? ""
    }

    @Test("a large file imports to the same data, exported again byte for byte")
    func sameData() throws {
        let folder = TemporaryFolder()
        _ = Self.generated(folder)
        let big = try FileManager.default.attributesOfItem(atPath: folder.path + "/stakeholders.csv")[.size] as? Int ?? 0
        #expect(big >= Prefetching.minimumBytes, "the stakeholders file must take the second-thread path")
        let first = ["partners", "agreements", "parties", "stakeholders"].map { Self.contents(folder, "\($0).csv") }
        let reloaded = Harness()
        reloaded.expectSuccess("""
            import partners from "partners.csv"
            import agreements from "agreements.csv"
            import parties from "parties.csv"
            import stakeholders from "stakeholders.csv"
            """, directory: folder.path)
        let again = TemporaryFolder()
        reloaded.expectSuccess(Self.exports.joined(separator: "\n"), directory: again.path)
        let second = ["partners", "agreements", "parties", "stakeholders"].map { Self.contents(again, "\($0).csv") }
        #expect(first.allSatisfy { $0.count > 1000 })
        #expect(first == second)
        #expect(reloaded.number("stakeholders | count") ?? 0 > 20_000)
    }

    @Test("a bad row deep in a large file is reported with its row, and nothing is imported")
    func badRow() throws {
        let folder = TemporaryFolder()
        _ = Self.generated(folder)
        // The export ends records with CRLF (one Character in Swift, so split on the pair).
        var lines = Self.contents(folder, "stakeholders.csv").components(separatedBy: "\r\n")
        let header = lines[0].components(separatedBy: ",")
        let group = header.firstIndex(of: "group")!
        // Deep in the file (the reading thread is well ahead by then), then a second problem.
        let bad = lines.count * 4 / 5
        #expect(bad > 10_000, "stakeholders.csv has \(lines.count) lines")
        var cells = lines[bad].components(separatedBy: ",")
        cells[group] = "royalty"
        lines[bad] = cells.joined(separator: ",")
        lines[bad + 100] = "s_short,only two"
        try lines.joined(separator: "\r\n").write(toFile: folder.path + "/stakeholders.csv", atomically: true, encoding: .utf8)
        let harness = Harness()
        harness.expectSuccess("import partners from \"partners.csv\"", directory: folder.path)
        let (status, _) = harness.run("import stakeholders from \"stakeholders.csv\"", directory: folder.path)
        #expect(status == .failed)
        let message = harness.sink.diagnostics.first?.message ?? ""
        #expect(message.contains("stakeholders.csv: row \(bad + 1), column `group`"), "\(message)")
        #expect(message.contains("nothing was imported"))
        #expect(harness.number("stakeholders | count") == 0)
    }

    // Rows of a large file are converted, checked and built on the reading thread, against the
    // portfolio as it was when the import started; a row that check fails is checked again on
    // the importing thread, and only that answer counts.

    /// A partners file of more than a megabyte; rows `homes` are marked home.
    static func partnersCSV(count: Int, homes: Set<Int>) -> String {
        var text = "id,name,kind,home,fit.mission,notes\n"
        let notes = String(repeating: "n", count: 60)
        for i in 0..<count {
            let score = i % 11 == 0 ? "" : "\(Double(i % 10) / 2)"
            text += "q\(i),Partner \(i),academic,\(homes.contains(i)),\(score),\(notes)\n"
        }
        return text
    }

    /// The row number of line `index` of a split file (the header is row 1).
    static func rowNumber(_ index: Int) -> Int { index + 1 }

    @Test("the home partner is checked against rows stored before it, on the importing thread")
    func homePartner() throws {
        let folder = TemporaryFolder()
        folder.write("partners.csv", Self.partnersCSV(count: 14_000, homes: [9_000]))
        let size = try FileManager.default.attributesOfItem(atPath: folder.file("partners.csv"))[.size] as? Int ?? 0
        #expect(size >= Prefetching.minimumBytes)
        let harness = Harness()
        harness.expectSuccess("import partners from \"partners.csv\"", directory: folder.path)
        #expect(harness.number("partners | count") == 14_000)
        #expect(harness.column("partners | where home | select id") == ["q9000"])
        #expect(harness.column("partner q9001 | select fit.mission") == ["0.5"])
        // Rows without a score after rows with one (each row's scores are its own).
        #expect(harness.number("partners | where fit.mission == null | count") == Double((0..<14_000).filter { $0 % 11 == 0 }.count))

        folder.write("two.csv", Self.partnersCSV(count: 14_000, homes: [9_000, 12_000]))
        let again = Harness()
        let (status, _) = again.run("import partners from \"two.csv\"", directory: folder.path)
        #expect(status == .failed)
        let message = again.sink.diagnostics.first?.message ?? ""
        #expect(message.contains("two.csv: row 12002: `q9000` is already the home partner"), "\(message)")
        #expect(again.number("partners | count") == 0)
    }

    /// Imports the generated stakeholders with the row three quarters down edited (`edit` gets a
    /// column's index by name, the row's cells and every line); the import must fail. Returns its
    /// message, the edited row's number and how many stakeholders are left after it.
    static func importStakeholders(editing edit: (_ column: (String) -> Int, _ cells: inout [String], _ lines: [String]) -> Void)
        throws -> (message: String, row: Int, left: Double?) {
        let folder = TemporaryFolder()
        _ = generated(folder)
        var lines = contents(folder, "stakeholders.csv").components(separatedBy: "\r\n")
        let header = lines[0].components(separatedBy: ",")
        let bad = lines.count * 3 / 4
        var cells = lines[bad].components(separatedBy: ",")
        edit({ header.firstIndex(of: $0)! }, &cells, lines)
        lines[bad] = cells.joined(separator: ",")
        try lines.joined(separator: "\r\n").write(toFile: folder.file("stakeholders.csv"), atomically: true, encoding: .utf8)
        let harness = Harness()
        harness.expectSuccess("import partners from \"partners.csv\"", directory: folder.path)
        let (status, _) = harness.run("import stakeholders from \"stakeholders.csv\"", directory: folder.path)
        #expect(status == .failed)
        return (harness.sink.diagnostics.first?.message ?? "", rowNumber(bad), harness.number("stakeholders | count"))
    }

    @Test("a reference to a missing partner deep in a large file names its row and column")
    func missingReference() throws {
        let (message, row, left) = try Self.importStakeholders { column, cells, _ in cells[column("org")] = "nobody" }
        #expect(message.contains("stakeholders.csv: row \(row), column `org`: `org` refers to partner `nobody`, which does not exist"), "\(message)")
        #expect(left == 0)
    }

    @Test("a repeated id deep in a large file is reported before the row's other problems")
    func repeatedId() throws {
        var id = ""
        let (message, row, left) = try Self.importStakeholders { column, cells, lines in
            id = lines[10].components(separatedBy: ",")[column("id")]
            cells[column("id")] = id
            // (A bad enum case is caught as the cell is read, before the id is looked at; a
            // score out of range is caught with the row's other checks, after it.)
            cells[column("influence")] = "9"
        }
        #expect(message.contains("stakeholders.csv: row \(row), column `id`: `\(id)` appears twice in the file"), "\(message)")
        #expect(left == 0)
    }

    /// Partners, agreements and a parties file of more than a megabyte: every partner a
    /// party to every agreement.
    static func partiesFiles(_ folder: TemporaryFolder) -> [String] {
        let partners = (0..<300).map { String(format: "partner_with_a_long_identifier_%04d", $0) }
        folder.write("partners.csv", "id,name,kind\n" + partners.map { "\($0),Name of \($0),academic\n" }.joined())
        let agreements = (0..<60).map { "agreement_\($0)" }
        folder.write("agreements.csv", "id,title,form\n" + agreements.map { "\($0),Title of \($0),mou\n" }.joined())
        var lines = ["agreement,partner,role,contributes,equity,votes"]
        for agreement in agreements {
            for (index, partner) in partners.enumerated() {
                lines.append("\(agreement),\(partner),\(index == 0 ? "lead" : "member"),\(index * 1000),,1")
            }
        }
        return lines
    }

    @Test("party rows deep in a large file: a missing partner and a repeated party are reported with their rows")
    func partyRows() throws {
        let folder = TemporaryFolder()
        let original = Self.partiesFiles(folder)
        #expect(original.joined(separator: "\n").utf8.count >= Prefetching.minimumBytes)
        let bad = original.count * 3 / 4
        var lines = original
        var cells = lines[bad].components(separatedBy: ",")
        cells[1] = "nobody"
        lines[bad] = cells.joined(separator: ",")
        folder.write("missing.csv", lines.joined(separator: "\n"))
        lines = original
        lines.insert(lines[bad], at: bad + 1)
        folder.write("twice.csv", lines.joined(separator: "\n"))
        folder.write("good.csv", original.joined(separator: "\n"))
        let repeated = original[bad].components(separatedBy: ",")

        for (file, expected) in [("missing.csv", "missing.csv: row \(Self.rowNumber(bad)): `party.partner` refers to partner `nobody`, which does not exist"),
                                 ("twice.csv", "twice.csv: row \(Self.rowNumber(bad + 1)), column `partner`: `\(repeated[1])` is already a party to `\(repeated[0])`")] {
            let harness = Harness()
            harness.expectSuccess("import partners from \"partners.csv\"\nimport agreements from \"agreements.csv\"", directory: folder.path)
            let (status, _) = harness.run("import parties from \"\(file)\"", directory: folder.path)
            #expect(status == .failed)
            let message = harness.sink.diagnostics.first?.message ?? ""
            #expect(message.contains(expected), "\(message)")
            #expect(harness.number("agreements | parties | count") == 0)
        }
        let harness = Harness()
        harness.expectSuccess("import partners from \"partners.csv\"\nimport agreements from \"agreements.csv\"\nimport parties from \"good.csv\"", directory: folder.path)
        #expect(harness.number("agreements | parties | count") == 18_000)
        #expect(harness.number("agreements | parties | where role == lead | count") == 60)
        #expect(harness.number("agreements | parties | summarize sum(contributes)") == 60 * Double((0..<300).reduce(0, +) * 1000))
    }

    /// Party cells written every way the slow path reads them (padding, `_`, `k`, `%`, roles
    /// in any case of spacing, columns in another order, empty cells).
    static func variedPartyCells(_ index: Int, partner: String, generator: inout some RandomNumberGenerator) -> [String: String] {
        let roles = ["lead", "member", "observer", " lead", "member ", ""]
        let amounts = ["0", "1000", "1_000", "2k", " 250 ", "3.5M", "12.25", "", "0.5k"]
        let equities = ["", "0", "0.25", "50%", "1", " 0.5"]
        let votes = ["", "0", "1", "2.5", "3"]
        return ["partner": index % 7 == 0 ? " \(partner)" : partner, "role": roles.randomElement(using: &generator)!,
                "contributes": amounts.randomElement(using: &generator)!, "equity": equities.randomElement(using: &generator)!,
                "votes": votes.randomElement(using: &generator)!]
    }

    @Test("party rows with cells written every accepted way: one large file (two threads) imports what small files do")
    func quickPartiesMatch() throws {
        var generator = SystemRandomNumberGenerator()
        let folder = TemporaryFolder()
        _ = Self.partiesFiles(folder)
        let partners = (0..<300).map { String(format: "partner_with_a_long_identifier_%04d", $0) }
        let columns = ["votes", "partner", "agreement", "equity", "role", "contributes"]
        var rows: [String] = []
        for agreement in (0..<60).map({ "agreement_\($0)" }) {
            for (index, partner) in partners.enumerated() {
                var cells = Self.variedPartyCells(index, partner: partner, generator: &generator)
                cells["agreement"] = agreement
                rows.append(columns.map { cells[$0]! }.joined(separator: ","))
            }
        }
        let header = columns.joined(separator: ",")
        folder.write("big.csv", ([header] + rows).joined(separator: "\n"))
        #expect(([header] + rows).joined(separator: "\n").utf8.count >= Prefetching.minimumBytes)
        // The same rows in files too small for a reading thread.
        let chunks = stride(from: 0, to: rows.count, by: 2_000).map { Array(rows[$0..<min($0 + 2_000, rows.count)]) }
        for (index, chunk) in chunks.enumerated() { folder.write("small\(index).csv", ([header] + chunk).joined(separator: "\n")) }
        let setup = "import partners from \"partners.csv\"\nimport agreements from \"agreements.csv\""
        let big = Harness(), small = Harness()
        big.expectSuccess(setup + "\nimport parties from \"big.csv\"", directory: folder.path)
        small.expectSuccess(setup + "\n" + chunks.indices.map { "import parties from \"small\($0).csv\"" }.joined(separator: "\n"), directory: folder.path)
        let query = "agreements | parties | select agreement, partner, role, contributes, equity, votes"
        #expect(big.column(query).count == 18_000)
        let bigTable = big.expectSuccess(query), smallTable = small.expectSuccess(query)
        #expect("\(bigTable)" == "\(smallTable)")
        #expect(big.number("agreements | parties | where role == observer | count") ?? 0 > 0)

        // A bad cell deep in the big file: the same message as from a small file.
        for (column, bad, expected) in [("contributes", "-5", "cannot be negative"), ("equity", "150%", "from 0% to 100%"),
                                        ("role", "boss", "is not a Role"), ("votes", "many", "is not a number")] {
            Self.expectSameFirstError(folder: folder, setup: setup, type: "parties", header: header, rows: rows,
                                      at: rows.count * 2 / 3, edits: [(column, bad)], expected: expected, left: "agreements | parties | count")
        }
    }

    @Test("entity rows with cells written every accepted way: one large file (two threads) imports what small files do")
    func quickEntitiesMatch() throws {
        var g = SystemRandomNumberGenerator()
        func pick(_ options: [String]) -> String { options.randomElement(using: &g)! }
        let folder = TemporaryFolder()
        let partnerIds = (0..<15_000).map { "partner_\($0)" }
        var files: [String: (header: String, rows: [String])] = [:]
        files["partners"] = ("id,name,kind,sector,region,country,stage,home,fit.mission,fit.reach,tags,notes",
            partnerIds.map { id in
                [id, "Name \(id)", pick(["academic", " hospital", "payer ", "startup"]), pick(["", "private", "public"]),
                 pick(["", "EU", "US-West"]), pick(["", "DE", "US"]), pick(["prospect", "partnered", " piloting"]),
                 pick(["", "false", "no", "0", "FALSE"]), pick(["", "4.5", " 3 ", "0", "5"]), pick(["", "2.25", "1_0"].map { $0 == "1_0" ? "1" : $0 }),
                 pick(["", "a;b", "teaching"]), pick(["", "note"])].joined(separator: ",")
            })
        files["agreements"] = ("id,title,form,status,starts,ends,value,auto_renew,phi,health",
            (0..<15_000).map { index in
                ["agreement_\(index)", "Title \(index)", pick(["mou", " joint_venture", "supply_chain"]), pick(["", "active", "proposed "]),
                 pick(["", "2024-01-15", " 2023-12-31"]), pick(["", "2027-06-30"]), pick(["", "1000", "2k", "1_500", "3.5M", " 250 "]),
                 pick(["", "true", "Yes", "1", "no"]), pick(["", "false", "TRUE"]), pick(["", "1", "4.5", "5"])].joined(separator: ",")
            })
        files["stakeholders"] = ("id,name,org,group,influence,interest,stance,title",
            (0..<20_000).map { index in
                ["s\(index)", "Person \(index)", pick(partnerIds), pick(["clinical", " executive", "operations "]),
                 pick(["1", "5", " 3", "4"]), pick(["", "2", "5"]), pick(["", "supporter", " neutral"]), pick(["", "Dr"])].joined(separator: ",")
            })
        var bigScript: [String] = [], smallScript: [String] = []
        for type in ["partners", "agreements", "stakeholders"] {
            let (header, rows) = files[type]!
            let text = ([header] + rows).joined(separator: "\n")
            #expect(text.utf8.count >= Prefetching.minimumBytes, "\(type)")
            folder.write("\(type).csv", text)
            bigScript.append("import \(type) from \"\(type).csv\"")
            for (index, start) in stride(from: 0, to: rows.count, by: 3_000).enumerated() {
                folder.write("\(type)\(index).csv", ([header] + rows[start..<min(start + 3_000, rows.count)]).joined(separator: "\n"))
                smallScript.append("import \(type) from \"\(type)\(index).csv\"")
            }
        }
        let big = Harness(), small = Harness()
        big.expectSuccess(bigScript.joined(separator: "\n"), directory: folder.path)
        small.expectSuccess(smallScript.joined(separator: "\n"), directory: folder.path)
        let outBig = TemporaryFolder(), outSmall = TemporaryFolder()
        big.expectSuccess(Self.exports.joined(separator: "\n"), directory: outBig.path)
        small.expectSuccess(Self.exports.joined(separator: "\n"), directory: outSmall.path)
        for name in ["partners", "agreements", "stakeholders"] {
            let a = Self.contents(outBig, "\(name).csv"), b = Self.contents(outSmall, "\(name).csv")
            #expect(a.count > 100_000, "\(name)")
            #expect(a == b, "\(name)")
        }

        // Bad cells deep in the large file: the first error, and its words, are the small file's.
        let setup = "import partners from \"partners.csv\"\nimport agreements from \"agreements.csv\""
        let (header, rows) = files["stakeholders"]!
        for (edits, expected) in [([("group", "nurse")], "is not a Group"), ([("influence", "9")], "from 1 to 5"),
                                  ([("org", "partner_none")], "does not exist"),
                                  ([("influence", "7"), ("stance", "friendly")], "is not a Stance"),
                                  ([("org", "partner_none"), ("interest", "0")], "whole number from 1 to 5")] {
            Self.expectSameFirstError(folder: folder, setup: setup, type: "stakeholders", header: header, rows: rows,
                                      at: rows.count * 3 / 4, edits: edits, expected: expected, left: "stakeholders | count")
        }
    }

    /// Edits row `at` of `rows` and imports them as `type` from one large file, and from a
    /// file holding only that row at the same row number: both fail with the same first error
    /// (which contains `expected`), and `left` counts nothing afterwards.
    static func expectSameFirstError(folder: TemporaryFolder, setup: String, type: String, header: String, rows: [String], at: Int,
                                     edits: [(String, String)], expected: String, left: String,
                                     sourceLocation: SourceLocation = #_sourceLocation) {
        let columns = header.components(separatedBy: ",")
        var cells = rows[at].components(separatedBy: ",")
        for (column, value) in edits { cells[columns.firstIndex(of: column)!] = value }
        var broken = rows
        broken[at] = cells.joined(separator: ",")
        folder.write("broken.csv", ([header] + broken).joined(separator: "\n"))
        folder.write("one.csv", ([header] + Array(repeating: "", count: at) + [broken[at]]).joined(separator: "\n"))
        var messages: [String] = []
        for file in ["broken.csv", "one.csv"] {
            let harness = Harness()
            harness.expectSuccess(setup, directory: folder.path)
            let (status, _) = harness.run("import \(type) from \"\(file)\"", directory: folder.path)
            #expect(status == .failed, sourceLocation: sourceLocation)
            messages.append((harness.sink.diagnostics.first?.message ?? "").replacingOccurrences(of: file, with: "F"))
            #expect(harness.number(left) == 0, sourceLocation: sourceLocation)
        }
        #expect(messages[0] == messages[1], "\(edits)", sourceLocation: sourceLocation)
        #expect(messages[0].contains(expected), "\(messages[0])", sourceLocation: sourceLocation)
    }

    @Test("relation indexes after an import answer as indexes kept definition by definition; a failed import leaves them right")
    func relationIndexesAfterImport() throws {
        let folder = TemporaryFolder()
        let defined = Self.generated(folder)
        let imported = Harness()
        // An import leaves its relation-index entries to be settled a batch at a time: small
        // batches here, so that the files below settle many times, and fail after some did.
        imported.session.scenarios.current.portfolio.deferredEditsLimit = 97
        // Parties first fail (a bad last row: every row is rolled back), then import in two
        // halves (every other row), so that the second adds parties to agreements that have
        // some, then fail again on top of those (rolled back to them).
        // (The export ends its records with CRLF, one Character in Swift.)
        let parties = Self.contents(folder, "parties.csv").split(separator: "\r\n").map(String.init)
        let rows = parties.dropFirst()
        #expect(rows.count > 10_000)
        func file(_ lines: some Sequence<String>) -> String { ([parties[0]] + lines).joined(separator: "\n") + "\n" }
        folder.write("bad_parties.csv", file(rows + ["nope,nobody,lead,1,,1"]))
        folder.write("even_parties.csv", file(rows.enumerated().filter { $0.offset % 2 == 0 }.map(\.element)))
        folder.write("odd_parties.csv", file(rows.enumerated().filter { $0.offset % 2 == 1 }.map(\.element)))
        imported.expectSuccess("import partners from \"partners.csv\"\nimport agreements from \"agreements.csv\"", directory: folder.path)
        var (status, _) = imported.run("import parties from \"bad_parties.csv\"", directory: folder.path)
        #expect(status == .failed)
        #expect(imported.number("partners | agreements | count") == 0)
        imported.expectSuccess("import parties from \"even_parties.csv\"", directory: folder.path)
        let half = imported.column("partners | agreements | select id")
        #expect(half.count > 5_000)
        (status, _) = imported.run("import parties from \"bad_parties.csv\"", directory: folder.path)
        #expect(status == .failed)
        #expect(imported.column("partners | agreements | select id") == half)
        imported.expectSuccess("import parties from \"odd_parties.csv\"\nimport stakeholders from \"stakeholders.csv\"", directory: folder.path)
        for query in ["partners | agreements | count", "partners | stakeholders | count", "agreements | partners | count"] {
            #expect(imported.number(query) == defined.number(query), "\(query)")
        }
        let ids = defined.column("partners | sort id | select id")
        #expect(ids.count > 1000)
        for id in stride(from: 0, to: ids.count, by: 97).map({ ids[$0] }) {
            for query in ["partner \(id) | agreements | select id", "partner \(id) | stakeholders | select id"] {
                #expect(imported.column(query) == defined.column(query), "\(query)")
            }
        }
        // Cascades read the indexes: removing a partner takes its stakeholders and its parties.
        let busy = defined.column("agreements | parties | summarize n = count() by partner | sort n desc | take 1 | select partner")[0]
        for harness in [defined, imported] { harness.expectSuccess("remove partner \(busy)") }
        for query in ["stakeholders | count", "agreements | parties | count", "partners | agreements | count"] {
            #expect(imported.number(query) == defined.number(query), "\(query)")
        }
        // A second import into indexes that are no longer empty keeps them row by row.
        folder.write("more_partners.csv", "id,name,kind\nextra_one,Extra,academic\n")
        folder.write("more_stakeholders.csv", "id,name,org,group\nextra_person,Person,extra_one,clinical\n")
        imported.expectSuccess("import partners from \"more_partners.csv\"\nimport stakeholders from \"more_stakeholders.csv\"", directory: folder.path)
        #expect(imported.column("partner extra_one | stakeholders | select id") == ["extra_person"])
    }
}
