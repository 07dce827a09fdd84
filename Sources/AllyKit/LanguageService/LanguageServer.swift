import Foundation

/// `ally lsp`: the Language Server Protocol over a pair of byte streams, with the shell's own
/// checker, completer, field catalog and formatter behind it. It writes only through the
/// `send` closure it is given (the executable passes stdout). Messages are read with the
/// project's JSON reader and answers written straight to bytes (`JSONWriter`).
public final class LanguageServer {
    private let send: ([UInt8]) -> Void
    private let today: Day
    var documents: [String: OpenDocument] = [:]
    private var shutdownRequested = false

    public init(today: Day, send: @escaping ([UInt8]) -> Void) {
        self.today = today
        self.send = send
    }

    /// A request's id, echoed in its answer: a number or a string.
    enum RequestID {
        case number(Int), string(String)

        init?(_ value: Value?) {
            switch value {
            case .string(let text)?: self = .string(text)
            case .number(let number)? where number.rounded() == number && abs(number) < 1e15: self = .number(Int(number))
            default: return nil
            }
        }
    }

    /// Serves messages until `exit` or the end of the input; returns the process exit status.
    public func serve(_ reader: inout MessageReader) -> Int32 {
        while true {
            let body: [UInt8]
            do {
                body = try reader.next()
            } catch {
                return shutdownRequested ? 0 : 1
            }
            guard case .record(let message)? = try? JSONReader<[UInt8]>.parse(body) else {
                reply(id: nil, error: (-32700, "the message is not JSON"))
                continue
            }
            if message["method"]?.string == "exit" { return shutdownRequested ? 0 : 1 }
            handle(message)
        }
    }

    /// Handles one message (a request, answered; or a notification).
    func handle(_ message: Record) {
        let method = message["method"]?.string ?? ""
        let params = message["params"]
        let id = RequestID(message["id"])
        let uri = params?["textDocument"]?["uri"]?.string
        switch method {
        case "initialize":
            if let id { reply(id: id) { Self.writeCapabilities(into: &$0) } }
        case "shutdown":
            shutdownRequested = true
            if let id { reply(id: id) { $0.null() } }
        case "textDocument/didOpen":
            let document = params?["textDocument"]
            open(uri: uri ?? "", version: document?["version"]?.int, text: Array((document?["text"]?.string ?? "").utf8))
        case "textDocument/didChange":
            if let uri, case .list(let changes)? = params?["contentChanges"],
               let text = Self.applying(changes, to: documents[uri]) {
                open(uri: uri, version: params?["textDocument"]?["version"]?.int, text: text)
            }
        case "textDocument/didClose":
            if let uri {
                documents[uri] = nil
                notify("textDocument/publishDiagnostics") { json in json.field("uri", uri); json.field("diagnostics") { $0.array { _ in } } }
            }
        default:
            guard let id else { return }  // a notification this server does not act on
            guard let uri, let document = documents[uri] else {
                return reply(id: id, error: (-32601, "`\(method)` is not supported, or the document is not open"))
            }
            answer(method, id: id, params: params, document: document)
        }
    }

    /// Answers a request about an open document.
    private func answer(_ method: String, id: RequestID, params: Value?, document: OpenDocument) {
        let position = params?["position"]
        let offset = position.map { document.lines.offset(line: $0["line"]?.int ?? 0, character: $0["character"]?.int ?? 0) } ?? 0
        switch method {
        case "textDocument/completion": reply(id: id) { document.features.completion(at: offset, into: &$0) }
        case "textDocument/hover": reply(id: id) { document.features.hover(at: offset, into: &$0) }
        case "textDocument/definition": reply(id: id) { document.features.definition(at: offset, into: &$0) }
        case "textDocument/references": reply(id: id) { document.features.references(at: offset, into: &$0) }
        // The whole-file answers are kept for the document's version.
        case "textDocument/documentSymbol": reply(id: id, cached: document.symbols)
        case "textDocument/semanticTokens/full": reply(id: id, cached: document.semanticTokens)
        case "textDocument/formatting": reply(id: id, cached: document.formattingEdits)
        default: reply(id: id, error: (-32601, "`\(method)` is not supported"))
        }
    }

