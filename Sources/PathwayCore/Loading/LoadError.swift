/// Why a pathway file did not load: one or more problems, each at a place in the file.
///
/// The description is written for the person who edits the file:
/// `pathways/x.yaml:12:5: error: unknown key 'organisaton' in a service; expected one of …`.
public struct PathwayLoadError: Error, Sendable, Equatable, CustomStringConvertible {
    public struct Problem: Sendable, Equatable, CustomStringConvertible {
        public var file: String
        /// 1-based; nil when the file has no lines to point at (it could not be read at all).
        public var line: Int?
        public var column: Int?
        public var message: String

        /// `message` is kept to one line: line breaks and other control characters in it (from
        /// a value the file holds) are written as escapes, so each problem is one line of output.
        public init(file: String, line: Int?, column: Int?, message: String) {
            self.file = file
            self.line = line
            self.column = column
            self.message = MessageText.oneLine(message)
        }

        public init(_ location: SourceLocation, _ message: String) {
            self.init(
                file: location.file, line: location.line, column: location.column,
                message: message)
        }

        public var description: String {
            var place = file
            if let line {
                place += ":\(line)"
                if let column { place += ":\(column)" }
            }
            return "\(place): error: \(message)"
        }
    }

    public var problems: [Problem]

    public init(problems: [Problem]) {
        precondition(!problems.isEmpty, "a load error has at least one problem")
        self.problems = problems
    }

    public init(_ problem: Problem) {
        self.problems = [problem]
    }

    public init(file: String, line: Int? = nil, column: Int? = nil, _ message: String) {
        self.problems = [Problem(file: file, line: line, column: column, message: message)]
    }

    public var description: String {
        problems.map(\.description).joined(separator: "\n")
    }
}

/// Text from a user's file, made safe to print inside a one-line message.
public enum MessageText {
    /// `text` with line breaks (LF, CR, NEL, U+2028, U+2029), other control characters and
    /// the bidirectional controls that reorder what a terminal shows written as `\n`, `\r` or
    /// `\u{…}`; tabs are kept. Text without them is returned as it is.
    public static func oneLine(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: needsEscape) else { return text }
        var out = ""
        out.unicodeScalars.reserveCapacity(text.unicodeScalars.count + 8)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case _ where needsEscape(scalar): out += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09: false
        case 0x00...0x1F, 0x7F...0x9F, 0x2028, 0x2029, 0x202A...0x202E, 0x2066...0x2069, 0x200E, 0x200F, 0x061C: true
        default: false
        }
    }
}
