import Foundation
import Testing

#if canImport(FoundationXML)
    import FoundationXML
#endif

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

    // MARK: JSON Schema and the starter file

    static let pathwaySchema = "schemas/pathway.schema.json"

    static func files(in folder: String, ending suffix: String) -> [String] {
        let path = CLITests.root.appendingPathComponent(folder).path
        return ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted()
            .filter { $0.hasSuffix(suffix) }.map { "\(folder)/\($0)" }
    }

    @Test func theCheckedInSchemaIsCurrent() throws {
        let r = try cli.run(["schema"])
        #expect(r.status == 0)
        let file = try String(
            contentsOfFile: CLITests.root.appendingPathComponent(Self.pathwaySchema).path, encoding: .utf8)
        #expect(
            r.stdout == file, "schemas/pathway.schema.json is stale: run pathway schema -o schemas/pathway.schema.json")
    }

    @Test func theSchemaAcceptsEverySampleAndRejectsEveryStructurallyBadFixture() throws {
        let samples = Self.files(in: "pathways", ending: ".yaml")
        let good = Self.files(in: "Tests/PathwayCoreTests/Fixtures/good", ending: ".yaml")
        let bad = Self.files(in: "Tests/PathwayCoreTests/Fixtures/bad", ending: ".yaml")
        #expect(samples.count >= 10 && bad.count >= 20)
        // Wrong only in what needs the whole file, which a schema cannot see: 'pathway check'
        // and the loader catch these.
        let wholeFile: Set<String> = ["duplicate-id.yaml", "duplicate-key.yaml", "unknown-organisation.yaml"]
        let verdicts = try validate(samples + good + bad, against: Self.pathwaySchema)
        for file in samples + good {
            #expect(verdicts[file]?.valid == true, "\(file): \(verdicts[file]?.errors ?? [])")
        }
        for file in bad {
            let expected = wholeFile.contains(URL(fileURLWithPath: file).lastPathComponent)
            #expect(verdicts[file]?.valid == expected, "\(file): \(verdicts[file]?.errors ?? [])")
            // Every one of them still fails to load.
            #expect(try cli.run(["metrics", file]).status == 65)
        }
        // Every sample points editors at the schema.
        for sample in samples {
            let text = try String(contentsOfFile: CLITests.root.appendingPathComponent(sample).path, encoding: .utf8)
            #expect(text.hasPrefix("# yaml-language-server: $schema=../schemas/pathway.schema.json\n"), "\(sample)")
        }
    }

    /// The schema describes exactly the keys the loader accepts: a key it does not know is
    /// refused by both, and the loader's list of what it expected is the schema's.
    @Test func theSchemaAndTheLoaderKnowTheSameKeys() throws {
        let folder = try scratch("schema-keys")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let base = """
            pathway: Keys
            organisations:
              - id: org
                sector: other
            services:
              - id: a
                organisation: org
                entry: true
                functions: [diagnosis]
            routes:
              - from: a
                to: a
            profiles:
              - id: p
                needs: [diagnosis]

            """
        let schema = try #require(
            try JSONSerialization.jsonObject(
                with: Data(contentsOf: CLITests.root.appendingPathComponent(Self.pathwaySchema))) as? [String: Any])
        let defs = try #require(schema["$defs"] as? [String: [String: Any]])
        // Where to put the stray key, and the schema definition of that mapping.
        let places: [(after: String, indent: String, def: String)] = [
            ("pathway: Keys\n", "", "pathwayFile"), ("  - id: org\n", "    ", "organisation"),
            ("  - id: a\n", "    ", "service"), ("  - from: a\n", "    ", "route"), ("  - id: p\n", "    ", "profile"),
        ]
        var files: [String] = []
        for (k, place) in places.enumerated() {
            let text = base.replacingOccurrences(of: place.after, with: place.after + place.indent + "stray-key: 1\n")
            let file = "\(folder)/stray\(k).yaml"
            try text.write(toFile: file, atomically: true, encoding: .utf8)
            files.append(file)
            let r = try cli.run(["check", file])
            #expect(r.status == 65)
            let listed = try #require(
                r.stdout.firstMatch(of: #/unknown key 'stray-key' in [^;]+; expected one of: ([a-z, -]+)/#)?.1)
            let keys = Set(listed.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
            let properties = try #require(defs[place.def]?["properties"] as? [String: Any])
            #expect(keys == Set(properties.keys), "\(place.def)")
        }
        let base0 = "\(folder)/base.yaml"
        try base.write(toFile: base0, atomically: true, encoding: .utf8)
        #expect(try cli.run(["check", base0]).status == 0)
        let verdicts = try validate([base0] + files, against: Self.pathwaySchema)
        #expect(verdicts[base0]?.valid == true, "\(verdicts[base0]?.errors ?? [])")
        for file in files { #expect(verdicts[file]?.valid == false, "\(file)") }
    }

    @Test func newWritesAStarterThatLoadsAndKeepsItsTitle() throws {
        let folder = try scratch("new")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let title = "Memory services: \"after\" # not a comment, \\ & <b>"
        let file = "\(folder)/starter.yaml"
        let r = try cli.run(["new", title, "-o", file, "--schema", "../schemas/pathway.schema.json"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("pathway check"), "says what to do next")
        let check = try cli.run(["check", "--strict", file])
        #expect(check.status == 0, "\(check.stdout)")
        #expect(check.stdout.contains("0 errors, 0 warnings"))
        let metrics = try json(["metrics", "--json", file])
        #expect(metrics["pathway"] as? String == title)
        #expect((metrics["services"] as? Int ?? 0) >= 3 && (metrics["routes"] as? Int ?? 0) >= 3)
        let text = try String(contentsOfFile: file, encoding: .utf8)
        #expect(text.hasPrefix("# yaml-language-server: $schema=../schemas/pathway.schema.json\n"))
        #expect(text.split(separator: "\n").filter { $0.contains("#") }.count >= 15, "a commented starter")
        #expect(try validate([file], against: Self.pathwaySchema)[file]?.valid == true)

        // An existing file is kept, unless --force.
        let again = try cli.run(["new", "Another", "-o", file])
        #expect(again.status == 73 && again.stderr.contains("exists already"))
        #expect(try String(contentsOfFile: file, encoding: .utf8) == text)
        #expect(try cli.run(["new", "Another", "-o", file, "--force"]).status == 0)
        #expect(try json(["metrics", "--json", file])["pathway"] as? String == "Another")
        // No title is a mistake in the command line.
        #expect(try cli.run(["new", "  "]).status == 64)
        // Without -o, to standard output.
        #expect(try cli.run(["new", "Printed"]).stdout.contains("pathway: \"Printed\""))
    }

    // MARK: Accessibility

    /// A file inside an installed Python package (scripts/setup installs the wheels), found
    /// without importing the package, whose dependencies are not installed.
    func fileInPackage(_ package: String, _ path: String) throws -> String {
        let r = try cli.runProgram(
            "/usr/bin/env",
            [
                "python3", "-c",
                "import importlib.util, os, sys; s = importlib.util.find_spec(sys.argv[1]);"
                    + " print(os.path.join(s.submodule_search_locations[0], sys.argv[2]))",
                package, path,
            ])
        let file = r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        try #require(
            r.status == 0 && FileManager.default.fileExists(atPath: file),
            "\(package) not found: run scripts/setup (\(r.stderr))")
        return file
    }

    /// axe-core's `axe.min.js`, from the PyPI wheel axe-playwright-python.
    func axeScript() throws -> String { try fileInPackage("axe_playwright_python", "axe.min.js") }

    /// Every sample alone, every redesign, and a report with referral records.
    static let reports: [[String]] = {
        let samples = EcosystemTests.samples
        var out = samples.map { [$0] }
        for before in samples where before.hasSuffix("-before.yaml") {
            let after = before.replacingOccurrences(of: "-before.yaml", with: "-after.yaml")
            if samples.contains(after) { out.append([before, after]) }
        }
        out.append([
            "pathways/dementia-london-after.yaml", "--records", "pathways/records/dementia-london-after-events.csv",
        ])
        return out
    }()

    @Test(arguments: reports)
    func reportsMeetWCAG21AA(_ inputs: [String]) throws {
        let axe = try axeScript()
        let folder = try scratch("axe-\(abs(inputs.joined().hashValue))")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let page = "\(folder)/report.html"
        let made = try cli.run(["report"] + inputs + ["-o", page])
        try #require(made.status == 0, "\(made.stderr)")
        let r = try cli.runProgram(
            "/usr/bin/env", ["python3", "Tests/browser/check_page.py", page, "\(folder)/shot.png", "--axe", axe])
        try #require(r.status == 0, "\(r.stderr)")
        let seen = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let result = try #require(seen["axe"] as? [String: Any])
        #expect((result["version"] as? String)?.hasPrefix("4.") == true)
        #expect((result["passes"] as? Int ?? 0) >= 10, "axe ran its rules")
        let violations = try #require(result["violations"] as? [[String: Any]])
        #expect(violations.isEmpty, "\(inputs): \(violations)")
        // Each diagram is named and described for a reader who cannot see it.
        let html = try String(contentsOfFile: page, encoding: .utf8)
        let images = html.components(separatedBy: "role=\"img\"").count - 1
        #expect(images >= 2)
        #expect(html.components(separatedBy: "<desc id=").count - 1 >= 2)
    }

    /// axe-core itself finds what the report avoids: a page with an unnamed drawing and
    /// focusable buttons hidden from assistive technology.
    @Test func axeFindsTheViolationsTheReportAvoids() throws {
        let axe = try axeScript()
        let folder = try scratch("axe-control")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let page = "\(folder)/control.html"
        try """
        <!DOCTYPE html><html lang="en"><head><title>control</title></head><body><main>
        <svg role="img" viewBox="0 0 10 10"><rect width="10" height="10"/></svg>
        <div aria-hidden="true"><button type="button">+</button></div></main></body></html>
        """.write(toFile: page, atomically: true, encoding: .utf8)
        let r = try cli.runProgram(
            "/usr/bin/env", ["python3", "Tests/browser/check_page.py", page, "\(folder)/shot.png", "--axe", axe])
        let seen = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let violations = ((seen["axe"] as? [String: Any])?["violations"] as? [[String: Any]] ?? []).compactMap {
            $0["id"] as? String
        }
        #expect(Set(violations).isSuperset(of: ["svg-img-alt", "aria-hidden-focus"]), "\(violations)")
    }

    // MARK: Terminal manners

    /// What `pathway ARGUMENTS` writes to a terminal, with `environment` (`NAME=value`) set.
    /// `swift test` sets NO_COLOR for what it runs, so it is unset here first.
    func inTerminal(_ arguments: [String], environment: [String] = [], stdoutOnly: Bool = false) throws -> String {
        let r = try cli.runProgram(
            "/usr/bin/env",
            ["-u", "NO_COLOR"] + environment + ["python3", "Tests/tools/in_terminal.py"]
                + (stdoutOnly ? ["--stdout-only"] : [])
                + [CLITests.tool.path] + arguments)
        #expect(r.status == 0, "\(r.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        return try #require(object["output"] as? String)
    }

    @Test func severitiesAreColouredOnlyOnATerminal() throws {
        let file = "Tests/PathwayCoreTests/Fixtures/good/orphaned-routes.yaml"
        let bad = "Tests/PathwayCoreTests/Fixtures/bad/typo-key.yaml"
        let escape = "\u{1B}["
        let coloured = try inTerminal(["check", file], environment: ["TERM=xterm"])
        #expect(coloured.contains("\u{1B}[1;31merror\u{1B}[0m: the route from 'gp'"), "\(coloured)")
        #expect(coloured.contains("\u{1B}[33mwarning\u{1B}[0m: "))
        // Messages on standard error are coloured on a terminal too.
        #expect(try inTerminal(["metrics", bad], environment: ["TERM=xterm"]).contains("\u{1B}[1;31merror"))
        for (arguments, environment) in [
            (["check", file], ["NO_COLOR=1", "TERM=xterm"]), (["check", "--no-color", file], ["TERM=xterm"]),
            (["check", file, "--no-color"], ["TERM=xterm"]), (["check", file], ["TERM=dumb"]),
            (["metrics", "--no-color", bad], ["TERM=xterm"]), (["metrics", bad], ["NO_COLOR=yes", "TERM=xterm"]),
        ] {
            let plain = try inTerminal(arguments, environment: environment)
            #expect(!plain.contains(escape), "\(arguments) \(environment): \(plain)")
            #expect(plain.contains("error: "))
        }
        // Piped: plain, and the same bytes as on a terminal without colour, line ends aside.
        let piped = try cli.run(["check", file])
        #expect(!piped.stdout.contains(escape) && !piped.stderr.contains(escape))
        let plain = try inTerminal(["check", "--no-color", file], environment: ["TERM=xterm"], stdoutOnly: true)
        #expect(plain.replacingOccurrences(of: "\r\n", with: "\n") == piped.stdout)
    }

    @Test func dataGoesToStandardOutputAndMessagesToStandardError() throws {
        let bad = try cli.run(["metrics", "Tests/PathwayCoreTests/Fixtures/bad/typo-key.yaml"])
        #expect(bad.status == 65 && bad.stdout.isEmpty && bad.stderr.contains("typo-key.yaml:13:5: error:"))
        let json = try cli.run(["check", "--json", "Tests/PathwayCoreTests/Fixtures/good/orphaned-routes.yaml"])
        #expect((try? JSONSerialization.jsonObject(with: Data(json.stdout.utf8))) != nil, "stdout holds only the JSON")
        let folder = try scratch("streams")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let written = try cli.run(["new", "Streams", "-o", "\(folder)/p.yaml"])
        #expect(written.stdout.isEmpty && written.stderr.contains("wrote"))
        let version = try cli.run(["--version"])
        #expect(
            version.status == 0 && version.stdout.range(of: #"^\d+\.\d+\.\d+\n$"#, options: .regularExpression) != nil)
    }

    /// Help reads at 80 columns: the parser wraps each paragraph whole, so no line is cut off
    /// short with its tail on the next line.
    @Test(arguments: [
        "", "check", "metrics", "entry-points", "journeys", "diff", "report", "render", "discover", "conform",
        "diagrams", "import", "new", "schema",
    ])
    func helpReadsAtEightyColumns(_ command: String) throws {
        let r = try cli.runProgram(
            "/usr/bin/env", ["COLUMNS=80", CLITests.tool.path] + (command.isEmpty ? [] : [command]) + ["--help"])
        #expect(r.status == 0)
        let lines = r.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        for (k, line) in lines.enumerated() where !line.hasPrefix("USAGE:") {
            #expect(line.count <= 80, "\(command): \(line)")
            if k + 1 < lines.count, let next = lines[k + 1].first, next.isLowercase, !line.isEmpty,
                !line.hasPrefix(" ")
            {
                #expect(line.count >= 40, "\(command): a cut-off line: '\(line)' then '\(lines[k + 1])'")
            }
        }
    }

    @Test func completionScriptsAreGenerated() throws {
        for shell in ["bash", "zsh", "fish"] {
            let r = try cli.run(["--generate-completion-script", shell])
            #expect(r.status == 0, "\(shell): \(r.stderr)")
            for command in ["check", "metrics", "render", "schema", "new"] {
                #expect(r.stdout.contains(command), "\(shell) completes \(command)")
            }
            if shell == "bash" {
                let folder = try scratch("completion")
                defer { try? FileManager.default.removeItem(atPath: folder) }
                try r.stdout.write(toFile: "\(folder)/pathway.bash", atomically: true, encoding: .utf8)
                let syntax = try cli.runProgram("/bin/bash", ["-n", "\(folder)/pathway.bash"])
                #expect(syntax.status == 0, "\(syntax.stderr)")
            }
        }
    }

    // MARK: Mermaid

    /// Mermaid 11.6's `mermaid.min.js`, from the PyPI wheel diagram-renderer.
    func mermaidScript() throws -> String {
        try fileInPackage("diagram_renderer", "renderers/static/js/mermaid.min.js")
    }

    /// What Mermaid's own code made of each file, in Chromium.
    func mermaidRendered(_ files: [String]) throws -> [String: [String: Any]] {
        let r = try cli.runProgram(
            "/usr/bin/env", ["python3", "Tests/browser/check_mermaid.py", try mermaidScript()] + files)
        try #require(r.status == 0, "\(r.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        #expect((report["requests"] as? [String])?.isEmpty == true, "offline: \(report["requests"] ?? "")")
        var out: [String: [String: Any]] = [:]
        for file in report["files"] as? [[String: Any]] ?? [] { out[file["file"] as! String] = file }
        return out
    }

    @Test func mermaidOfEverySampleIsParsedAndDrawnByMermaid() throws {
        let folder = try scratch("mermaid")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var expected: [String: (nodes: Int, lanes: Int)] = [:]
        for sample in Self.samples {
            let name = URL(fileURLWithPath: sample).deletingPathExtension().lastPathComponent
            let metrics = try json(["metrics", "--json", sample])
            for view in ["services", "organisations"] {
                let file = "\(folder)/\(name).\(view).mmd"
                let r = try cli.run(["render", sample, "--view", view, "-o", file])
                #expect(r.status == 0 && r.stderr.isEmpty, "\(r.stderr)")
                let services = metrics["services"] as! Int
                let orphanEnds = Set(
                    (metrics["orphanedRoutes"] as! [[String: Any]]).flatMap {
                        [$0["from"] as! String, $0["to"] as! String]
                    }
                ).count
                expected[file] =
                    view == "services"
                    ? (services + orphanEnds - 0, metrics["organisations"] as! Int)
                    : (metrics["organisations"] as! Int, 0)
            }
        }
        let rendered = try mermaidRendered(Array(expected.keys))
        for (file, want) in expected {
            let got = try #require(rendered[file], "\(file)")
            #expect(got["parsed"] as? Bool == true && got["error"] is NSNull, "\(file): \(got["error"] ?? "")")
            #expect(
                (got["nodes"] as? Int ?? 0) >= want.nodes - 2 && (got["nodes"] as? Int ?? 0) <= want.nodes, "\(file)")
            #expect((got["edges"] as? Int ?? 0) > 0, "\(file)")
            if want.lanes > 0 { #expect((got["clusters"] as? Int ?? 0) > 0, "\(file): a subgraph per organisation") }
            #expect(got["scripts"] as? Int == 0 && got["handlers"] as? Int == 0)
        }
    }

    /// A pathway whose names are Mermaid syntax, HTML and entities.
    static let hostileNames = [
        "<img src=x onerror=alert(1)>", "end", "A --> B; click A callback", "%%{init: {'securityLevel': 'loose'}}%%",
        "\"quoted\" #35; & `code`", "subgraph x", "[brackets] (parens) {braces} |pipe|", "**bold** _it_ ~~gone~~ 50%",
    ]

    static func hostilePathway() -> String {
        var yaml =
            "pathway: \"<b>bold</b> end\"\norganisations:\n  - {id: org, name: \"</div><script>x()</script>\", sector: other}\n"
        yaml += "services:\n"
        for (k, name) in hostileNames.enumerated() {
            let quoted = name.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            yaml += "  - id: s\(k)\n    name: \"\(quoted)\"\n    organisation: org\n"
            yaml += k == 0 ? "    entry: true\n" : ""
            yaml += "    functions: [diagnosis]\n"
        }
        yaml +=
            "routes:\n"
            + (1..<hostileNames.count).map { "  - {from: s0, to: s\($0), purpose: diagnosis, volume: 5}\n" }.joined()
        yaml += "  - {from: s1, to: gone, note: \"<script>\"}\n"
        return yaml
    }

    @Test func hostileNamesStayInertInMermaid() throws {
        let folder = try scratch("mermaid-hostile")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let pathway = "\(folder)/hostile.yaml"
        try Self.hostilePathway().write(toFile: pathway, atomically: true, encoding: .utf8)
        var files: [String] = []
        for view in ["services", "organisations", "focus:s0"] {
            let file = "\(folder)/\(view.replacingOccurrences(of: ":", with: "-")).mmd"
            let r = try cli.run(["render", pathway, "--view", view, "-o", file])
            #expect(r.status == 0, "\(r.stderr)")
            files.append(file)
        }
        let rendered = try mermaidRendered(files)
        for file in files {
            let got = try #require(rendered[file])
            #expect(got["parsed"] as? Bool == true, "\(file): \(got["error"] ?? "")")
            #expect(got["scripts"] as? Int == 0 && got["handlers"] as? Int == 0, "\(file)")
        }
        // The services view shows every name as written.
        let texts = (rendered[files[0]]?["texts"] as? [String] ?? []).joined(separator: "\n")
        for name in Self.hostileNames {
            let words = name.split(separator: " ").map(String.init)
            #expect(words.allSatisfy { texts.contains($0) }, "\(name) in \(texts)")
        }
    }

    @Test func mermaidWarnsPastItsLimits() throws {
        let folder = try scratch("mermaid-large")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let network = "\(folder)/network"
        let made = try cli.runProgram(
            "/usr/bin/env", ["python3", "Benchmarks/generate_network.py", "--services", "400", "--seed", "2", network])
        try #require(made.status == 0, "\(made.stderr)")
        let r = try cli.run(["render", network, "-o", "\(folder)/large.mmd"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(
            r.stderr.contains("warning:") && r.stderr.contains("500") && r.stderr.contains("maxEdges"), "\(r.stderr)")
        #expect(r.stderr.contains("--view organisations"), "says what to do")
        let small = try cli.run(["render", "pathways/urgent-care-after.yaml", "-o", "\(folder)/small.mmd"])
        #expect(small.stderr.isEmpty)
    }

    // MARK: draw.io

    /// The laid-out DOT of `render --lanes`: each service's centre and size, and the bounds.
    func graphvizLayout(_ sample: String, view: String, folder: String) throws -> (
        boxes: [String: (x: Double, y: Double, w: Double, h: Double)], bounds: [Double], edges: Int
    ) {
        let file = "\(folder)/layout.dot"
        let r = try cli.run(["render", sample, "--lanes", "--view", view, "-o", file])
        try #require(r.status == 0, "\(r.stderr)")
        let text = try String(contentsOfFile: file, encoding: .utf8).replacingOccurrences(of: "\\\n", with: "")
        var boxes: [String: (Double, Double, Double, Double)] = [:]
        var bounds: [Double] = []
        var edges = 0
        for line in text.split(separator: "\n") {
            if let m = try #/^\s*(n\d+) \[.*\bpos="([-\d.]+),([-\d.]+)".*\bwidth="?([\d.]+)"?.*\bheight="?([\d.]+)"?/#
                .firstMatch(in: line)
            {
                boxes[String(m.1)] = (Double(m.2)!, Double(m.3)!, Double(m.4)! * 72, Double(m.5)! * 72)
            } else if bounds.isEmpty, let m = try #/\bbb="([-\d.,]+)"/#.firstMatch(in: line), line.contains("graph [") {
                bounds = m.1.split(separator: ",").map { Double($0)! }
            }
            if line.contains(" -> "), line.contains("id=\"e") { edges += 1 }
        }
        return (boxes, bounds, edges)
    }

    struct Cell {
        var id: String
        var parent: String
        var vertex: Bool
        var source: String?
        var target: String?
        var box: (x: Double, y: Double, w: Double, h: Double)
        var label: String
        var tooltip: String
        var style: String
    }

    /// The cells of each page of a draw.io file, parsed as XML.
    func drawioPages(_ file: String) throws -> [(name: String, cells: [String: Cell])] {
        let document = try XMLDocument(contentsOf: URL(fileURLWithPath: file))
        let root = try #require(document.rootElement())
        #expect(root.name == "mxfile" && root.attribute(forName: "compressed")?.stringValue == "false")
        var pages: [(String, [String: Cell])] = []
        for page in root.elements(forName: "diagram") {
            let model = try #require(page.elements(forName: "mxGraphModel").first)
            let cellsRoot = try #require(model.elements(forName: "root").first)
            var cells: [String: Cell] = [:]
            for element in cellsRoot.children?.compactMap({ $0 as? XMLElement }) ?? [] {
                let object = element.name == "UserObject" ? element : nil
                guard let cell = element.name == "mxCell" ? element : element.elements(forName: "mxCell").first else {
                    continue
                }
                let id = (object ?? cell).attribute(forName: "id")?.stringValue ?? ""
                let geometry = cell.elements(forName: "mxGeometry").first
                func number(_ name: String) -> Double {
                    Double(geometry?.attribute(forName: name)?.stringValue ?? "") ?? 0
                }
                cells[id] = Cell(
                    id: id, parent: cell.attribute(forName: "parent")?.stringValue ?? "",
                    vertex: cell.attribute(forName: "vertex")?.stringValue == "1",
                    source: cell.attribute(forName: "source")?.stringValue,
                    target: cell.attribute(forName: "target")?.stringValue,
                    box: (number("x"), number("y"), number("width"), number("height")),
                    label: object?.attribute(forName: "label")?.stringValue ?? cell.attribute(forName: "value")?
                        .stringValue ?? "",
                    tooltip: object?.attribute(forName: "tooltip")?.stringValue ?? "",
                    style: cell.attribute(forName: "style")?.stringValue ?? "")
            }
            pages.append((page.attribute(forName: "name")?.stringValue ?? "", cells))
        }
        return pages
    }

    /// A cell's box on the page: children of a lane are placed relative to it.
    func absolute(_ cell: Cell, in cells: [String: Cell]) -> (x: Double, y: Double) {
        guard let lane = cells[cell.parent], lane.vertex else { return (cell.box.x, cell.box.y) }
        return (cell.box.x + lane.box.x, cell.box.y + lane.box.y)
    }

    @Test func drawioOfEverySampleHasTheGraphvizLayoutInLanes() throws {
        let folder = try scratch("drawio")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        for sample in Self.samples {
            let file = "\(folder)/sample.drawio"
            let r = try cli.run(["render", sample, "-o", file])
            try #require(r.status == 0, "\(r.stderr)")
            let pages = try drawioPages(file)
            try #require(pages.count == 1)
            let cells = pages[0].cells
            let layout = try graphvizLayout(sample, view: "services", folder: folder)
            let (x0, y1) = (layout.bounds[0], layout.bounds[3])

            // Every service a cell in the lane of its organisation.
            let csv = try cli.run(["metrics", "--format", "csv", sample]).stdout
            let organisationOf = Dictionary(
                uniqueKeysWithValues: csv.split(separator: "\r\n").dropFirst().map { line -> (String, String) in
                    let cells = line.split(separator: ",", omittingEmptySubsequences: false)
                    return (String(cells[0]), String(cells[cells.count - 11]))
                })
            let services = cells.values.filter { $0.vertex && $0.id.hasPrefix("n") && !$0.style.contains("dashed=1") }
            #expect(services.count == organisationOf.count, "\(sample): a cell per service")
            for cell in services {
                let id = try #require(organisationOf.keys.first { cell.tooltip.contains("(\($0))") }, "\(cell.tooltip)")
                let lane = try #require(cells[cell.parent], "\(sample) \(id): in a lane")
                #expect(lane.style.hasPrefix("swimlane"), "\(id)")
                #expect(lane.tooltip.contains("(\(organisationOf[id]!))"), "\(id) in \(lane.tooltip)")
            }
            // Positions are Graphviz's, to the hundredth of a point.
            for (name, box) in layout.boxes {
                let cell = try #require(cells[name], "\(sample) \(name)")
                let corner = absolute(cell, in: cells)
                let centre = (corner.x + cell.box.w / 2, corner.y + cell.box.h / 2)
                #expect(abs(centre.0 - (box.x - x0 + 20)) < 0.02 && abs(centre.1 - (y1 - box.y + 20)) < 0.02, "\(name)")
                #expect(abs(cell.box.w - box.w) < 0.02 && abs(cell.box.h - box.h) < 0.02, "\(name)")
            }
            // Every arrow an edge between its two cells; labels plain text.
            let edges = cells.values.filter { $0.source != nil }
            #expect(edges.count == layout.edges, "\(sample)")
            for edge in edges { #expect(cells[edge.source!] != nil && cells[edge.target!] != nil) }
            #expect(cells.values.allSatisfy { $0.style.isEmpty || $0.style.contains("html=0") })
            // A legend, as our drawings have: every sector drawn has its swatch.
            #expect(cells["legend"]?.label == "Legend")
            let legend = Set(cells.values.filter { $0.id.hasPrefix("legend-") }.map(\.label))
            for sector in Set(
                csv.split(separator: "\r\n").dropFirst().map {
                    $0.split(separator: ",", omittingEmptySubsequences: false)
                }.map { String($0[$0.count - 10]) })
            {
                #expect(legend.contains(sector), "\(sample): \(sector) in the legend \(legend)")
            }
        }
    }

    @Test func drawioOfARedesignHasThreePagesInOneLayout() throws {
        let folder = try scratch("drawio-diff")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let file = "\(folder)/london.drawio"
        let r = try cli.run([
            "diff", "pathways/dementia-london-before.yaml", "pathways/dementia-london-after.yaml", "--diagram", file,
        ])
        try #require(r.status == 0, "\(r.stderr)")
        let pages = try drawioPages(file)
        #expect(pages.map(\.name) == ["What changed", "Before", "After"])
        // A service on two pages sits in the same place on both.
        let union = pages[0].cells
        for page in pages.dropFirst() {
            #expect(page.cells.count < union.count, "\(page.name) leaves out what the side does not have")
            for (id, cell) in page.cells where id.hasPrefix("n") {
                let same = try #require(union[id])
                let (a, b) = (absolute(cell, in: page.cells), absolute(same, in: union))
                #expect(abs(a.x - b.x) < 0.01 && abs(a.y - b.y) < 0.01, "\(page.name) \(id)")
            }
        }
        #expect(pages[1].cells.values.contains { $0.tooltip.contains("(cmht-a-memory-assessment)") })
        #expect(!pages[2].cells.values.contains { $0.tooltip.contains("(cmht-a-memory-assessment)") })
    }

    @Test func hostileNamesStayInertInDrawio() throws {
        let folder = try scratch("drawio-hostile")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let pathway = "\(folder)/hostile.yaml"
        try Self.hostilePathway().write(toFile: pathway, atomically: true, encoding: .utf8)
        let file = "\(folder)/hostile.drawio"
        let r = try cli.run(["render", pathway, "-o", file])
        try #require(r.status == 0, "\(r.stderr)")
        let cells = try drawioPages(file)[0].cells
        let labels = cells.values.map { $0.label.replacingOccurrences(of: "\n", with: " ") }.joined(separator: "\n")
        for name in Self.hostileNames {
            #expect(name.split(separator: " ").allSatisfy { labels.contains($0) }, "\(name)")
        }
        #expect(
            cells.values.allSatisfy { $0.style.isEmpty || $0.style.contains("html=0") }, "labels never read as HTML")
        #expect(cells.values.contains { $0.tooltip.contains("</div><script>x()</script>") })
    }
}
