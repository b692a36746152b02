import PathwayCore

/// The report of `pathway check`, for people and as JSON.
public enum CheckReport {
    /// `{"findings": [...]}` as in `shared/pathway-format.md` section 3.
    public static func json(_ findings: [Finding]) -> JSONValue {
        .object(["findings": .array(findings.map(\.json))])
    }

    /// One line a finding, in the `file:line:column: severity: message [rule]` form that
    /// editors and CI logs link to, then a summary.
    public static func text(_ findings: [Finding], files: Int) -> String {
        var out = ""
        for finding in findings {
            var place = finding.file
            if let line = finding.line {
                place += ":\(line)"
                if let column = finding.column { place += ":\(column)" }
            }
            out += "\(place): \(finding.severity.rawValue): \(finding.message) [\(finding.rule)]\n"
        }
        func count(_ severity: Severity, _ noun: String) -> String {
            let n = findings.filter { $0.severity == severity }.count
            return "\(n) \(noun)\(n == 1 ? "" : "s")"
        }
        out += "\(files) pathway\(files == 1 ? "" : "s") checked: \(count(.error, "error")), "
            + "\(count(.warning, "warning")), \(count(.info, "note"))\n"
        return out
    }
}
