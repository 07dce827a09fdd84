import Foundation

/// The base protocol of the Language Server Protocol: JSON-RPC messages, each preceded by a
/// `Content-Length: N` header and a blank line. Ally has no LSP library to lean on, so this is
/// its own, kept to what the protocol needs (other headers are read and ignored).
public struct MessageReader {
    private let readBytes: (inout [UInt8]) -> Int
    private var buffer: [UInt8] = []
    private var start = 0

    /// `readBytes` fills the array it is given with what is available (at most its size) and
    /// returns how many bytes it read, 0 at the end of the input.
    public init(readBytes: @escaping (inout [UInt8]) -> Int) {
        self.readBytes = readBytes
    }

    public enum Failure: Error, Equatable {
        case endOfInput
        case badHeader(String)
    }

    /// The next message's body.
    public mutating func next() throws(Failure) -> [UInt8] {
        var length: Int?
        while true {
            let line = try readLine()
            if line.isEmpty { break }
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2 else { throw .badHeader(line) }
            if parts[0].trimmingCharacters(in: .whitespaces).lowercased() == "content-length" {
                guard let value = Int(parts[1].trimmingCharacters(in: .whitespaces)), value >= 0 else { throw .badHeader(line) }
                length = value
            }
        }
        guard let length else { throw .badHeader("no Content-Length") }
        while buffer.count - start < length { try fill() }
        let body = Array(buffer[start..<start + length])
        start += length
        return body
    }

    private mutating func readLine() throws(Failure) -> String {
        while true {
            if let newline = buffer[start...].firstIndex(of: 0x0A) {
                var end = newline
                if end > start, buffer[end - 1] == 0x0D { end -= 1 }
                let line = String(decoding: buffer[start..<end], as: UTF8.self)
                start = newline + 1
                return line
            }
            try fill()
        }
    }

    private mutating func fill() throws(Failure) {
        if start > 0 {
            buffer.removeFirst(start)
            start = 0
        }
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        let count = readBytes(&chunk)
        guard count > 0 else { throw .endOfInput }
        buffer.append(contentsOf: chunk[0..<count])
    }
}

public enum MessageWriter {
    /// A message framed for the wire.
    public static func frame(_ body: [UInt8]) -> [UInt8] {
        Array("Content-Length: \(body.count)\r\n\r\n".utf8) + body
    }
}
