import Foundation

/// Reads a pathway file as UTF-8 text, refusing what is not text before any parser sees it.
enum TextInput {
    /// Reads `path` whole. Refuses files over `limit` bytes, binary data (a NUL byte) and
    /// invalid UTF-8, naming the line and column of the first bad byte.
    static func read(_ path: String, limit: Int, hint: String = "") throws(PathwayLoadError) -> String {
        let bytes = try readBytes(path, limit: limit, hint: hint)
        try validate(bytes, file: path)
        let start = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        return String(decoding: bytes[start...], as: UTF8.self)
    }

    /// Reads `path` whole as bytes, refusing folders, missing files and files over `limit`.
    static func readBytes(_ path: String, limit: Int, hint: String = "") throws(PathwayLoadError) -> [UInt8] {
        let url = URL(fileURLWithPath: path)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw PathwayLoadError(file: path, "no such file")
        }
        if isDirectory.boolValue {
            throw PathwayLoadError(file: path, "is a folder, not a pathway file")
        }
        if let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int,
            size > limit
        {
            throw PathwayLoadError(
                file: path,
                "the file is \(size) bytes, over the limit of \(limit) bytes for this format" + hint)
        }
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw PathwayLoadError(file: path, "cannot be read: \(error.localizedDescription)")
        }
        return [UInt8](data)
    }

    /// The 1-based column of `offset` in the line starting at `lineStart`, counting Unicode
    /// scalars (UTF-8 continuation bytes are skipped), as editors count columns.
    static func column(_ bytes: [UInt8], lineStart: Int, offset: Int) -> Int {
        var count = 1
        var k = lineStart
        while k < offset {
            if bytes[k] & 0xC0 != 0x80 { count += 1 }
            k += 1
        }
        return count
    }

    /// Checks that `bytes` are UTF-8 text without NUL bytes, or says where they are not.
    static func validate(_ bytes: [UInt8], file: String) throws(PathwayLoadError) {
        if !bytes.contains(0), String(validating: bytes, as: UTF8.self) != nil { return }
        var start = 0
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { start = 3 }
        var line = 1
        var column = 1
        var index = start
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0 {
                throw PathwayLoadError(
                    file: file, line: line, column: column,
                    "found a NUL byte: this is binary data, not a text pathway file")
            }
            let length = utf8SequenceLength(bytes, at: index)
            if length == 0 {
                throw PathwayLoadError(
                    file: file, line: line, column: column,
                    String(
                        format: "invalid UTF-8 (byte 0x%02X): save the file as UTF-8 text", byte))
            }
            if byte == 0x0A {
                line += 1
                column = 1
            } else {
                column += 1
            }
            index += length
        }
    }

    /// The length of the well-formed UTF-8 sequence starting at `i`, or 0 if it is ill-formed
    /// (overlong forms, surrogates and code points above U+10FFFF are ill-formed).
    private static func utf8SequenceLength(_ b: [UInt8], at i: Int) -> Int {
        let b0 = b[i]
        if b0 < 0x80 { return 1 }
        func continuation(_ k: Int, _ low: UInt8 = 0x80, _ high: UInt8 = 0xBF) -> Bool {
            i + k < b.count && b[i + k] >= low && b[i + k] <= high
        }
        switch b0 {
        case 0xC2...0xDF:
            return continuation(1) ? 2 : 0
        case 0xE0:
            return continuation(1, 0xA0) && continuation(2) ? 3 : 0
        case 0xE1...0xEC, 0xEE...0xEF:
            return continuation(1) && continuation(2) ? 3 : 0
        case 0xED:
            return continuation(1, 0x80, 0x9F) && continuation(2) ? 3 : 0
        case 0xF0:
            return continuation(1, 0x90) && continuation(2) && continuation(3) ? 4 : 0
        case 0xF1...0xF3:
            return continuation(1) && continuation(2) && continuation(3) ? 4 : 0
        case 0xF4:
            return continuation(1, 0x80, 0x8F) && continuation(2) && continuation(3) ? 4 : 0
        default:
            return 0
        }
    }
}
