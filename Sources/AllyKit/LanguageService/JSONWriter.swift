import Foundation

/// Writes the server's answers as JSON bytes. Foundation's `JSONSerialization` bridges every
/// value to an Objective-C object first, which on Linux took seconds for the hundred thousands
/// of numbers of a 1 MB script's semantic tokens; this writes the Swift values directly.
enum JSONWriter {
    static func write(_ value: Any?, into output: inout [UInt8]) {
        guard let value else { output += Array("null".utf8); return }
        if type(of: value) == Bool.self, let flag = value as? Bool {
            output += Array((flag ? "true" : "false").utf8)
        } else if let number = value as? Int {
            output += Array(String(number).utf8)
        } else if let text = value as? String {
            writeString(text, into: &output)
        } else if let numbers = value as? [Int] {
            output.append(UInt8(ascii: "["))
            for (index, number) in numbers.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                output += Array(String(number).utf8)
            }
            output.append(UInt8(ascii: "]"))
        } else if let array = value as? [Any] {
            output.append(UInt8(ascii: "["))
            for (index, element) in array.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                write(element, into: &output)
            }
            output.append(UInt8(ascii: "]"))
        } else if let object = value as? [String: Any] {
            output.append(UInt8(ascii: "{"))
            for (index, (key, element)) in object.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                writeString(key, into: &output)
                output.append(UInt8(ascii: ":"))
                write(element, into: &output)
            }
            output.append(UInt8(ascii: "}"))
        } else if let number = value as? Double {
            output += Array(String(number).utf8)
        } else {
            output += Array("null".utf8)
        }
    }

    static func writeString(_ text: String, into output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): output += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
            case UInt8(ascii: "\\"): output += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
            case 0x0A: output += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            case 0x0D: output += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
            case 0x09: output += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                output += Array("\\u00".utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
            default: output.append(byte)
            }
        }
        output.append(UInt8(ascii: "\""))
    }
}
