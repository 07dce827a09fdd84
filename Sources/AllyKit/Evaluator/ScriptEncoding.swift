extension ScriptRunner {
    /// Invalid UTF-8 or a NUL byte, reported with its position.
    static func encodingError(_ file: SourceFile) -> Diagnostic? {
        var index = 0
        let bytes = file.bytes
        // A mapped script is read through once here: its pages are handed back behind the scan.
        var scanned = 0
        defer { file.releasePages(scanned..<index) }
        while index < bytes.count {
            if index - scanned >= 1 << 20, file.isMapped {
                file.releasePages(scanned..<index)
                scanned = index
            }
            // Eight bytes at a time while they are ASCII and none is NUL (nearly all of a script).
            while index + 8 <= bytes.count {
                let word = bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                let zeroByte = (word &- 0x0101_0101_0101_0101) & ~word & 0x8080_8080_8080_8080
                guard word & 0x8080_8080_8080_8080 == 0, zeroByte == 0 else { break }
                index += 8
                if index & 0xFFFF == 0 { break }  // now and then, back to hand pages back
            }
            guard index < bytes.count else { break }
            let byte = bytes[index]
            if byte == 0 {
                return Diagnostic(.invalidEncoding, "NUL byte in the source", at: SourceRange(index, index + 1), in: file)
            }
            if byte < 0x80 { index += 1; continue }
            let length: Int
            switch byte {
            case 0xC2...0xDF: length = 2
            case 0xE0...0xEF: length = 3
            case 0xF0...0xF4: length = 4
            default: length = 0
            }
            var valid = length > 0 && index + length <= bytes.count
            if valid {
                for offset in 1..<length where bytes[index + offset] & 0xC0 != 0x80 { valid = false }
            }
            if valid, length == 3 {
                let scalar = (UInt32(byte & 0x0F) << 12) | (UInt32(bytes[index + 1] & 0x3F) << 6)
                valid = scalar >= 0x800 && !(0xD800...0xDFFF).contains(scalar)
            }
            if valid, length == 4 {
                let high = (UInt32(byte & 0x07) << 2) | UInt32((bytes[index + 1] & 0x30) >> 4)
                valid = high >= 1 && high <= 0x10
            }
            if !valid {
                return Diagnostic(.invalidEncoding, "invalid UTF-8 (byte 0x\(String(byte, radix: 16, uppercase: true)))",
                                  at: SourceRange(index, index + 1), in: file, help: "save the file as UTF-8")
            }
            index += length
        }
        return nil
    }
}
