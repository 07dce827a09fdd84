import Testing
@testable import AllyKit

/// Plain CSV cells and party rows are read in one step (`DataImporter.quickCell`,
/// `PartyReader.quickParty`), on either thread of an import. Whenever the one step gives an
/// answer, it must be exactly what the general two-step reading (convert, then validate) gives;
/// whenever the general reading fails, the one step must give no answer.
@Suite("IO: one-step reading of plain cells")
struct QuickReadTests {
    static let texts = ["", " ", "0", "1", "3", "5", "6", "-1", " 2 ", "2.5", "3.0", "1_000", "2k", "3.5M", "1B", "50%", "150%",
                        "-0", "nan", "inf", "-inf", "1e3", "abc", "true", "True", "YES", "no", "FALSE", "2024-01-15",
                        " 2024-02-29", "2023-02-29", "2024-13-01", "academic", " hospital ", "Academic", "lead", "member ",
                        "observer", "boss", "p1", " p1", "p1 ", "nobody", "p 1", "_x", "9x", "'=1", "12345678901234567"]
    static let types: [FieldType] = [.string, .identifier, .number, .percent, .integer(1...5), .bounded(0...5), .bool, .date,
                                     .enumeration(.partnerKind), .enumeration(.role), .reference(.partner), .list(.string), .duration]

    static func references() -> ReferenceSnapshot {
        var portfolio = Portfolio()
        portfolio.put(Partner(id: "p1", name: "One", kind: EnumType.partnerKind.value("academic")))
        return ReferenceSnapshot(portfolio, excluding: .agreement)
    }

    @Test("a cell the one step reads equals the two-step reading; one the two steps reject, it does not read")
    func cellsAgree() {
        let references = Self.references()
        let validator = FieldValidator(file: SourceFile(name: "t", text: ""), references: references)
        var answered = 0
        for type in Self.types {
            for text in Self.texts {
                let raw = Value.string(text)
                let quick = DataImporter.quickCell(raw, as: type, references: references)
                let slow = try? validator.validate(try DataImporter.convert(raw, to: type, row: 1, column: "c"), as: type,
                                                   nullable: true, field: "c", range: .none)
                if let quick {
                    answered += 1
                    #expect(quick == slow, "\(type) \(text.debugDescription): \(quick) vs \(String(describing: slow))")
                }
                if slow == nil { #expect(quick == nil, "\(type) \(text.debugDescription)") }
            }
        }
        #expect(answered > 80, "the one step reads most plain cells: \(answered)")
    }

    @Test("a party row the one step reads equals the two-step reading; one the two steps reject, it does not read")
    func partiesAgree() {
        var generator = SystemRandomNumberGenerator()
        let references = Self.references()
        let validator = FieldValidator(file: SourceFile(name: "t", text: ""), references: references)
        let columnSets = [["agreement", "partner", "role", "contributes", "equity", "votes"], ["partner", "agreement"],
                          ["votes", "equity", "partner", "agreement", "contributes", "role"], ["agreement", "role", "contributes"],
                          ["agreement", "partner", "partner"], ["agreement", "partner", "share"]]
        let anything = ["", "p1", " p1", "nobody", "lead", "member", " observer", "boss", "0", "1000", "-5", "2k", "50%", "150%",
                        "0.25", "1", "nan", "inf", "a1"]
        // Mostly cells that fit their column, so that most rows are plain; some of anything.
        let fitting: [String: [String]] = ["agreement": ["a1", "a2", " a3"], "partner": ["p1", " p1", "p1 ", "nobody"],
                                           "role": ["lead", "member", " observer", "Lead"], "contributes": ["0", "1000", "2k", "-5", "1_500"],
                                           "equity": ["0.25", "50%", "1", "150%"], "votes": ["0", "1", "2.5", "nan"]]
        var answered = 0
        for _ in 0..<4_000 {
            let columns = columnSets.randomElement(using: &generator)!
            let values: [Value?] = columns.map { column in
                let pool = Int.random(in: 0..<5, using: &generator) == 0 ? anything : fitting[column] ?? anything
                let text = pool.randomElement(using: &generator)!
                return text.isEmpty ? nil : .string(text)
            }
            let row = DataImporter.Row(number: 2, columns: columns, cells: values)
            var quickReader = DataImporter.PartyReader(), slowReader = DataImporter.PartyReader()
            let quick = quickReader.quickParty(row, references: references)
            var slow: (String?, Party)?
            if let (agreementId, record) = try? slowReader.read(row),
               let party = try? DataImporter.PartyReader.party(record, row: 2, validator: validator, range: .none) {
                slow = (agreementId, party)
            }
            if let quick {
                answered += 1
                #expect(quick.agreementId == slow?.0 && quick.party == slow?.1, "\(columns) \(values)")
            }
            if slow == nil { #expect(quick == nil, "\(columns) \(values)") }
        }
        #expect(answered > 400, "the one step reads plain rows: \(answered)")
    }
}
