/// The JSON and CSV readers, reachable from outside the library for the fuzzer
/// (Sources/AllyFuzz): each reads a whole text and reports whether it was well formed, checking
/// on the way what must hold for any input.
public enum ReaderProbe {
    /// Reads `bytes` as a JSON document and as an import file (an array read element by
    /// element); true when it is valid JSON.
    @discardableResult
    public static func readJSON(_ bytes: [UInt8]) -> Bool {
        let whole: Value?
        do { whole = try JSONReader.parse(bytes) } catch let failure as JSONFailure {
            precondition(failure.offset >= 0 && failure.offset <= bytes.count, "a JSON failure points outside the text")
            whole = nil
        } catch { preconditionFailure("JSONReader threw \(error)") }
        var elements = 0
        do {
            try JSONReader.forEachElement(bytes, notAnArray: "not an array") { _ in elements += 1 }
        } catch let failure as JSONFailure {
            precondition(failure.offset >= 0 && failure.offset <= bytes.count, "a JSON failure points outside the text")
            precondition(whole == nil || !failure.isSyntax, "forEachElement refuses a text that parse reads")
        } catch { preconditionFailure("forEachElement threw \(error)") }
        if case .list(let items)? = whole { precondition(items.count == elements, "forEachElement saw another number of elements") }
        return whole != nil
    }

    /// Reads `bytes` as CSV, record by record; the number of records, or nil when a quoted
    /// cell is not closed.
    @discardableResult
    public static func readCSV(_ bytes: [UInt8]) -> Int? {
        var reader = CSVReader(bytes)
        var records = 0
        var lastOffset = reader.offset
        do {
            while let cells = try reader.next() {
                records += 1
                precondition(reader.offset > lastOffset, "a CSV record read nothing")
                lastOffset = reader.offset
                // A cell as an import reads it: a list, or JSON for a record-valued field.
                for cell in cells.prefix(8) {
                    _ = try? DataImporter.convert(.string(cell.text), to: .list(.string), row: records, column: "tags")
                    _ = try? DataImporter.convert(.string(cell.text), to: .fit, row: records, column: "fit")
                }
            }
        } catch is JSONFailure {
            return nil
        } catch { preconditionFailure("CSVReader threw \(error)") }
        return records
    }
}
