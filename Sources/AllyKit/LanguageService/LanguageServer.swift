import Foundation

/// `ally lsp`: the Language Server Protocol over a pair of byte streams, with the shell's own
/// checker, completer, field catalog and formatter behind it. It writes only through the
/// `send` closure it is given (the executable passes stdout).
public final class LanguageServer {
    private let send: ([UInt8]) -> Void
    private let today: Day
    var documents: [String: DocumentIndex] = [:]
    private var shutdownRequested = false

    public init(today: Day, send: @escaping ([UInt8]) -> Void) {
        self.today = today
        self.send = send
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
            guard let message = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] else {
                reply(id: Optional<Int>.none as Any, error: (-32700, "the message is not JSON"))
                continue
            }
            if message["method"] as? String == "exit" { return shutdownRequested ? 0 : 1 }
            handle(message)
        }
    }

    /// Handles one message (a request, answered; or a notification).
    public func handle(_ message: [String: Any]) {
        let method = message["method"] as? String ?? ""
        let params = message["params"] as? [String: Any] ?? [:]
        // An id is a number or a string (a number read back as Int, never as a Bool).
        let id: Any? = (message["id"] as? String) ?? (message["id"] as? Int)
        let result: Any?
        switch method {
        case "initialize": result = Self.capabilities
        case "shutdown": shutdownRequested = true; result = NSNull()
        case "textDocument/didOpen":
            let document = params["textDocument"] as? [String: Any] ?? [:]
            open(uri: document["uri"] as? String ?? "", text: document["text"] as? String ?? "")
            result = nil
        case "textDocument/didChange":
            // Full-text sync: the last change holds the whole text.
            if let uri = (params["textDocument"] as? [String: Any])?["uri"] as? String,
               let text = (params["contentChanges"] as? [[String: Any]])?.last?["text"] as? String {
                open(uri: uri, text: text)
            }
            result = nil
        case "textDocument/didClose":
            if let uri = (params["textDocument"] as? [String: Any])?["uri"] as? String {
                documents[uri] = nil
                notify("textDocument/publishDiagnostics", ["uri": uri, "diagnostics": [Any]()])
            }
            result = nil
        default:
            guard let uri = (params["textDocument"] as? [String: Any])?["uri"] as? String, let index = documents[uri] else {
                if id != nil && !method.hasPrefix("$/") && method != "initialized" {
                    reply(id: id!, error: (-32601, "`\(method)` is not supported, or the document is not open"))
                }
                return
            }
            let position = params["position"] as? [String: Any]
            let offset = position.map { index.offset(line: $0["line"] as? Int ?? 0, character: $0["character"] as? Int ?? 0) } ?? 0
            let features = LanguageFeatures(index: index, uri: uri)
            switch method {
            case "textDocument/completion": result = features.completion(at: offset)
            case "textDocument/hover": result = features.hover(at: offset) ?? NSNull()
            case "textDocument/definition": result = features.definition(at: offset) ?? NSNull()
            case "textDocument/references": result = features.references(at: offset)
            case "textDocument/documentSymbol": result = features.symbols()
            case "textDocument/formatting": result = features.formatting() ?? NSNull()
            case "textDocument/semanticTokens/full": result = ["data": features.semanticTokens()]
            default:
                if id != nil { reply(id: id!, error: (-32601, "`\(method)` is not supported")) }
                return
            }
        }
        if let id, let result { reply(id: id, result: result) }
    }

    static var capabilities: [String: Any] { [
        "capabilities": [
            "textDocumentSync": 1,
            "completionProvider": ["triggerCharacters": ["|", " ", ".", "\""]],
            "hoverProvider": true,
            "definitionProvider": true,
            "referencesProvider": true,
            "documentSymbolProvider": true,
            "documentFormattingProvider": true,
            "semanticTokensProvider": ["legend": ["tokenTypes": LanguageFeatures.tokenTypes, "tokenModifiers": [String]()], "full": true],
        ] as [String: Any],
        "serverInfo": ["name": "ally", "version": "0.1.0"],
    ] }

    private func open(uri: String, text: String) {
        let path = URL(string: uri)?.path ?? uri
        let file = SourceFile(name: path, text: text, directory: (path as NSString).deletingLastPathComponent)
        let index = DocumentIndex(file: file)
        documents[uri] = index
        let session = Session(settings: Settings(today: today))
        let diagnostics = session.check(file).map { LanguageFeatures(index: index, uri: uri).diagnostic($0) }
        notify("textDocument/publishDiagnostics", ["uri": uri, "diagnostics": diagnostics])
    }

    private func write(_ object: [String: Any]) {
        var body: [UInt8] = []
        JSONWriter.write(object, into: &body)
        send(MessageWriter.frame(body))
    }

    private func reply(id: Any, result: Any) { write(["jsonrpc": "2.0", "id": id, "result": result]) }
    private func reply(id: Any, error: (Int, String)) {
        write(["jsonrpc": "2.0", "id": id, "error": ["code": error.0, "message": error.1]])
    }
    private func notify(_ method: String, _ params: [String: Any]) { write(["jsonrpc": "2.0", "method": method, "params": params]) }
}
