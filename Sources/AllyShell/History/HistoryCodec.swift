/// How history entries are stored in the history file: one entry per line.
///
/// A multi-line statement is one entry, so the characters that would split it are escaped,
/// psql-style but readable: a backslash is written `\\`, a newline `\n`, a carriage return `\r`.
/// Decoding reverses exactly that; any other backslash sequence (and a lone trailing backslash) is
/// kept as written, so a hand-edited file never loses text.
public enum HistoryCodec {
    private static let backslash = UInt8(ascii: "\\")
    private static let newline = UInt8(ascii: "\n")
    private static let carriageReturn = UInt8(ascii: "\r")

    /// One entry as one line of the file (without the line's terminating newline).
    public static func encode(_ entry: String) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(entry.utf8.count)
        for byte in entry.utf8 {
            switch byte {
            case backslash: bytes += [backslash, backslash]
            case newline: bytes += [backslash, UInt8(ascii: "n")]
            case carriageReturn: bytes += [backslash, UInt8(ascii: "r")]
            default: bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The entry stored in one line of the file.
    public static func decode<Line: StringProtocol>(_ line: Line) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(line.utf8.count)
        var escaped = false
        for byte in line.utf8 {
            if escaped {
                switch byte {
                case backslash: bytes.append(backslash)
                case UInt8(ascii: "n"): bytes.append(newline)
                case UInt8(ascii: "r"): bytes.append(carriageReturn)
                default: bytes += [backslash, byte]
                }
                escaped = false
            } else if byte == backslash {
                escaped = true
            } else {
                bytes.append(byte)
            }
        }
        if escaped { bytes.append(backslash) }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The entries of a whole file, in order. Empty lines are skipped; a line ending in CR LF (a
    /// file edited on Windows) loses the CR, since a real CR inside an entry is always escaped.
    public static func decodeFile(_ contents: [UInt8]) -> [String] {
        var entries: [String] = []
        for var line in contents.split(separator: newline, omittingEmptySubsequences: true) {
            if line.last == carriageReturn { line = line.dropLast() }
            if line.isEmpty { continue }
            entries.append(decode(String(decoding: line, as: UTF8.self)))
        }
        return entries
    }

    /// The bytes of a file holding `entries`, each line terminated by a newline.
    public static func encodeFile<Entries: Sequence<String>>(_ entries: Entries) -> [UInt8] {
        var bytes: [UInt8] = []
        for entry in entries {
            bytes += encode(entry).utf8
            bytes.append(newline)
        }
        return bytes
    }
}
