import Foundation

/// A piece of Ally source held as UTF-8 bytes, with a lazily built line table so that
/// positions stay compact byte offsets until a message needs a line and column.
public final class SourceFile: @unchecked Sendable {
    /// The name shown in diagnostics: a path, `<command line>`, `<stdin>` or `<shell>`.
    public let name: String
    /// The text's bytes, valid as long as this file is (a copy, or a read-only map of a file).
    public let bytes: UnsafeRawBufferPointer
    /// The folder that relative paths in `load`, `save`, `import` and `export` start from.
    public let directory: String?
    /// Owns `bytes`: a copy this file frees, or the map of a script file.
    private let mapped: MappedFile?
    private let copied: UnsafeMutableRawBufferPointer?
    private var lineStartsCache: [Int]?
    /// The line table may be asked for from two threads (see `StatementPrefetcher`).
    private let lineStartsLock = NSLock()

    /// A UTF-8 byte-order mark (some editors write one) is not part of the text: it is
    /// dropped, so that the first statement runs and columns count as the editor shows them.
    private static func byteOrderMarkLength(_ bytes: some Sequence<UInt8>) -> Int {
        bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
    }

    public init(name: String, bytes: some Collection<UInt8>, directory: String? = nil) {
        self.name = name
        let copy = Self.copy(bytes)
        self.copied = copy
        self.mapped = nil
        self.bytes = UnsafeRawBufferPointer(copy)
        self.directory = directory
    }

    /// The text after any byte-order mark, in memory this file owns.
    private static func copy(_ bytes: some Collection<UInt8>) -> UnsafeMutableRawBufferPointer {
        let text = bytes.dropFirst(byteOrderMarkLength(bytes))
        let copy = UnsafeMutableRawBufferPointer.allocate(byteCount: text.count, alignment: 1)
        _ = copy.initializeMemory(as: UInt8.self, from: text)
        return copy
    }

    public convenience init(name: String, text: String, directory: String? = nil) {
        self.init(name: name, bytes: Array(text.utf8), directory: directory)
    }

    /// A script file, memory-mapped when it can be: a large script is then not copied into
    /// memory, and pages already parsed can be handed back (`releasePages`).
    public init(contentsOf path: String, name: String? = nil, directory: String? = nil) throws {
        self.name = name ?? path
        self.directory = directory ?? URL(fileURLWithPath: path).deletingLastPathComponent().path
        // Opened once: a named pipe opened a second time would wait for a second writer.
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw errno == ENOENT ? CocoaError(.fileReadNoSuchFile, userInfo: [NSFilePathErrorKey: path])
                : NSError(domain: NSCocoaErrorDomain, code: NSFileReadUnknownError,
                          userInfo: [NSUnderlyingErrorKey: NSError(domain: NSPOSIXErrorDomain, code: Int(errno))])
        }
        defer { close(descriptor) }
        if let file = MappedFile(descriptor: descriptor) {
            mapped = file
            copied = nil
            bytes = UnsafeRawBufferPointer(rebasing: file.bytes.dropFirst(Self.byteOrderMarkLength(file.bytes)))
        } else {
            // Empty files, pipes (`<(...)`, named pipes) and the like are read whole.
            let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: false)
            let copy = Self.copy(try handle.readToEnd() ?? Data())
            copied = copy
            mapped = nil
            bytes = UnsafeRawBufferPointer(copy)
        }
    }

    deinit { copied?.deallocate() }

    /// Hands back the memory of the pages inside `range` when the text is a mapped file (they
    /// are read from the file again if anything looks at them later, e.g. an error's line).
    func releasePages(_ range: Range<Int>) {
        guard let mapped, let base = bytes.baseAddress, let start = mapped.bytes.baseAddress else { return }
        let offset = base - start
        mapped.release((range.lowerBound + offset)..<(range.upperBound + offset))
    }

    /// Whether pages can be handed back at all.
    var isMapped: Bool { mapped != nil }

    /// Whether the file was shortened by another program while it was read (the bytes past its
    /// new end read as zeros).
    var changedWhileRead: Bool { mapped?.changedWhileRead ?? false }

    var lineStarts: [Int] {
        lineStartsLock.lock()
        defer { lineStartsLock.unlock() }
        if let cached = lineStartsCache { return cached }
        var starts = [0]
        for offset in bytes.indices where bytes[offset] == UInt8(ascii: "\n") { starts.append(offset + 1) }
        // (An error's position in a large mapped script: the scan read every page back in.)
        releasePages(0..<bytes.count)
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
