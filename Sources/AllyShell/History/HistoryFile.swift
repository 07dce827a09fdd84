#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Why the history file could not be read or written; rendered as one line for a warning.
public struct HistoryFileError: Error, CustomStringConvertible, Equatable, Sendable {
    public enum Action: String, Sendable { case read, write }
    public let action: Action
    public let path: String
    public let code: Int32

    public var description: String {
        "cannot \(action.rawValue) history file \(path): \(String(cString: strerror(code)))"
    }
}

/// The history file: one `HistoryCodec` line per entry, file mode 0600, folders it creates 0700.
///
/// Several shells may share the file, so saving never overwrites blindly: it takes an exclusive
/// `flock`, re-reads the file, and appends only this session's entries. When the result would
/// exceed the limit the file is rewritten with the last `limit` entries through a temporary file
/// and `rename`, so a crash never leaves half a file. A session that was waiting for the lock
/// while another renamed a new file into place notices that the inode changed and locks the new
/// file instead of appending to the unlinked one.
public struct HistoryFile: Sendable {
    public let path: String
    public let limit: Int

    public init(path: String, limit: Int = HistoryEntries.defaultLimit) {
        self.path = path
        self.limit = limit
    }

    /// The stored entries, oldest first; none when the file does not exist (yet).
    public func load() throws(HistoryFileError) -> [String] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        if descriptor < 0 {
            // No file yet, or a folder on the way is missing or is a file: nothing to load
            // (saving reports the problem, once).
            if errno == ENOENT || errno == ENOTDIR { return [] }
            throw failure(.read)
        }
        defer { close(descriptor) }
        guard let contents = Self.readAll(descriptor) else { throw failure(.read) }
        return HistoryCodec.decodeFile(contents)
    }

    /// Adds this session's entries to the file (see the type's comment for how sessions share it).
    public func save(adding entries: [String]) throws(HistoryFileError) {
        guard !entries.isEmpty else { return }
        try createParentFolders()
        let descriptor = try openLocked()
        defer { close(descriptor) } // also releases the lock
        _ = fchmod(descriptor, 0o600) // CLI.md: mode 0600, even for a file created by hand
        guard lseek(descriptor, 0, SEEK_SET) == 0, let existing = Self.readAll(descriptor) else {
            throw failure(.read)
        }
        let merge = HistoryEntries.merge(onDisk: HistoryCodec.decodeFile(existing), added: entries, limit: limit)
        if merge.needsRewrite {
            try replace(with: merge.result)
        } else if !merge.appended.isEmpty {
            var bytes: [UInt8] = []
            if let last = existing.last, last != UInt8(ascii: "\n") { bytes.append(UInt8(ascii: "\n")) }
            bytes += HistoryCodec.encodeFile(merge.appended)
            // O_APPEND: one write lands after whatever is there, even without the lock (NFS).
            guard Self.writeAll(descriptor, bytes) else { throw failure(.write) }
        }
    }

    // MARK: - Steps

    /// Opens the file for appending and locks it, making sure the lock is on the file the path names now.
    private func openLocked() throws(HistoryFileError) -> Int32 {
        for _ in 0..<20 {
            let descriptor = open(path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, mode_t(0o600))
            guard descriptor >= 0 else { throw failure(.write) }
            if flock(descriptor, LOCK_EX) != 0 {
                return descriptor // no locking on this file system: carry on unlocked
            }
            var opened = stat()
            var named = stat()
            if fstat(descriptor, &opened) == 0, stat(path, &named) == 0,
               opened.st_dev == named.st_dev, opened.st_ino == named.st_ino {
                return descriptor
            }
            close(descriptor) // another session renamed a new file into place: lock that one
        }
        throw HistoryFileError(action: .write, path: path, code: EAGAIN)
    }

    /// Writes `entries` to a temporary file beside the history file, then renames it into place.
    private func replace(with entries: [String]) throws(HistoryFileError) {
        var template = Array((path + ".XXXXXX").utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard descriptor >= 0 else { throw failure(.write) }
        let temporary = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        let written = fchmod(descriptor, 0o600) == 0
            && Self.writeAll(descriptor, HistoryCodec.encodeFile(entries))
            && fsync(descriptor) == 0
        let code = errno
        close(descriptor)
        guard written, rename(temporary, path) == 0 else {
            let renameCode = written ? errno : code
            unlink(temporary)
            throw HistoryFileError(action: .write, path: path, code: renameCode)
        }
    }

    /// Creates the missing folders above the file with mode 0700 (it holds what the user typed).
    private func createParentFolders() throws(HistoryFileError) {
        guard let slash = path.lastIndex(of: "/") else { return }
        let folder = String(path[..<slash])
        guard !folder.isEmpty, !Self.exists(folder) else { return }
        var prefix = folder.hasPrefix("/") ? "" : "."
        for component in folder.split(separator: "/") {
            prefix += "/" + component
            if Self.exists(prefix) { continue }
            if mkdir(prefix, 0o700) == 0 {
                _ = chmod(prefix, 0o700) // mkdir applies the umask; the mode must be exactly 0700
            } else if errno != EEXIST {
                throw failure(.write)
            }
        }
    }

    // MARK: - System calls

    private func failure(_ action: HistoryFileError.Action) -> HistoryFileError {
        HistoryFileError(action: action, path: path, code: errno)
    }

    private static func exists(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0
    }

    private static func readAll(_ descriptor: Int32) -> [UInt8]? {
        var contents: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count > 0 {
                contents += chunk[0..<count]
            } else if count == 0 {
                return contents
            } else if errno != EINTR {
                return nil
            }
        }
    }

    private static func writeAll(_ descriptor: Int32, _ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let count = bytes[offset...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            if count > 0 {
                offset += count
            } else if count < 0 && errno != EINTR {
                return false
            }
        }
        return true
    }
}
