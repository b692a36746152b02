import Foundation

/// What a long run is doing, for a person at a terminal: after `after` seconds, the phase and
/// the rows read so far, on one line rewritten in place at most twice a second; wiped when the
/// run ends. The command gives one only when standard error is a terminal.
public final class RunProgress: @unchecked Sendable {
    let after: Double
    let write: (String) -> Void
    let start = Date()
    var last = -1.0
    var shown = false
    var phase = ""

    public init(after: Double = 2, write: @escaping (String) -> Void) {
        self.after = after
        self.write = write
    }

    /// Shows `phase` and `rows` if the run has gone on long enough; a new phase shows at once.
    public func update(_ phase: String, rows: Int) {
        let elapsed = Date().timeIntervalSince(start)
        guard elapsed >= after, elapsed - last >= 0.5 || phase != self.phase else { return }
        last = elapsed
        self.phase = phase
        shown = true
        write(
            "\r\u{1B}[K\(phase): \(rows.formatted(.number.grouping(.automatic))) rows, \(String(format: "%.0f", elapsed)) s"
        )
    }

    /// Clears the line, if anything was shown.
    public func finish() {
        if shown { write("\r\u{1B}[K") }
        shown = false
    }
}
