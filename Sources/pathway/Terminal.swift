import Foundation

/// Terminal manners: colour only where a person reads it.
///
/// Colour marks severities (error, warning, info) only when the stream is a terminal, and
/// never when `NO_COLOR` is set to anything (no-color.org), `TERM` is `dumb`, or the command was
/// given `--no-color`. Piped or redirected output is plain text, byte for byte the same as on a
/// terminal without colour.
enum Terminal {
    /// `--no-color` was given, to any command.
    nonisolated(unsafe) static var disabledByFlag = false

    /// The arguments without `--no-color` (before any `--`), noting that it was there: every
    /// command takes it.
    static func takingNoColor(_ arguments: [String]) -> [String] {
        let end = arguments.firstIndex(of: "--") ?? arguments.endIndex
        let kept = arguments[..<end].filter { $0 != "--no-color" }
        if kept.count < end { disabledByFlag = true }
        return kept + arguments[end...]
    }

    /// Whether to colour what goes to file descriptor `fd` (1: standard output, 2: standard error).
    static func colours(_ fd: Int32, disabled: Bool = false) -> Bool {
        if disabled || disabledByFlag || isatty(fd) != 1 { return false }
        let environment = ProcessInfo.processInfo.environment
        if let value = environment["NO_COLOR"], !value.isEmpty { return false }
        return environment["TERM"] != "dumb"
    }

    /// The ANSI escape that starts a severity's colour: bold red, yellow, cyan.
    static func start(_ severity: String) -> String? {
        switch severity {
        case "error": "\u{1B}[1;31m"
        case "warning": "\u{1B}[33m"
        case "info", "note": "\u{1B}[36m"
        default: nil
        }
    }

    static let reset = "\u{1B}[0m"

    /// `line` with its first `: SEVERITY: ` (or a leading `SEVERITY: `) in colour.
    static func colourSeverity(_ line: String) -> String {
        for severity in ["error", "warning", "info"] {
            guard let colour = start(severity) else { continue }
            if line.hasPrefix(severity + ": ") {
                return colour + severity + reset + line.dropFirst(severity.count)
            }
            if let r = line.range(of: ": \(severity): ") {
                return line[..<r.lowerBound] + ": " + colour + severity + reset + ": " + line[r.upperBound...]
            }
        }
        return line
    }

    /// Every line of `text` with its severity in colour.
    static func colourSeverities(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { colourSeverity(String($0)) }
            .joined(separator: "\n")
    }
}

/// A help text whose paragraphs are each joined into one line, for the argument parser to wrap
/// at the terminal's width: source lines are wrapped at the code's width, and a parser that
/// wraps each of them again leaves a short tail on every other line. A line that starts with a
/// space (an example, a list), an empty line, and the line after one of them are kept as they
/// are.
func paragraphs(_ text: String) -> String {
    var out: [String] = []
    var joinable = false
    for line in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
        let plain = !line.isEmpty && !line.hasPrefix(" ")
        if plain && joinable {
            out[out.count - 1] += " " + line
        } else {
            out.append(line)
        }
        joinable = plain && !line.hasPrefix("Example:")
    }
    return out.joined(separator: "\n")
}
