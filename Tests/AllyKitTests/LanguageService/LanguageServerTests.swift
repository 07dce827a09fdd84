import Foundation
import Testing
@testable import AllyKit

@Suite("LSP message framing")
struct MessageFramingTests {
    /// A reader over fixed bytes, handed out `chunk` bytes at a time.
    static func reader(_ bytes: [UInt8], chunk: Int) -> MessageReader {
        var offset = 0
        return MessageReader { buffer in
            let count = min(chunk, bytes.count - offset, buffer.count)
            for index in 0..<count { buffer[index] = bytes[offset + index] }
            offset += count
            return count
        }
    }

    @Test(arguments: [1, 7, 1 << 16])
    func messagesSplitAnywhereAreReadWhole(chunk: Int) throws {
        let first = Array(#"{"id":1}"#.utf8), second = Array("{\"text\":\"é\"}".utf8)
        var stream = MessageWriter.frame(first)
        stream += Array("Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n".utf8)
        stream += MessageWriter.frame(second)
        var reader = Self.reader(stream, chunk: chunk)
        #expect(try reader.next() == first)
        #expect(try reader.next() == second)
        #expect(throws: MessageReader.Failure.endOfInput) { try reader.next() }
    }

    @Test func aHeaderWithoutLengthIsAnError() {
        var reader = Self.reader(Array("Content-Type: x\r\n\r\n{}".utf8), chunk: 100)
        #expect(throws: MessageReader.Failure.badHeader("no Content-Length")) { try reader.next() }
        var garbage = Self.reader(Array("hello\r\n\r\n".utf8), chunk: 100)
        #expect(throws: MessageReader.Failure.badHeader("hello")) { try garbage.next() }
    }
}

@Suite("Language server")
struct LanguageServerTests {
    final class Wire {
        var messages: [[String: Any]] = []
        func receive(_ bytes: [UInt8]) {
            var reader = MessageFramingTests.reader(bytes, chunk: 1 << 20)
            while let body = try? reader.next() {
                messages.append((try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] ?? [:])
            }
        }
    }

    static func server() -> (LanguageServer, Wire) {
        let wire = Wire()
        return (LanguageServer(today: testToday, send: wire.receive), wire)
    }

    static let uri = "file:///tmp/report.ally"

    /// Hands the server a message as the wire brings it: JSON text, read by the project's reader.
    static func handle(_ server: LanguageServer, _ message: [String: Any]) {
        let body = Array(try! JSONSerialization.data(withJSONObject: message))
        guard case .record(let record) = try! JSONReader<[UInt8]>.parse(body) else { return }
        server.handle(record)
    }

    static func open(_ server: LanguageServer, _ text: String) {
        handle(server, ["method": "textDocument/didOpen", "params": ["textDocument": ["uri": uri, "text": text]]])
    }

    static func request(_ server: LanguageServer, _ wire: Wire, _ method: String, line: Int = 0, character: Int = 0) -> Any? {
        handle(server, ["id": 7, "method": method,
                        "params": ["textDocument": ["uri": uri], "position": ["line": line, "character": character]]])
        return wire.messages.last?["result"]
    }

    @Test func diagnosticsAreTheCheckersWithHelpAsRelatedInformation() throws {
        let (server, wire) = Self.server()
        Self.open(server, "partner a { name: \"A\", kind: hospital }\npartners | where kind == hostpital\n")
        let params = try #require(wire.messages.last?["params"] as? [String: Any])
        let diagnostics = try #require(params["diagnostics"] as? [[String: Any]])
        #expect(diagnostics.count == 1)
        #expect(diagnostics.first?["code"] as? String == "E0202")
        let start = (diagnostics.first?["range"] as? [String: Any])?["start"] as? [String: Int]
        #expect(start == ["line": 1, "character": 25])
        let related = diagnostics.first?["relatedInformation"] as? [[String: Any]]
        #expect((related?.first?["message"] as? String)?.contains("hospital") == true)
    }

    @Test func positionsCountUTF16Units() {
        let file = SourceFile(name: "t", text: "let é😀 = 1\nx")
        let lines = LineTable(file)
        // `=` is byte 11 (é is 2 bytes, 😀 4), UTF-16 column 8 (😀 is two units).
        #expect(lines.position(of: 11) == (0, 8))
        #expect(lines.offset(line: 0, character: 8) == 11)
        #expect(lines.offset(line: 0, character: 6) == 10)  // inside 😀's two units: past it
        #expect(lines.offset(line: 0, character: 99) == 14)  // past the end: the line's end
        #expect(lines.offset(line: 1, character: 0) == 15)
    }

