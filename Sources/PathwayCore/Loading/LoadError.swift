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

        public init(file: String, line: Int?, column: Int?, message: String) {
            self.file = file
            self.line = line
            self.column = column
            self.message = message
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
