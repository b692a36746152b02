/// A conservative lexical pass over YAML text, run before the YAML parser, that refuses
/// the inputs that could make parsing or composing exhaust the stack or memory:
///
/// - aliases (`*name`), which let a few lines expand to billions of nodes ("billion laughs");
///   pathway files never need them, so they are refused outright rather than budgeted;
/// - nesting deeper than ``maximumDepth`` (tens of thousands of `[` would overflow the
///   composer's stack);
/// - tabs in indentation, which YAML forbids and editors hide, so the message says so plainly;
/// - tags (`!!python/object:…`, `!!float`), which ask a YAML library for other types than the
///   format's: the file's own rules decide every value's type;
/// - control characters, which YAML forbids, named at their line and column.
///
/// It tracks quoted scalars, comments and block scalars so that `*` or `[` inside text is not
/// mistaken for syntax. It may over-estimate depth (it never under-estimates it), which only
/// matters for files nested far deeper than any pathway.
///
/// - Complexity: O(n) time in the length of the text, O(d) space in the indentation levels.
enum YAMLSafetyScan {
    static let maximumDepth = 64

    static func check(_ text: String, file: String) throws(PathwayLoadError) {
        var scanner = Scanner(bytes: Array(text.utf8), file: file)
        try scanner.run()
    }

    private struct Scanner {
        let bytes: [UInt8]
        let file: String
        var index = 0
        var line = 1
        var lineStart = 0
        /// Open flow collections (`[`, `{`).
        var flowDepth = 0
        /// Indentation levels of open block nodes.
        var indents: [Int] = []
        /// Inside a quoted scalar that continues on the next line: its quote byte.
        var openQuote: UInt8?
        /// The indentation of the line that opened a block scalar (`|`, `>`), while inside it.
        var blockScalarParent: Int?
        /// The previous line ended inside a plain scalar, which may continue on this line.
        var plainOpen = false
        var plainIndent = 0

        init(bytes: [UInt8], file: String) {
            self.bytes = bytes
            self.file = file
        }

        func column(_ at: Int) -> Int { TextInput.column(bytes, lineStart: lineStart, offset: at) }

        func fail(_ at: Int, _ message: String) -> PathwayLoadError {
            PathwayLoadError(file: file, line: line, column: column(at), message)
        }

        mutating func run() throws(PathwayLoadError) {
            while lineStart < bytes.count {
                var end = lineStart
                while end < bytes.count && bytes[end] != 0x0A { end += 1 }
                try refuseUnprintable(end: end)
                try scanLine(end: end)
                lineStart = end + 1
                line += 1
            }
        }

        /// YAML allows only printable characters: no C0 or C1 control character but tab, line
        /// feed, carriage return and next line, no DEL, and neither U+FFFE nor U+FFFF.
        func refuseUnprintable(end: Int) throws(PathwayLoadError) {
            var i = lineStart
            while i < end {
                let b = bytes[i]
                var scalar: UInt32?
                if (b < 0x20 && b != 0x09 && b != 0x0D) || b == 0x7F {
                    scalar = UInt32(b)
                } else if b == 0xC2 && i + 1 < end && bytes[i + 1] >= 0x80 && bytes[i + 1] <= 0x9F
                    && bytes[i + 1] != 0x85
                {
                    scalar = UInt32(bytes[i + 1])
                } else if b == 0xEF && i + 2 < end && bytes[i + 1] == 0xBF && bytes[i + 2] >= 0xBE {
                    scalar = 0xFFFE + UInt32(bytes[i + 2] - 0xBE)
                }
                // NEL, U+2028 and U+2029 end a line for the YAML reader but not in most editors,
                // so every line and column after one would point at the wrong place.
                var lineBreak: UInt32?
                if b == 0xC2 && i + 1 < end && bytes[i + 1] == 0x85 {
                    lineBreak = 0x85
                } else if b == 0xE2 && i + 2 < end && bytes[i + 1] == 0x80
                    && (bytes[i + 2] == 0xA8 || bytes[i + 2] == 0xA9)
                {
                    lineBreak = 0x2000 + UInt32(bytes[i + 2]) - 0x80
                }
                if let lineBreak {
                    let name = String(lineBreak, radix: 16, uppercase: true)
                    let code = String(repeating: "0", count: max(0, 4 - name.count)) + name
                    throw fail(
                        i,
                        "a line break other than LF or CRLF (U+\(code)) is not allowed in a pathway file: editors"
                            + " do not all show it; use a plain line break, or write it as \\u\(code) in a"
                            + " double-quoted string")
                }
                if let scalar {
                    let name = String(scalar, radix: 16, uppercase: true)
                    throw fail(
                        i,
                        "a control character (U+\(String(repeating: "0", count: max(0, 4 - name.count)) + name))"
                            + " is not allowed in YAML: delete it, or write it as an escape such as \\u"
                            + " in a double-quoted string")
                }
                i += 1
            }
        }

        func isBlank(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0D }