    @Test func incrementalChangesApplyInOrderAtUTF16Columns() throws {
        let (server, wire) = Self.server()
        Self.open(server, "let é = 1\nlet b = 2\n")
        // `1` is at UTF-16 column 8 (é is one unit, two bytes); then a line goes on top.
        Self.handle(server, ["method": "textDocument/didChange", "params": [
            "textDocument": ["uri": Self.uri, "version": 2], "contentChanges": [
                ["range": ["start": ["line": 0, "character": 8], "end": ["line": 0, "character": 9]], "text": "10"],
                ["range": ["start": ["line": 0, "character": 0], "end": ["line": 0, "character": 0]], "text": "# top\n"],
            ]]])
        let document = try #require(server.documents[Self.uri])
        #expect(String(decoding: document.file.bytes, as: UTF8.self) == "# top\nlet é = 10\nlet b = 2\n")
        #expect(document.version == 2)
        // A change without a range is the whole text; one with an error gets its diagnostic.
        Self.handle(server, ["method": "textDocument/didChange", "params": [
            "textDocument": ["uri": Self.uri, "version": 3], "contentChanges": [["text": "let x = 1\nx | nope\n"]]]])
        #expect(String(decoding: try #require(server.documents[Self.uri]).file.bytes, as: UTF8.self) == "let x = 1\nx | nope\n")
        let params = try #require(wire.messages.last?["params"] as? [String: Any])
        #expect((params["diagnostics"] as? [[String: Any]])?.count == 1)
        #expect(params["version"] as? Int == 3)
    }

    @Test func semanticTokensCountUTF16Columns() throws {
        let (server, wire) = Self.server()
        Self.open(server, "let n = \"😀\" # c\nn | take 2\n")
        let data = try #require((Self.request(server, wire, "textDocument/semanticTokens/full") as? [String: Any])?["data"] as? [Int])
        let tokens = stride(from: 0, to: data.count, by: 5).map { Array(data[$0..<$0 + 5]) }
        // let, n, =, the string (😀 is two UTF-16 units), the comment; n, |, take, 2.
        #expect(tokens == [[0, 0, 3, 0, 0], [0, 4, 1, 1, 0], [0, 2, 1, 7, 0], [0, 2, 4, 4, 0], [0, 5, 3, 6, 0],
                           [1, 0, 1, 1, 0], [0, 2, 1, 7, 0], [0, 2, 4, 0, 0], [0, 5, 1, 5, 0]])
    }

    @Test func definitionsReferencesAndSymbols() throws {
        let (server, wire) = Self.server()
        Self.open(server, "let big = partners | take 3\nscenario plan\nbig | count\nmetric n = big | count\n")
        let definition = try #require(Self.request(server, wire, "textDocument/definition", line: 2, character: 1) as? [String: Any])
        #expect(((definition["range"] as? [String: Any])?["start"] as? [String: Int]) == ["line": 0, "character": 4])
        let references = try #require(Self.request(server, wire, "textDocument/references", line: 0, character: 5) as? [[String: Any]])
        #expect(references.count == 3)
        let symbols = try #require(Self.request(server, wire, "textDocument/documentSymbol") as? [[String: Any]])
        #expect(symbols.map { $0["name"] as? String } == ["big", "plan", "n"])
    }

    @Test func unknownMethodsGetAnErrorAndExitEndsTheLoop() {
        let (server, wire) = Self.server()
        Self.handle(server, ["id": 1, "method": "workspace/frobnicate", "params": [String: Any]()])
        #expect((wire.messages.last?["error"] as? [String: Any])?["code"] as? Int == -32601)
        var reader = MessageFramingTests.reader(MessageWriter.frame(Array(#"{"jsonrpc":"2.0","id":2,"method":"shutdown"}"#.utf8))
                                                + MessageWriter.frame(Array(#"{"jsonrpc":"2.0","method":"exit"}"#.utf8)), chunk: 5)
        #expect(server.serve(&reader) == 0)
    }
}
