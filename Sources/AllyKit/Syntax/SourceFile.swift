import Foundation

/// A piece of Ally source held as UTF-8 bytes, with a lazily built line table so that
/// positions stay compact byte offsets until a message needs a line and column.
public final class SourceFile: @unchecked Sendable {
    /// The name shown in diagnostics: a path, `<command line>`, `<stdin>` or `<shell>`.
    public let name: String
    public let bytes: [UInt8]
    /// The folder that relative paths in `load`, `save`, `import` and `export` start from.
    public let directory: String?
    private var lineStartsCache: [Int]?
    /// The line table may be asked for from two threads (see `StatementPrefetcher`).
    private let lineStartsLock = NSLock()

    public init(name: String, bytes: [UInt8], directory: String? = nil) {
        self.name = name
        // A UTF-8 byte-order mark (some editors write one) is not part of the text: dropped,
        // so that the first statement runs and columns count as the editor shows them.
        self.bytes = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? Array(bytes.dropFirst(3)) : bytes
        self.directory = directory
    }

    public convenience init(name: String, text: String, directory: String? = nil) {
        self.init(name: name, bytes: Array(text.utf8), directory: directory)
    }

    var lineStarts: [Int] {
        lineStartsLock.lock()
        defer { lineStartsLock.unlock() }
        if let cached = lineStartsCache { return cached }
        var starts = [0]
        bytes.withUnsafeBufferPointer { buffer in
            for offset in buffer.indices where buffer[offset] == UInt8(ascii: "\n") { starts.append(offset + 1) }
        }
        lineStartsCache = starts
        return starts
    }

    /// 1-based line and column (counted in Unicode scalars) of a byte offset.
    public func location(of offset: Int) -> (line: Int, column: Int) {
        let starts = lineStarts
        var low = 0, high = starts.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if starts[mid] <= offset { low = mid } else { high = mid - 1 }
        }
        let lineStart = starts[low]
        let end = min(offset, bytes.count)
        var column = 1
        var index = lineStart
        while index < end {
            // Count scalars: skip UTF-8 continuation bytes.
            if bytes[index] & 0xC0 != 0x80 { column += 1 }
            index += 1
        }
        return (low + 1, column)
    }

    /// The text of a 1-based line, without its newline.
    public func lineText(_ line: Int) -> String {
        let starts = lineStarts
        guard line >= 1, line <= starts.count else { return "" }
        let start = starts[line - 1]
        var end = line < starts.count ? starts[line] - 1 : bytes.count
        if end > start, bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        return String(decoding: bytes[start..<max(start, end)], as: UTF8.self)
    }

    public func text(_ range: SourceRange) -> String {
        let lower = max(0, min(range.lower, bytes.count))
        let upper = max(lower, min(range.upper, bytes.count))
        return String(decoding: bytes[lower..<upper], as: UTF8.self)
    }
}

/// A half-open byte range into a `SourceFile`.
public struct SourceRange: Hashable, Sendable {
    public var lower: Int
    public var upper: Int
    public init(_ lower: Int, _ upper: Int) {
        self.lower = lower
        self.upper = upper
    }
    public static let none = SourceRange(0, 0)
    public func union(_ other: SourceRange) -> SourceRange {
        SourceRange(Swift.min(lower, other.lower), Swift.max(upper, other.upper))
    }
}