        mutating func scanLine(end: Int) throws(PathwayLoadError) {
            var i = lineStart
            if let quote = openQuote {
                i = skipQuoted(from: i, end: end, quote: quote)
                if openQuote != nil { return }
                return try scanTokens(from: i, end: end, atNodeStart: false)
            }
            var indent = 0
            while i < end && bytes[i] == 0x20 {
                i += 1
                indent += 1
            }
            let content = i
            while i < end && isBlank(bytes[i]) { i += 1 }
            let blank = i == end || bytes[i] == UInt8(ascii: "#")
            if let parent = blockScalarParent {
                if blank || indent > parent { return }
                blockScalarParent = nil
            }
            if blank { return }
            if content < end && bytes[content] == 0x09 {
                throw fail(
                    content,
                    "a tab in the indentation: YAML indentation must be spaces (replace the tab)")
            }
            if plainOpen && indent > plainIndent {
                // A continuation line of a multi-line plain scalar: text, not syntax.
                return try scanTokens(from: content, end: end, atNodeStart: false)
            }
            plainOpen = false
            if flowDepth == 0 {
                while let last = indents.last, last > indent { indents.removeLast() }
                if indents.last != indent { indents.append(indent) }
            }
            try scanTokens(from: content, end: end, atNodeStart: true, indent: indent)
        }

        /// Skips a quoted scalar's text from `i`; clears `openQuote` if it closes on this line.
        mutating func skipQuoted(from start: Int, end: Int, quote: UInt8) -> Int {
            var i = start
            openQuote = quote
            while i < end {
                let b = bytes[i]
                if quote == UInt8(ascii: "\"") && b == UInt8(ascii: "\\") {
                    i += 2
                    continue
                }
                if b == quote {
                    if quote == UInt8(ascii: "'") && i + 1 < end && bytes[i + 1] == quote {
                        i += 2
                        continue
                    }
                    openQuote = nil
                    return i + 1
                }
                i += 1
            }
            return end
        }

        mutating func scanTokens(
            from start: Int, end: Int, atNodeStart startState: Bool, indent: Int = 0
        ) throws(PathwayLoadError) {
            var i = start
            var atNodeStart = startState
            var compact = 0  // block collections opened on this line (`- - x`, `? ? x`)
            while i < end {
                let b = bytes[i]
                let next: UInt8 = i + 1 < end ? bytes[i + 1] : 0x20
                if isBlank(b) {
                    i += 1
                    continue
                }
                if b == UInt8(ascii: "#") && (i == lineStart || isBlank(bytes[i - 1])) {
                    return
                }
                if atNodeStart {
                    let indicator = b == UInt8(ascii: "-") || b == UInt8(ascii: "?") || b == UInt8(ascii: ":")
                    if indicator && isBlank(next) {
                        if b != UInt8(ascii: ":") && flowDepth == 0 {
                            compact += 1
                            if indents.count + compact > maximumDepth {
                                throw fail(i, tooDeep)
                            }
                        }
                        i += 1
                        continue
                    }
                    if (b == UInt8(ascii: "|") || b == UInt8(ascii: ">")) && flowDepth == 0 {
                        blockScalarParent = indent
                        return
                    }
                    switch b {
                    case UInt8(ascii: "*"):
                        throw fail(
                            i,
                            "a YAML alias (*name): pathway files do not allow aliases, which can expand"
                                + " a few lines into billions of values; write the value out in full")
                    case UInt8(ascii: "!"):
                        var tagEnd = i
                        while tagEnd < end && !isBlank(bytes[tagEnd]) { tagEnd += 1 }
                        let tag = String(decoding: bytes[i..<min(tagEnd, i + 60)], as: UTF8.self)
                        throw fail(
                            i,
                            "a YAML tag (\(tag)): pathway files do not allow tags, which ask for a type"
                                + " other than the file's own; write the value without it (quote text that"
                                + " starts with '!')")
                    case UInt8(ascii: "&"):
                        while i < end && !isBlank(bytes[i]) { i += 1 }
                    case UInt8(ascii: "["), UInt8(ascii: "{"):
                        flowDepth += 1
                        if flowDepth + indents.count + compact > maximumDepth {
                            throw fail(i, tooDeep)
                        }
                        i += 1
                    case UInt8(ascii: "]"), UInt8(ascii: "}"):
                        flowDepth = max(0, flowDepth - 1)
                        atNodeStart = false
                        i += 1
                    case UInt8(ascii: ","):
                        i += 1
                    case UInt8(ascii: "\""), UInt8(ascii: "'"):
                        i = skipQuoted(from: i + 1, end: end, quote: b)
                        atNodeStart = false
                        if openQuote != nil { return }
                    default:
                        atNodeStart = false
                        plainOpen = flowDepth == 0
                        plainIndent = indent
                        i += 1
                    }
                    continue
                }
                // Inside a plain scalar, or after a quoted one.
                if b == UInt8(ascii: ":")
                    && (isBlank(next) || (flowDepth > 0 && ",[]{}".utf8.contains(next)))
                {
                    atNodeStart = true
                    plainOpen = false
                } else if flowDepth > 0 && (b == UInt8(ascii: ",")) {
                    atNodeStart = true
                } else if flowDepth > 0 && (b == UInt8(ascii: "[") || b == UInt8(ascii: "{")) {
                    flowDepth += 1
                    atNodeStart = true
                    if flowDepth + indents.count + compact > maximumDepth {
                        throw fail(i, tooDeep)
                    }
                } else if flowDepth > 0 && (b == UInt8(ascii: "]") || b == UInt8(ascii: "}")) {
                    flowDepth -= 1
                }
                i += 1
            }
            if flowDepth > 0 { plainOpen = false }
        }

        var tooDeep: String {
            "nesting deeper than \(maximumDepth) levels: a pathway file needs only a few"
        }
    }
}