    static func writeCapabilities(into json: inout JSONWriter) {
        json.object { json in
            json.field("capabilities") { json in
                json.object { json in
                    json.field("textDocumentSync", 2)  // incremental
                    json.field("completionProvider") { json in
                        json.object { json in json.field("triggerCharacters") { json in json.array { for text in ["|", " ", ".", "\""] { $0.string(text) } } } }
                    }
                    for provider: StaticString in ["hoverProvider", "definitionProvider", "referencesProvider",
                                                   "documentSymbolProvider", "documentFormattingProvider"] {
                        json.field(provider, true)
                    }
                    json.field("semanticTokensProvider") { json in
                        json.object { json in
                            json.field("legend") { json in
                                json.object { json in
                                    json.field("tokenTypes") { json in json.array { for type in LanguageFeatures.tokenTypes { $0.string(type) } } }
                                    json.field("tokenModifiers") { $0.array { _ in } }
                                }
                            }
                            json.field("full", true)
                        }
                    }
                }
            }
            json.field("serverInfo") { json in json.object { $0.field("name", "ally"); $0.field("version", "0.1.0") } }
        }
    }

    /// The text after a `didChange`'s changes, in order: each replaces a range (incremental
    /// sync, which the server asks for: an edit then sends the edit, not the whole 1 MB), or,
    /// without a range, the whole text. Nil when a range edits a document that is not open.
    static func applying(_ changes: [Value], to document: OpenDocument?) -> [UInt8]? {
        var text = document.map { Array($0.file.bytes) }
        for change in changes {
            guard let newText = change["text"]?.string else { continue }
            guard let range = change["range"] else {
                text = Array(newText.utf8)
                continue
            }
            guard var edited = text else { return nil }
            let (start, end) = edited.withUnsafeBytes { bytes in
                let lines = LineTable(bytes: bytes)
                func offset(_ position: Value?) -> Int {
                    lines.offset(line: position?["line"]?.int ?? 0, character: position?["character"]?.int ?? 0)
                }
                return (offset(range["start"]), offset(range["end"]))
            }
            edited.replaceSubrange(start..<max(start, end), with: newText.utf8)
            text = edited
        }
        return text
    }

    /// Checks the text and publishes its diagnostics; the index for other requests is built
    /// on a second thread meanwhile.
    private func open(uri: String, version: Int?, text: [UInt8]) {
        let path = URL(string: uri)?.path ?? uri
        let file = SourceFile(name: path, bytes: text, directory: (path as NSString).deletingLastPathComponent)
        let document = OpenDocument(uri: uri, version: version, file: file, today: today, previous: documents[uri])
        documents[uri] = document
        let locations = document.locations
        notify("textDocument/publishDiagnostics") { json in
            json.field("uri", uri)
            if let version { json.field("version", version) }
            json.field("diagnostics") { json in json.array { json in for diagnostic in document.diagnostics { locations.write(diagnostic, into: &json) } } }
        }
    }

    // MARK: Writing messages

    private func message(_ body: (inout JSONWriter) -> Void) {
        var json = JSONWriter()
        json.object { json in
            json.field("jsonrpc", "2.0")
            body(&json)
        }
        send(MessageWriter.frame(json.bytes))
    }

    private func write(_ id: RequestID?, into json: inout JSONWriter) {
        json.key("id")
        switch id {
        case .number(let number)?: json.number(number)
        case .string(let text)?: json.string(text)
        case nil: json.null()
        }
    }

    private func reply(id: RequestID, result: (inout JSONWriter) -> Void) {
        message { json in
            write(id, into: &json)
            json.key("result")
            result(&json)
        }
    }

    private func reply(id: RequestID, cached result: [UInt8]) { reply(id: id) { $0.raw(result) } }

    private func reply(id: RequestID?, error: (Int, String)) {
        message { json in
            write(id, into: &json)
            json.field("error") { json in json.object { $0.field("code", error.0); $0.field("message", error.1) } }
        }
    }

    private func notify(_ method: StaticString, _ params: (inout JSONWriter) -> Void) {
        message { json in
            json.field("method", "\(method)")
            json.field("params") { json in json.object(params) }
        }
    }
}

fileprivate extension Value {
    /// A member of a JSON object read by `JSONReader` (nil for anything else).
    subscript(_ key: String) -> Value? {
        if case .record(let record) = self { return record[key] }
        return nil
    }

    /// A JSON number that is a whole number.
    var int: Int? {
        guard case .number(let number) = self, number.rounded() == number, abs(number) < 1e15 else { return nil }
        return Int(number)
    }
}
