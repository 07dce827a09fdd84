import Foundation
import Testing
@testable import AllyKit

/// A mapped file another program shortens while Ally reads it: the read past the new end must
/// not end the process (SIGBUS), and the reader must learn that the file changed.
@Suite("IO: files shortened while read")
struct MappedFileTests {
    static let page = MappedFile.pageSize

    @Test("a read past the new end sees zeros and marks the map changed")
    func readPastEnd() throws {
        let folder = TemporaryFolder()
        folder.write("data.csv", bytes: Array(repeating: UInt8(ascii: "x"), count: Self.page * 3))
        let mapped = try #require(MappedFile(path: folder.file("data.csv")))
        #expect(mapped.bytes[Self.page * 2] == UInt8(ascii: "x"))
        #expect(!mapped.changedWhileRead)
        #expect(truncate(folder.file("data.csv"), 100) == 0)
        #expect(mapped.bytes[10] == UInt8(ascii: "x"))
        #expect(mapped.bytes[Self.page * 2 + 5] == 0)
        #expect(mapped.changedWhileRead)
        // Another map of the same file is not marked by this one's fault.
        let other = try #require(MappedFile(path: folder.file("data.csv")))
        #expect(!other.changedWhileRead)
    }

    @Test("a script shortened after it was opened reports the change, not a syntax error")
    func script() throws {
        let folder = TemporaryFolder()
        var text = "partner early { name: \"Early\", kind: academic }\n"
        while text.utf8.count < Self.page * 4 { text += "# padding line to fill a few pages of the script file\n" }
        text += "partner late { name: \"Late\", kind: academic }\n"
        folder.write("script.ally", text)
        let file = try SourceFile(contentsOf: folder.file("script.ally"))
        #expect(truncate(folder.file("script.ally"), Self.page) == 0)
        let harness = Harness()
        let status = harness.session.run(file, sink: harness.sink)
        #expect(status == .failed)
        let messages = harness.sink.diagnostics.map(\.message)
        #expect(messages.count == 1)
        #expect(messages.first?.contains("script.ally changed while it was being read") == true, "\(messages)")
    }
}
