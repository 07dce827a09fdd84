import Foundation

/// A read-only private memory map of a file. Pages already read can be handed back: a large
/// import then does not keep the whole file resident (they read back from the file if needed).
///
/// Another program may shorten the file while Ally reads it. Reading a mapped page past the new
/// end raises SIGBUS, which would end the process (and an interactive session with its unsaved
/// work); `MappingGuard` catches it instead, puts a page of zeros there and marks the map
/// changed. Readers ask `changedWhileRead` and report the change rather than what they read.
final class MappedFile: @unchecked Sendable {
    let bytes: UnsafeRawBufferPointer
    /// Bytes before this offset have been handed back (only the reading thread moves it).
    private var released = 0
    /// This map's slot in `MappingGuard`'s table (nil: the table was full; unguarded).
    private let slot: Int?

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
        slot = MappingGuard.register(start: Int(bitPattern: base), count: size)
    }

    deinit {
        if let slot { MappingGuard.unregister(slot) }
        munmap(UnsafeMutableRawPointer(mutating: bytes.baseAddress), bytes.count)
    }

    /// Whether the file was shortened while it was read: some bytes read as zeros.
    var changedWhileRead: Bool { slot.map(MappingGuard.isDamaged) ?? false }

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

/// The SIGBUS handler behind `MappedFile`: a fixed table of mapped ranges (start, end, damaged),
/// allocated once and never freed, so the handler reads it without locks or allocation.
enum MappingGuard {
    static let capacity = 64
    /// [start, end, damaged] per slot; an empty slot has end 0.
    private nonisolated(unsafe) static let table: UnsafeMutablePointer<Int> = {
        let table = UnsafeMutablePointer<Int>.allocate(capacity: capacity * 3)
        table.initialize(repeating: 0, count: capacity * 3)
        return table
    }()
    private static let pageMask = ~(MappedFile.pageSize - 1)
    /// The disposition before ours (a pointer: the handler must not touch Swift globals' access tracking).
    private nonisolated(unsafe) static let previous: UnsafeMutablePointer<sigaction> = {
        let previous = UnsafeMutablePointer<sigaction>.allocate(capacity: 1)
        previous.initialize(to: sigaction())
        return previous
    }()
    private static let lock = NSLock()
    private nonisolated(unsafe) static var installed = false

    static func register(start: Int, count: Int) -> Int? {
        lock.lock()
        defer { lock.unlock() }
        if !installed { install() }
        guard let slot = (0..<capacity).first(where: { table[$0 * 3 + 1] == 0 }) else { return nil }
        table[slot * 3 + 2] = 0
        table[slot * 3] = start
        table[slot * 3 + 1] = start + count
        return slot
    }

    static func unregister(_ slot: Int) {
        lock.lock()
        defer { lock.unlock() }
        table[slot * 3 + 1] = 0
        table[slot * 3] = 0
        table[slot * 3 + 2] = 0
    }

    static func isDamaged(_ slot: Int) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        return table[slot * 3 + 2] != 0
    }

    /// Installs the handler (once, under `lock`); the table and page mask exist before it runs.
    private static func install() {
        _ = table
        _ = pageMask
        _ = MappedFile.pageSize
        var action = sigaction()
        action.__sigaction_handler.sa_sigaction = { signal, info, context in
            MappingGuard.handle(signal, info, context)
        }
        action.sa_flags = SA_SIGINFO
        sigemptyset(&action.sa_mask)
        sigaction(SIGBUS, &action, previous)
        installed = true
    }

    /// A fault inside a registered map: a zero page replaces the missing one and the map is
    /// marked; the faulting read then runs again and sees zeros. Any other SIGBUS goes to the
    /// handler that was there before (the default ends the process, as it would have).
    private static func handle(_ signal: Int32, _ info: UnsafeMutablePointer<siginfo_t>?, _ context: UnsafeMutableRawPointer?) {
        if let info {
            let address = Int(bitPattern: info.pointee._sifields._sigfault.si_addr)
            for slot in 0..<capacity {
                let start = table[slot * 3], end = table[slot * 3 + 1]
                guard end != 0, address >= start, address < end else { continue }
                let page = UnsafeMutableRawPointer(bitPattern: address & pageMask)
                let mapped = mmap(page, MappedFile.pageSize, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0)
                if mapped != MAP_FAILED {
                    table[slot * 3 + 2] = 1
                    return
                }
            }
        }
        // Not ours: the previous disposition takes the fault when the instruction runs again.
        sigaction(SIGBUS, previous, nil)
    }
}
