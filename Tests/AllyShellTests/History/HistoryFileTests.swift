import Testing
@testable import AllyShell
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@Suite struct HistoryFileTests {
    /// A fresh folder under /tmp, removed by the caller.
    private func temporaryFolder() -> String {
        var template = Array("/tmp/ally-history-test.XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        precondition(made != nil)
        return String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    private func remove(_ folder: String) {
        _ = system("rm -rf '\(folder)'")
    }

    private func mode(_ path: String) -> mode_t {
        var info = stat()
        precondition(stat(path, &info) == 0)
        return info.st_mode & 0o777
    }

    private func contents(_ path: String) -> String {
        guard let file = fopen(path, "r") else { return "" }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        while case let byte = fgetc(file), byte != EOF { bytes.append(UInt8(byte)) }
        return String(decoding: bytes, as: UTF8.self)
    }

    @Test func missingFileLoadsAsEmpty() throws {
        let folder = temporaryFolder()
        defer { remove(folder) }
        #expect(try HistoryFile(path: folder + "/none").load() == [])
    }

    @Test func saveCreatesFoldersAndFileWithPrivateModes() throws {
        let folder = temporaryFolder()
        defer { remove(folder) }
        let file = HistoryFile(path: folder + "/state/ally/history")
        try file.save(adding: ["partners", "partners |\nwhere kind == academic"])
        #expect(mode(folder + "/state") == 0o700)
        #expect(mode(folder + "/state/ally") == 0o700)
        #expect(mode(file.path) == 0o600)
        #expect(contents(file.path) == "partners\npartners |\\nwhere kind == academic\n")
        #expect(try file.load() == ["partners", "partners |\nwhere kind == academic"])
    }

    @Test func sessionsAppendWithoutClobbering() throws {
        let folder = temporaryFolder()
        defer { remove(folder) }
        let file = HistoryFile(path: folder + "/history")
        try file.save(adding: ["a", "b"]) // session 1 ends
        try file.save(adding: ["b", "c"]) // session 2 (started before session 1 ended) ends
        #expect(try file.load() == ["a", "b", "c"])
    }

    @Test func truncatesToTheLimitAtomically() throws {
        let folder = temporaryFolder()
        defer { remove(folder) }
        let file = HistoryFile(path: folder + "/history", limit: 3)
        try file.save(adding: ["a", "b", "c"])
        try file.save(adding: ["d", "e"])
        #expect(try file.load() == ["c", "d", "e"])
        #expect(mode(file.path) == 0o600)
        // No temporary file is left beside it.
        #expect(system("test $(ls -A '\(folder)' | wc -l) -eq 1") == 0)
    }

    @Test func repairsAMissingFinalNewlineAndMode() throws {
        let folder = temporaryFolder()
        defer { remove(folder) }
        let path = folder + "/history"
        #expect(system("printf 'old' > '\(path)' && chmod 644 '\(path)'") == 0)
        try HistoryFile(path: path).save(adding: ["new"])
        #expect(contents(path) == "old\nnew\n")
        #expect(mode(path) == 0o600)
    }

    @Test func unwritableLocationThrowsOneLineError() {
        let file = HistoryFile(path: "/dev/null/ally/history")
        #expect(throws: HistoryFileError.self) { try file.save(adding: ["x"]) }
        do {
            try file.save(adding: ["x"])
        } catch {
            #expect(error.description.hasPrefix("cannot write history file /dev/null/ally/history: "))
            #expect(!error.description.contains("\n"))
        }
    }
}
