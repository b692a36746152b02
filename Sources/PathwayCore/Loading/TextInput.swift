import Foundation

#if canImport(Glibc)
    import Glibc
    private let systemRead = Glibc.read
#elseif canImport(Darwin)
    import Darwin
    private let systemRead = Darwin.read
#endif

/// Reads a pathway file as UTF-8 text, refusing what is not text before any parser sees it.
enum TextInput {
    /// Reads `path` whole. Refuses files over `limit` bytes, binary data (a NUL byte) and
    /// invalid UTF-8, naming the line and column of the first bad byte.
    static func read(_ path: String, limit: Int, hint: String = "") throws(PathwayLoadError) -> String {
        let bytes = try readBytes(path, limit: limit, hint: hint)
        let start = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        return String(decoding: bytes[start...], as: UTF8.self)
    }

    /// How much is read and checked at a time.
    static let chunk = 1 << 20

    /// Reads `path` whole as bytes, refusing folders, files over `limit`, binary data and
    /// invalid UTF-8.
    ///
    /// The file is read and checked a megabyte at a time, so a file of binary data is refused
    /// at its first bad byte without being read whole: memory grows only with the text that
    /// was good.
    static func readBytes(_ path: String, limit: Int, hint: String = "") throws(PathwayLoadError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            let reason = errno
            if reason == ENOENT || reason == ENOTDIR { throw PathwayLoadError(file: path, "no such file") }
            throw PathwayLoadError(file: path, "cannot be read: " + String(cString: strerror(reason)))
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            throw PathwayLoadError(file: path, "cannot be read: " + String(cString: strerror(errno)))
        }
        if info.st_mode & S_IFMT == S_IFDIR { throw PathwayLoadError(file: path, "is a folder, not a pathway file") }
        // A pipe or a device (`/dev/stdin`) is read as it comes, within the same limit.
        let size = info.st_mode & S_IFMT == S_IFREG ? Int(info.st_size) : 0
        if size > limit {
            throw PathwayLoadError(
                file: path, "the file is \(size) bytes, over the limit of \(limit) bytes for this format" + hint)
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(min(size, chunk) + 1)
        var checked = 0
        var scratch = [UInt8](repeating: 0, count: chunk)
        while true {
            let got = scratch.withUnsafeMutableBytes { systemRead(fd, $0.baseAddress, chunk) }
            if got < 0 {
                if errno == EINTR { continue }
                throw PathwayLoadError(file: path, "cannot be read: " + String(cString: strerror(errno)))
            }
            if got == 0 { break }
            // Room for the whole file once its first megabyte has proved to be text.
            if bytes.count >= chunk && bytes.capacity < size { bytes.reserveCapacity(size) }
            bytes.append(contentsOf: scratch[0..<got])
            if bytes.count > limit {
                throw PathwayLoadError(
                    file: path, "the file is over the limit of \(limit) bytes for this format" + hint)
            }
            let cut = completeSequences(bytes)
            let good = bytes.withUnsafeBufferPointer { isText(UnsafeBufferPointer(rebasing: $0[checked..<cut])) }
            if !good { try validate(bytes, file: path) }
            checked = cut
        }
        if checked < bytes.count { try validate(bytes, file: path) }
        return bytes
    }

    /// Where the last complete UTF-8 sequence in `bytes` ends: a sequence cut by the end of
    /// what has been read so far waits for the next chunk.
    static func completeSequences(_ bytes: [UInt8]) -> Int {
        let end = bytes.count
        var k = end - 1
        while k >= max(0, end - 4) {
            let byte = bytes[k]
            if byte & 0xC0 != 0x80 {
                let length = byte < 0xC0 ? 1 : byte < 0xE0 ? 2 : byte < 0xF0 ? 3 : 4
                return k + length > end ? k : end
            }
            k -= 1
        }
        return end
    }

    /// No NUL byte, and valid UTF-8 (checked eight ASCII bytes at a time).
    static func isText(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let n = bytes.count
        guard let base = bytes.baseAddress else { return true }
        let raw = UnsafeRawPointer(base)
        var k = 0
        while k + 8 <= n {
            let word = raw.loadUnaligned(fromByteOffset: k, as: UInt64.self)
            // Any byte zero, or any high bit set.
            let zero = (word &- 0x0101_0101_0101_0101) & ~word & 0x8080_8080_8080_8080
            if zero != 0 || word & 0x8080_8080_8080_8080 != 0 { break }
            k += 8
        }
        while k < n {
            if bytes[k] == 0 || bytes[k] >= 0x80 { break }
            k += 1
        }
        if k == n { return true }
        let rest = UnsafeBufferPointer(rebasing: bytes[k...])
        if rest.contains(0) { return false }
        return String(validating: rest, as: UTF8.self) != nil
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
