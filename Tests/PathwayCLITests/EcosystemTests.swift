import Foundation
import Testing

/// The outputs that other tools read: SARIF for code scanning, CSV for spreadsheets, a
/// JSON Schema for editors, each checked by that ecosystem's own reader.
@Suite struct EcosystemTests {
    let cli = CLITests()

    /// A scratch folder, removed by the caller.
    func scratch(_ name: String) throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-\(getpid())").path
        try? FileManager.default.removeItem(atPath: folder)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        return folder
    }

    /// Each file's verdict from `Tests/tools/validate_json.py` (Python's jsonschema).
    func validate(_ files: [String], against schema: String) throws -> [String: (valid: Bool, errors: [String])] {
        let r = try cli.runProgram("/usr/bin/env", ["python3", "Tests/tools/validate_json.py", schema] + files)
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        var verdicts: [String: (Bool, [String])] = [:]
        for line in r.stdout.split(separator: "\n") {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let file = try #require(object["file"] as? String)
            verdicts[file] = (object["valid"] as? Bool ?? false, object["errors"] as? [String] ?? [])
        }
        #expect(verdicts.count == files.count, "one verdict a file: \(r.stdout)\(r.stderr)")
        return verdicts
    }

    static let sarifSchema = "Tests/schemas/sarif-schema-2.1.0.json"

    /// The results of a SARIF log: rule, level, file, line, column, message and fingerprint.
    struct SARIFResult: Equatable {
        var rule: String
        var level: String
        var uri: String
        var line: Int?
        var column: Int?
        var message: String
        var fingerprint: String
    }

    func results(_ sarif: String) throws -> (rules: [String: String], results: [SARIFResult]) {
        let log = try #require(try JSONSerialization.jsonObject(with: Data(sarif.utf8)) as? [String: Any])
        let runs = try #require(log["runs"] as? [[String: Any]])
        #expect(runs.count == 1)
        let driver = try #require((runs[0]["tool"] as? [String: Any])?["driver"] as? [String: Any])
        var rules: [String: String] = [:]
        for rule in try #require(driver["rules"] as? [[String: Any]]) {
            let id = try #require(rule["id"] as? String)
            rules[id] = (rule["defaultConfiguration"] as? [String: Any])?["level"] as? String
            #expect(((rule["shortDescription"] as? [String: Any])?["text"] as? String)?.isEmpty == false)
        }
        var out: [SARIFResult] = []
        for result in try #require(runs[0]["results"] as? [[String: Any]]) {
            let location = try #require((result["locations"] as? [[String: Any]])?.first)
            let physical = try #require(location["physicalLocation"] as? [String: Any])
            let region = physical["region"] as? [String: Any]
            out.append(
                SARIFResult(
                    rule: try #require(result["ruleId"] as? String), level: try #require(result["level"] as? String),
                    uri: try #require((physical["artifactLocation"] as? [String: Any])?["uri"] as? String),
                    line: region?["startLine"] as? Int, column: region?["startColumn"] as? Int,
                    message: try #require((result["message"] as? [String: Any])?["text"] as? String),
                    fingerprint: try #require(
                        (result["partialFingerprints"] as? [String: Any])?["pathwayFinding/v1"] as? String)))
        }
        return (rules, out)
    }

    /// The findings of `check`'s text output: `file:line[:column]: severity: message [rule]`.
    func textFindings(_ text: String) -> [(
        file: String, line: Int?, column: Int?, level: String, message: String, rule: String
    )] {
        let pattern = #/^(.+?)(?::(\d+))?(?::(\d+))?: (error|warning|info): (.*) \[([a-z-]+)\]$/#
        return text.split(separator: "\n").compactMap { line in
            guard let m = try? pattern.wholeMatch(in: String(line)) else { return nil }
            let level = m.4 == "info" ? "note" : String(m.4)
            return (String(m.1), m.2.map { Int($0)! }, m.3.map { Int($0)! }, level, String(m.5), String(m.6))
        }
    }

    @Test func sarifValidatesAgainstTheOfficialSchemaAndMatchesTheTextReport() throws {
        let folder = try scratch("sarif")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        // Clean samples, a file with errors and warnings, a CSV pair, and files that do not load.
        let inputs: [[String]] = [
            ["pathways"],
            ["Tests/PathwayCoreTests/Fixtures/good/orphaned-routes.yaml"],
            ["Tests/PathwayCoreTests/Fixtures/good/tricky-text.yaml", "Tests/PathwayCoreTests/Fixtures/good/csv-pair"],
            [
                "Tests/PathwayCoreTests/Fixtures/bad/typo-key.yaml",
                "Tests/PathwayCoreTests/Fixtures/bad/csv-ragged-row",
            ],
            [CLITests.root.appendingPathComponent("pathways/urgent-care-after.yaml").path],
        ]
        var logs: [String] = []
        var seenRules: Set<String> = []
        for (k, paths) in inputs.enumerated() {
            let sarif = try cli.run(["check", "--format", "sarif"] + paths)
            let text = try cli.run(["check"] + paths)
            #expect(sarif.status == text.status, "the same exit status as the text report")
            #expect(sarif.stderr.isEmpty, "\(sarif.stderr)")
            let file = "\(folder)/log\(k).sarif"
            try sarif.stdout.write(toFile: file, atomically: true, encoding: .utf8)
            logs.append(file)

            let (rules, results) = try results(sarif.stdout)
            let expected = textFindings(text.stdout)
            #expect(results.count == expected.count, "\(paths): one result a finding")
            for (result, finding) in zip(results, expected) {
                // An absolute path inside the working folder becomes relative to it.
                let relative = finding.file.replacingOccurrences(of: CLITests.root.path + "/", with: "")
                #expect(result.uri == relative)
                #expect(result.line == finding.line, "\(result) \(finding)")
                #expect(result.column == finding.column, "\(result) \(finding)")
                #expect(result.level == finding.level)
                #expect(result.rule == finding.rule)
                #expect(result.message == finding.message)
                #expect(rules[result.rule] != nil, "every result's rule is in the driver's rules")
                seenRules.insert(result.rule)
            }
            #expect(Set(results.map(\.fingerprint)).count == results.count, "fingerprints tell findings apart")
        }
        #expect(
            seenRules.isSuperset(of: ["orphaned-route", "dead-end", "invalid-file", "referral-loop"]), "\(seenRules)")
        for (file, verdict) in try validate(logs, against: Self.sarifSchema) {
            #expect(verdict.valid, "\(file): \(verdict.errors)")
        }
    }

    @Test func sarifFingerprintsSurviveLinesAddedAbove() throws {
        let folder = try scratch("fingerprint")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let source = try String(
            contentsOfFile: CLITests.root.appendingPathComponent(
                "Tests/PathwayCoreTests/Fixtures/good/orphaned-routes.yaml"
            )
            .path, encoding: .utf8)
        let file = "\(folder)/pathway.yaml"
        try source.write(toFile: file, atomically: true, encoding: .utf8)
        let before = try results(try cli.run(["check", "--format", "sarif", file]).stdout).results
        try ("# a comment\n# and another\n\n" + source).write(toFile: file, atomically: true, encoding: .utf8)
        let after = try results(try cli.run(["check", "--format", "sarif", file]).stdout).results
        #expect(!before.isEmpty && before.count == after.count)
        for (a, b) in zip(before, after) {
            #expect(a.fingerprint == b.fingerprint)
            if let line = a.line { #expect(b.line == line + 3) }
        }
        // A finding about something else has another fingerprint.
        #expect(Set(before.map(\.fingerprint)).count == before.count)
    }

    @Test func sarifAndJSONTogetherIsAMistake() throws {
        let r = try cli.run(["check", "--json", "--format", "sarif", "pathways"])
        #expect(r.status == 64)
        #expect(r.stderr.contains("--json") && r.stderr.contains("--format"))
        #expect(r.stdout.isEmpty)
    }
}
