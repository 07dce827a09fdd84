import Foundation

/// A read-only private memory map of a file. Pages already read can be handed back: a large
/// import then does not keep the whole file resident (they read back from the file if needed).
final class MappedFile: @unchecked Sendable {
    let bytes: UnsafeRawBufferPointer
    /// Bytes before this offset have been handed back (only the reading thread moves it).
    private var released = 0

    /// nil when the file cannot be opened or mapped, is not a regular file, or is empty.
    convenience init?(path: String) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        self.init(descriptor: descriptor)
    }

    /// Maps an open file (the descriptor stays open: the caller closes it); nil when it is not
    /// a regular file, is empty or cannot be mapped.
    init?(descriptor: Int32) {
        var status = stat()
        guard fstat(descriptor, &status) == 0, status.st_mode & S_IFMT == S_IFREG, status.st_size > 0 else { return nil }
        let size = Int(status.st_size)
        guard let base = mmap(nil, size, PROT_READ, MAP_PRIVATE, descriptor, 0), base != MAP_FAILED else { return nil }
        bytes = UnsafeRawBufferPointer(start: base, count: size)
    }

    deinit {
        munmap(UnsafeMutableRawPointer(mutating: bytes.baseAddress), bytes.count)
    }

    /// Drops the whole pages before `offset` from memory (for one sequential reader).
    func release(before offset: Int) {
        guard offset > released else { return }
        release(released..<offset)
        released = max(released, offset / Self.pageSize * Self.pageSize)
    }

    /// Drops the whole pages inside `range` from memory.
    func release(_ range: Range<Int>) {
        let start = (range.lowerBound + Self.pageSize - 1) / Self.pageSize * Self.pageSize
        let end = min(range.upperBound, bytes.count) / Self.pageSize * Self.pageSize
        guard end > start, let base = bytes.baseAddress else { return }
        madvise(UnsafeMutableRawPointer(mutating: base + start), end - start, MADV_DONTNEED)
    }

    static let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))
}
