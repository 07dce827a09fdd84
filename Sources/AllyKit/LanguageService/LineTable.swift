import Foundation

/// Where each line of a document starts, to turn byte offsets into the editor's positions and
/// back: LSP counts lines from 0 and columns in UTF-16 code units. Built in one pass over the
/// bytes, before anything else, since diagnostics need it and nothing more.
public struct LineTable {
    let bytes: UnsafeRawBufferPointer
    private(set) var lineStarts: [Int] = [0]

    /// `file` must outlive the table (the language server keeps both in one document).
    public init(_ file: SourceFile) { self.init(bytes: file.bytes) }

    /// A table over bytes that must outlive it.
    init(bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
        lineStarts.reserveCapacity(bytes.count / 32)
        guard let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return }
        var cursor = 0
        while cursor < bytes.count, let newline = memchr(base + cursor, 0x0A, bytes.count - cursor) {
            cursor = UnsafeRawPointer(newline) - UnsafeRawPointer(base) + 1
            lineStarts.append(cursor)
        }
    }

    public var count: Int { lineStarts.count }

    public func position(of offset: Int) -> (line: Int, character: Int) {
        var low = 0, high = lineStarts.count
        while low < high {
            let middle = (low + high) / 2
            if lineStarts[middle] <= offset { low = middle + 1 } else { high = middle }
        }
        let line = max(0, low - 1)
        return (line, utf16Count(lineStarts[line]..<min(offset, bytes.count)))
    }

    /// UTF-16 units in `range` of the text, counted from its UTF-8 bytes without decoding.
    public func utf16Count(_ range: Range<Int>) -> Int {
        var count = 0
        for index in range {
            let byte = bytes[index]
            if byte & 0xC0 != 0x80 { count += byte >= 0xF0 ? 2 : 1 }
        }
        return count
    }

    /// The byte offset of an editor position (a column past the line's end is its end).
    public func offset(line: Int, character: Int) -> Int {
        guard line < lineStarts.count else { return bytes.count }
        let start = lineStarts[max(0, line)]
        let end = line + 1 < lineStarts.count ? lineStarts[line + 1] - 1 : bytes.count
        var units = 0
        var offset = start
        while offset < end, units < character {
            let byte = bytes[offset]
            let length = byte < 0x80 ? 1 : byte < 0xE0 ? 2 : byte < 0xF0 ? 3 : 4
            units += length == 4 ? 2 : 1
            offset = min(end, offset + length)
        }
        return offset
    }
}
