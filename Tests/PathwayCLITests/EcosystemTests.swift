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

    // MARK: CSV

    /// Each file's rows as Python's csv module reads them.
    func csvRows(_ files: [String]) throws -> [String: [[String]]] {
        let r = try cli.runProgram("/usr/bin/env", ["python3", "Tests/tools/read_csv.py"] + files)
        #expect(r.status == 0, "\(r.stderr)")
        var out: [String: [[String]]] = [:]
        for line in r.stdout.split(separator: "\n") {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let file = try #require(object["file"] as? String)
            #expect(object["error"] == nil, "\(file): \(object["error"] ?? "")")
            out[file] = object["rows"] as? [[String]] ?? []
        }
        return out
    }

    static var samples: [String] {
        let folder = CLITests.root.appendingPathComponent("pathways").path
        return ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted()
            .filter { $0.hasSuffix(".yaml") && !$0.hasSuffix(".profiles.yaml") }.map { "pathways/" + $0 }
    }

    func json(_ arguments: [String]) throws -> [String: Any] {
        let r = try cli.run(arguments)
        #expect(r.status == 0, "\(r.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
    }

    @Test func metricsCSVHasARowPerServiceThatAgreesWithTheJSON() throws {
        let folder = try scratch("csv")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var files: [String: String] = [:]
        for sample in Self.samples {
            let r = try cli.run(["metrics", "--format", "csv", sample])
            #expect(r.status == 0, "\(r.stderr)")
            #expect(r.stdout.hasSuffix("\r\n") && !r.stdout.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
            let file = "\(folder)/\(URL(fileURLWithPath: sample).lastPathComponent).csv"
            try r.stdout.write(toFile: file, atomically: true, encoding: .utf8)
            files[sample] = file
        }
        let tables = try csvRows(Array(files.values))
        for sample in Self.samples {
            let rows = try #require(tables[files[sample]!])
            let metrics = try json(["metrics", "--json", sample])
            let header = rows[0]
            #expect(header.count == 13)
            #expect(rows.count == (metrics["services"] as! Int) + 1, "\(sample): a row per service")
            #expect(rows.allSatisfy { $0.count == header.count }, "\(sample): every row as wide as the header")
            func column(_ name: String) -> [String: String] {
                let k = header.firstIndex(of: name)!
                return Dictionary(uniqueKeysWithValues: rows.dropFirst().map { ($0[0], $0[k]) })
            }
            func ids(_ name: String) -> Set<String> { Set(column(name).filter { $0.value == "true" }.keys) }
            #expect(ids("unreachable") == Set(metrics["unreachable"] as! [String]))
            #expect(ids("deadEnd") == Set(metrics["deadEnds"] as! [String]))
            #expect(ids("inLoop") == Set((metrics["loops"] as! [[String]]).joined()))
            #expect(ids("entry") == Set(metrics["entryPoints"] as! [String]))
            let bottlenecks = Dictionary(
                uniqueKeysWithValues: (metrics["bottlenecks"] as! [[String: Any]]).map {
                    ($0["id"] as! String, "\($0["dominates"] as! Int)")
                })
            for (id, dominates) in column("dominates") { #expect(dominates == bottlenecks[id] ?? "0", "\(id)") }
            let betweenness = metrics["betweenness"] as! [String: Double]
            for (id, value) in column("betweenness") {
                #expect(abs(Double(value)! - betweenness[id]!) < 1e-12, "\(sample) \(id)")
            }
            let over = (metrics["overCapacity"] as! [[String: Any]])
            for excess in over {
                let id = excess["id"] as! String
                #expect(column("inboundVolume")[id] == "\(excess["inbound"] as! Int)")
                #expect(column("capacity")[id] == "\(excess["capacity"] as! Int)")
            }
        }
    }

    @Test func entryPointsCSVHasARowPerFunction() throws {
        let folder = try scratch("csv-functions")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        for sample in Self.samples {
            let r = try cli.run(["entry-points", "--format", "csv", sample])
            #expect(r.status == 0, "\(r.stderr)")
            let file = "\(folder)/functions.csv"
            try r.stdout.write(toFile: file, atomically: true, encoding: .utf8)
            let rows = try #require(try csvRows([file])[file])
            let metrics = try json(["metrics", "--json", sample])
            let functions = metrics["functions"] as! [String: [String: Any]]
            #expect(rows.count == functions.count + 1, "\(sample): a row per function")
            #expect(rows.allSatisfy { $0.count == 8 })
            for row in rows.dropFirst() {
                let f = try #require(functions[row[0]])
                let doors = f["pointsOfEntry"] as! [String]
                #expect(row[1] == "\((f["providers"] as! [String]).count)")
                #expect(row[2] == "\(doors.count)")
                #expect(row[3] == ((f["singlePointOfEntry"] as! Bool) ? "true" : "false"))
                #expect(row[4] == doors.joined(separator: "; "))
                #expect(row[5] == ((f["minReferrals"] as? Int).map { "\($0)" } ?? ""))
                #expect(row[6] == ((f["minBoundaries"] as? Int).map { "\($0)" } ?? ""))
            }
        }
    }

    @Test func csvCellsCannotBeFormulas() throws {
        let folder = try scratch("csv-hostile")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let names = [
            "=HYPERLINK(\\\"http://192.0.2.1\\\",\\\"x\\\")", "+1+1", "-2+3", "@SUM(A1)", "a, \\\"quoted\\\" name",
            "two\\nlines",
        ]
        var yaml = "pathway: hostile\norganisations:\n  - {id: org, name: \"=org\", sector: other}\nservices:\n"
        for (k, name) in names.enumerated() {
            yaml += "  - id: s\(k)\n    name: \"\(name)\"\n    organisation: org\n"
            yaml += k == 0 ? "    entry: true\n    functions: [\"diagnosis\"]\n" : "    functions: [review]\n"
        }
        yaml += "routes:\n" + (1..<names.count).map { "  - {from: s0, to: s\($0), volume: 5}\n" }.joined()
        let pathway = "\(folder)/hostile.yaml"
        try yaml.write(toFile: pathway, atomically: true, encoding: .utf8)
        let r = try cli.run(["metrics", "--format", "csv", pathway])
        #expect(r.status == 0, "\(r.stderr)")
        let file = "\(folder)/hostile.csv"
        try r.stdout.write(toFile: file, atomically: true, encoding: .utf8)
        let rows = try #require(try csvRows([file])[file])
        #expect(rows.count == names.count + 1)
        #expect(rows.allSatisfy { $0.count == 13 })
        for row in rows {
            for cell in row { #expect(!"=+-@\t\r".contains(cell.first ?? " "), "\(cell)") }
        }
        // The names come back whole, behind the apostrophe that keeps them text.
        let shown = rows.dropFirst().map { $0[1] }
        #expect(shown[0].hasPrefix("'=HYPERLINK(") && shown[4] == "a, \"quoted\" name" && shown[5] == "two\nlines")
        #expect(rows[1][2] == "org")
    }
}
