import PathwayCore

/// The report of `pathway check`, for people and as JSON.
public enum CheckReport {
    /// `{"findings": [...]}` as in `shared/pathway-format.md` section 3.
    public static func json(_ findings: [Finding]) -> JSONValue {
        .object(["findings": .array(findings.map(\.json))])
    }

    /// One line a finding, in the `file:line:column: severity: message [rule]` form that
    /// editors and CI logs link to, then a summary.
    /// One line that sums a pathway up before its findings: its size, and which functions
    /// have a single point of entry and which several, so that a redesign's aim shows at once.
    public static func summary(_ metrics: PathwayMetrics, file: String) -> String {
        let words = metrics.functions.keys.sorted()
        let single = words.filter { metrics.functions[$0]!.singlePointOfEntry }
        let several = words.filter { metrics.functions[$0]!.pointsOfEntry.count > 1 }
        var line = "\(file): \(metrics.services) services, \(metrics.routes) routes"
        if !single.isEmpty {
            line +=
                "; single point of entry for "
                + single.map { word in
                    "\(word) (\(metrics.functions[word]!.pointsOfEntry[0]))"
                }.joined(separator: ", ")
        }
        if !several.isEmpty {
            line +=
                "; several points of entry for "
                + several.map { word in
                    "\(word) (\(metrics.functions[word]!.pointsOfEntry.count))"
                }.joined(separator: ", ")
        }
        return line + "\n"
    }

    public static func text(_ findings: [Finding], files: Int, summaries: [String] = []) -> String {
        var out = summaries.joined()
        if !summaries.isEmpty && !findings.isEmpty { out += "\n" }
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
        out +=
            "\(files) pathway\(files == 1 ? "" : "s") checked: \(count(.error, "error")), "
            + "\(count(.warning, "warning")), \(count(.info, "note"))\n"
        return out
    }
}
