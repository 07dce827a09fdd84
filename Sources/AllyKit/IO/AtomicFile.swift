import Foundation

/// Writes a file so that a failure never leaves it half-written: a temporary file in the
/// same folder, flushed to disk, then renamed over the target.
public enum AtomicFile {
    /// Writes text's UTF-8 in place (a large export is not copied into a byte array first).
    public static func write(_ text: String, to url: URL, range: SourceRange, file: SourceFile?) throws {
        var text = text
        try text.withUTF8 { try write(UnsafeRawBufferPointer($0), to: url, range: range, file: file) }
    }

    public static func write(_ bytes: [UInt8], to url: URL, range: SourceRange, file: SourceFile?) throws {
        try bytes.withUnsafeBytes { try write($0, to: url, range: range, file: file) }
    }

    static func write(_ bytes: UnsafeRawBufferPointer, to url: URL, range: SourceRange, file: SourceFile?) throws {
        try write(to: url, range: range, file: file) { emit in try emit(bytes) }
    }

    /// Writes what `produce` hands to its argument, piece by piece (a large export is written as
    /// it is rendered), with the same guarantee: the old file or the complete new one.
    static func write(to url: URL, range: SourceRange, file: SourceFile?,
                      _ produce: (_ emit: (UnsafeRawBufferPointer) throws -> Void) throws -> Void) throws {
        let directory = url.deletingLastPathComponent().path
        let temporary = directory + "/.\(url.lastPathComponent).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        func failure(_ what: String) -> Diagnostic {
            let reason = String(cString: strerror(errno))
            return Diagnostic(.fileError, "cannot write \(url.path): \(what)\(reason)", at: range, in: file,
                              help: errno == ENOENT && !FileManager.default.fileExists(atPath: directory)
                                ? "the folder \(directory) does not exist" : nil)
        }
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw failure("") }
        struct WriteFailed: Error {}
        do {
            try produce { bytes in
                var written = 0
                while written < bytes.count {
                    let result = Foundation.write(descriptor, bytes.baseAddress! + written, bytes.count - written)
                    if result < 0 {
                        if errno == EINTR { continue }
                        throw WriteFailed()
                    }
                    written += result
                }
            }
            if fsync(descriptor) != 0 { throw WriteFailed() }
        } catch {
            let failed = error is WriteFailed ? failure("") : nil
            close(descriptor)
            unlink(temporary)
            throw failed ?? error
        }
        close(descriptor)
        // Keep the mode of a file we replace.
        var status = stat()
        if stat(url.path, &status) == 0 { chmod(temporary, status.st_mode & 0o7777) }
        guard rename(temporary, url.path) == 0 else {
            let error = failure("")
            unlink(temporary)
            throw error
        }
        let folder = open(directory, O_RDONLY | O_CLOEXEC)
        if folder >= 0 {
            fsync(folder)
            close(folder)
        }
    }
}
