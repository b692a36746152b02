import Foundation
import Testing

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// The command-line tool as a user runs it: exit codes, messages, and no crash on bad input.
@Suite struct CLITests {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The built `pathway` binary, beside the test bundle (or the one `PATHWAY_TOOL` names, to
    /// run these tests against another build).
    static var tool: URL {
        if let other = ProcessInfo.processInfo.environment["PATHWAY_TOOL"] { return URL(fileURLWithPath: other) }
        let beside = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
            .deletingLastPathComponent().appendingPathComponent("pathway")
        return FileManager.default.fileExists(atPath: beside.path)
            ? beside : root.appendingPathComponent(".build/debug/pathway")
    }

    struct Run {
        var status: Int32
        var reason: Process.TerminationReason
        var stdout: String
        var stderr: String
    }

    /// Runs the tool. A command that draws is given a time limit far above what it needs, so
    /// that a busy machine cannot fail a test: drawing speed is measured by `pathway-bench`.
    func run(_ arguments: [String]) throws -> Run {
        let draws = ["render", "diff", "report", "diagrams"].contains(arguments.first ?? "")
        let limit = draws && !arguments.contains("--time-limit") && !arguments.contains("--help")
        return try runProgram(Self.tool.path, arguments + (limit ? ["--time-limit", "600"] : []))
    }

    static let badFixtures: [String] = {
        let folder = root.appendingPathComponent("Tests/PathwayCoreTests/Fixtures/bad").path
        return ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted()
            .map { "Tests/PathwayCoreTests/Fixtures/bad/" + $0 }
    }()

    @Test(arguments: badFixtures)
    func badInputExitsWithTheDataErrorCodeAndAPlace(_ file: String) throws {
        for command in [["metrics", file], ["check", file]] {
            let r = try run(command)
            #expect(r.reason == .exit, "no signal")
            #expect(r.status == 65)
            let lines = (command[0] == "check" ? r.stdout : r.stderr)
            #expect(lines.contains(file), "names the file: \(lines)")
            #expect(lines.range(of: #":[0-9]+:[0-9]+: error: "#, options: .regularExpression) != nil, "\(lines)")
            #expect(!r.stderr.contains("Fatal error") && !r.stderr.contains("Stack dump"))
        }
    }

    @Test func checkOfTheSamplesPasses() throws {
        let r = try run(["check", "pathways"])
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        #expect(r.stdout.contains("pathways/dementia-london-before.yaml"))
        #expect(r.stdout.range(of: #"diagnosis has [3-9] points of entry"#, options: .regularExpression) != nil)
        #expect(
            !r.stdout.contains("dementia-london-after.yaml:")
                || !r.stdout.contains("after.yaml:[0-9]+: info: diagnosis has"))
        #expect(r.stdout.contains("pathways checked: 0 errors"))
        // The summary lines: several doors for diagnosis before, one after.
        let lines = r.stdout.split(separator: "\n")
        let before = try #require(lines.first { $0.hasPrefix("pathways/dementia-london-before.yaml: ") })
        let after = try #require(lines.first { $0.hasPrefix("pathways/dementia-london-after.yaml: ") })
        #expect(before.contains("several points of entry for") && before.contains("diagnosis (5)"))
        #expect(after.contains("single point of entry for") && after.contains("diagnosis (memory-service)"))
    }

    @Test func strictFailsOnWarnings() throws {
        let file = "Tests/PathwayCoreTests/Fixtures/good/tricky-text.yaml"
        #expect(try run(["check", file]).status == 0)
        let strict = try run(["check", "--strict", file])
        #expect(strict.status == 1, "\(strict.stdout)")  // 'a' is a dead end
        #expect(strict.stdout.contains("[dead-end]"))
    }

    @Test func orphanedRoutesFailCheckWithJSONFindings() throws {
        let r = try run(["check", "--json", "Tests/PathwayCoreTests/Fixtures/good/orphaned-routes.yaml"])
        #expect(r.status == 1)
        let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        let findings = try #require(json?["findings"] as? [[String: Any]])
        let orphaned = findings.filter { $0["rule"] as? String == "orphaned-route" }
        #expect(orphaned.count == 2)
        #expect(orphaned.first?["line"] as? Int == 21)
        #expect(orphaned.first?["services"] as? [String] == ["gp", "old-clinic"])
        #expect(
            Set(findings.flatMap { ($0 as NSDictionary).allKeys as! [String] })
                == ["severity", "rule", "message", "file", "line", "services"])
    }

    @Test func metricsJSONIsStableAcrossRuns() throws {
        let a = try run(["metrics", "--json", "pathways/dementia-london-after.yaml"])
        let b = try run(["metrics", "--json", "pathways/dementia-london-after.yaml"])
        #expect(a.status == 0 && a.stdout == b.stdout && !a.stdout.isEmpty)
        let json = try JSONSerialization.jsonObject(with: Data(a.stdout.utf8)) as? [String: Any]
        let diagnosis = (json?["functions"] as? [String: Any])?["diagnosis"] as? [String: Any]
        #expect(diagnosis?["pointsOfEntry"] as? [String] == ["memory-service"])
    }

    /// A CSV network goes through the columnar reader: the whole JSON, the same every run.
    @Test func metricsJSONOfALargeCSVNetworkIsWholeAndStable() throws {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("pathway-cli-network-\(ProcessInfo.processInfo.processIdentifier)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let generated = try runProgram(
            "/usr/bin/env", ["python3", "Benchmarks/generate_network.py", "--services", "30000", "--seed", "3", folder])
        try #require(generated.status == 0, "\(generated.stderr)")
        let a = try run(["metrics", "--json", "--no-betweenness", folder])
        let b = try run(["metrics", "--json", "--no-betweenness", folder + "/services.csv"])
        #expect(a.status == 0 && a.stdout == b.stdout && a.stdout.hasSuffix("}\n"))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(a.stdout.utf8)) as? [String: Any])
        #expect(json["services"] as? Int == 30_000 && json["routes"] as? Int == 90_000)
        #expect((json["unreachable"] as? [String])?.count ?? 0 > 0)
        #expect(json["betweenness"] == nil)
    }

    @Test func readableMetricsExplainTheNumbers() throws {
        let r = try run(["metrics", "pathways/dementia-london-before.yaml"])
        #expect(r.status == 0)
        #expect(r.stdout.contains("Boundary crossings:"))
        #expect(r.stdout.contains("diagnosis: 5 points of entry"))
    }

    @Test func entryPointsShowTheLondonDoorsWithEvidence() throws {
        let before = try run([
            "entry-points", "--json", "--function", "diagnosis", "pathways/dementia-london-before.yaml",
        ])
        let after = try run([
            "entry-points", "--json", "--function", "diagnosis", "pathways/dementia-london-after.yaml",
        ])
        #expect(before.status == 0 && after.status == 0)
        func doors(_ r: Run) throws -> [[String: Any]] {
            let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
            let diagnosis = (json?["functions"] as? [String: Any])?["diagnosis"] as? [String: Any]
            return diagnosis?["pointsOfEntry"] as? [[String: Any]] ?? []
        }
        #expect(try doors(before).count >= 3)
        let single = try doors(after)
        #expect(single.count == 1 && single.first?["id"] as? String == "memory-service")
        #expect((single.first?["path"] as? [String])?.last == "memory-service")
        let unknown = try run(["entry-points", "--function", "diagnosi", "pathways/dementia-london-after.yaml"])
        #expect(unknown.status == 64 && unknown.stderr.contains("its functions are:"))
    }

    @Test func renderWritesEachFormatWholeOrNotAtAll() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("render-\(getpid())").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let magic: [String: [UInt8]] = [
            "svg": Array("<?xml".utf8), "png": [0x89, 0x50, 0x4E, 0x47], "pdf": Array("%PDF-".utf8),
            "dot": Array("digraph pathway {".utf8), "gv": Array("digraph pathway {".utf8),
        ]
        for (ext, start) in magic {
            let out = "\(folder)/london.\(ext)"
            let r = try run(["render", "pathways/dementia-london-after.yaml", "-o", out])
            #expect(r.status == 0, "\(r.stderr)")
            let bytes = [UInt8](FileManager.default.contents(atPath: out) ?? Data())
            #expect(bytes.starts(with: start), "\(ext)")
        }
        // The format from --format wins over the extension.
        #expect(
            try run(["render", "pathways/sexual-health-after.yaml", "-o", "\(folder)/x.out", "--format", "svg"]).status
                == 0)
        // Mistakes in the command line: 64, nothing written.
        let unknown = try run(["render", "pathways/sexual-health-after.yaml", "-o", "\(folder)/x.gif"])
        #expect(unknown.status == 64 && unknown.stderr.contains("cannot tell the format"))
        #expect(
            try run(["render", "pathways/sexual-health-after.yaml", "-o", "\(folder)/y.svg", "--layout", "circo"])
                .status == 64)
        // A pathway that does not load: 65, and the earlier file is left as it was.
        let keep = "\(folder)/london.svg"
        let before = FileManager.default.contents(atPath: keep)
        let bad = try run(["render", "Tests/PathwayCoreTests/Fixtures/bad/alias-bomb.yaml", "-o", keep])
        #expect(bad.status == 65 && FileManager.default.contents(atPath: keep) == before)
        // A folder that cannot be written: 73, with the path named.
        let nowhere = try run(["render", "pathways/sexual-health-after.yaml", "-o", "/no/such/folder/x.svg"])
        #expect(nowhere.status == 73 && nowhere.stderr.contains("/no/such/folder/x.svg"))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasPrefix(".") }
        #expect(leftovers.isEmpty)
    }

    @Test func renderingIsTheSameBytesInEveryProcess() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("same-\(getpid())").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        for k in 0..<3 {
            #expect(
                try run(["render", "pathways/dementia-northern-city-2011.yaml", "-o", "\(folder)/\(k).svg"]).status == 0
            )
        }
        let outputs = (0..<3).map { FileManager.default.contents(atPath: "\(folder)/\($0).svg") }
        #expect(outputs[0] != nil && outputs[0] == outputs[1] && outputs[1] == outputs[2])
    }

    /// A seeded pathway-like network of `services` services, written as the CSV pair into
    /// `folder` by Benchmarks/generate_network.py.
    func generatedNetwork(_ services: Int, in folder: String) throws -> String {
        let network = "\(folder)/net-\(services)"
        let r = try runProgram(
            "/usr/bin/env",
            ["python3", "Benchmarks/generate_network.py", "--services", "\(services)", "--seed", "1", network])
        try #require(r.status == 0, "the generator could not run: \(r.stderr)")
        return network
    }

    /// Counts the services drawn in an SVG (`<g id="svc-…" class="node">`) and its lanes,
    /// failing on malformed XML.
    final class DrawnServices: NSObject, XMLParserDelegate {
        var services: Set<String> = []
        var lanes = 0
        func parser(
            _ parser: XMLParser, didStartElement name: String, namespaceURI: String?,
            qualifiedName: String?, attributes: [String: String] = [:]
        ) {
            guard name == "g" else { return }
            if attributes["class"] == "node", let id = attributes["id"], id.hasPrefix("svc-") { services.insert(id) }
            if attributes["class"] == "cluster" { lanes += 1 }
        }
    }

    @Test func aNetworkOf5000ServicesIsDrawnWithTheDefaultLayout() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("large-\(getpid())").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let network = try generatedNetwork(5_000, in: folder)
        let out = "\(folder)/network.svg"
        // Far above the time it needs (about 4 s), so that a busy machine does not fail it:
        // the drawing's speed is measured by `pathway-bench render`, not here.
        let r = try run(["render", network, "-o", out, "--time-limit", "600"])
        #expect(r.status == 0, "\(r.stderr)")
        let svg = try #require(FileManager.default.contents(atPath: out))
        // Streamed: libxml2 refuses a single chunk of more than 10 MB, and this SVG is about that.
        let parser = XMLParser(stream: InputStream(data: svg))
        let drawn = DrawnServices()
        parser.delegate = drawn
        #expect(parser.parse(), "the SVG parses as XML: \(String(describing: parser.parserError))")
        #expect(drawn.services.count == 5_000)
        #expect(drawn.services.contains("svc-s0") && drawn.services.contains("svc-s4999"))
        // Laid out by sfdp, which draws no lanes: sector colours fill the services instead.
        #expect(drawn.lanes == 0)
        #expect(String(decoding: svg, as: UTF8.self).contains("fill: the organisation&#39;s sector"))
    }

    @Test func aDotLayoutPastItsTimeLimitFailsNamingTheLimitAndWritesNothing() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("limit-\(getpid())").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let network = try generatedNetwork(2_000, in: folder)
        let out = "\(folder)/network.svg"
        let r = try run(["render", network, "-o", out, "--layout", "dot", "--time-limit", "0.5"])
        #expect(r.reason == .exit && r.status == 65)
        #expect(
            r.stderr.hasPrefix(
                "\(network): error: the diagram could not be drawn: laying out the diagram with dot took longer than the limit of 0.5 s; try --layout sfdp"
            ),
            "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasPrefix(".") }.isEmpty)
    }

    @Test func theAutomaticLayoutDrawsTheSamplesAsDotDoes() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("auto-\(getpid())").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        for file in ["pathways/dementia-london-after.yaml", "pathways/urgent-care-before.yaml"] {
            #expect(try run(["render", file, "-o", "\(folder)/auto.svg"]).status == 0)
            #expect(try run(["render", file, "-o", "\(folder)/dot.svg", "--layout", "dot"]).status == 0)
            let auto = FileManager.default.contents(atPath: "\(folder)/auto.svg")
            #expect(auto != nil && auto == FileManager.default.contents(atPath: "\(folder)/dot.svg"), "\(file)")
        }
        for limit in ["0", "-1", "nan", "100000"] {
            let r = try run([
                "render", "pathways/sexual-health-after.yaml", "-o", "\(folder)/x.svg", "--time-limit", limit,
            ])
            #expect(r.status == 64, "--time-limit \(limit)")
        }
        let help = try run(["render", "--help"])
        #expect(help.stdout.contains("auto") && help.stdout.contains("--time-limit"))
    }

    @Test func checkedInDiagramsAreCurrent() throws {
        let r = try run(["diagrams", "--check"])
        #expect(r.status == 0, "run 'pathway diagrams': \(r.stderr)")
    }

    @Test func usageMistakesExit64AndMissingFiles65() throws {
        #expect(try run(["metrics"]).status == 64)
        #expect(try run(["check", "--no-such-flag", "x"]).status == 64)
        let missing = try run(["metrics", "no/such/file.yaml"])
        #expect(missing.status == 65 && missing.stderr.contains("no/such/file.yaml: error: no such file"))
    }

    @Test func helpDocumentsExitCodesAndRules() throws {
        let help = try run(["check", "--help"])
        #expect(help.status == 0)
        for words in ["orphaned-route (error)", "65 when an input does not load", "--strict"] {
            #expect(help.stdout.contains(words), "\(words)")
        }
    }

    static let pairs = ["dementia-london", "sexual-health", "urgent-care"]

    @Test func diffJSONIsStableAndExitCodeReportsGaps() throws {
        for name in Self.pairs {
            let arguments = ["diff", "--json", "pathways/\(name)-before.yaml", "pathways/\(name)-after.yaml"]
            let first = try run(arguments)
            #expect(first.status == 0, "\(first.stderr)")
            #expect(try run(arguments).stdout == first.stdout, "\(name): same bytes on every run")
            let object = try #require(try JSONSerialization.jsonObject(with: Data(first.stdout.utf8)) as? [String: Any])
            for key in ["services", "routes", "merged", "metrics", "orphanedRoutes", "lostReach"] {
                #expect(object[key] != nil, "\(name): \(key)")
            }
            // The samples leave no gap, so --exit-code passes them.
            #expect(try run(arguments + ["--exit-code"]).status == 0)
        }
        let clinics = [
            "diff", "Tests/PathwayCoreTests/Fixtures/diff/clinics-before.yaml",
            "Tests/PathwayCoreTests/Fixtures/diff/clinics-after.yaml",
        ]
        let plain = try run(clinics)
        #expect(plain.status == 0)
        #expect(plain.stdout.contains("1 orphaned route left: ward → clinic-b (diagnosis)"))
        #expect(plain.stdout.contains("ward → clinic-b (diagnosis); clinic-b was merged into hub"))
        #expect(plain.stdout.contains("2 services merged into Diagnostic hub: Clinic A, Clinic B"))
        #expect(plain.stdout.contains("points of entry for diagnosis: 2 → 1 (single point of entry: Diagnostic hub)"))
        #expect(plain.stdout.contains("before: gp → clinic-b → social-care"))
        let gated = try run(clinics + ["--exit-code"])
        #expect(gated.status == 1 && gated.stdout == plain.stdout)
        // An input that does not load: 65, whichever side it is.
        #expect(
            try run([
                "diff", "pathways/sexual-health-before.yaml", "Tests/PathwayCoreTests/Fixtures/bad/alias-bomb.yaml",
            ]).status == 65)
    }

    /// `(title, first coordinates)` of every node of an SVG drawn by Graphviz.
    static func nodePositions(_ svg: String) -> [String: String] {
        var result: [String: String] = [:]
        for whole in svg.components(separatedBy: "class=\"node\"").dropFirst() {
            let block = whole.components(separatedBy: "</g>")[0]
            guard let t0 = block.range(of: "<title>"), let t1 = block.range(of: "</title>"),
                let p0 = block.range(of: #"(points|cx)="[^"]*""#, options: .regularExpression)
            else { continue }
            result[String(block[t0.upperBound..<t1.lowerBound])] = String(block[p0])
        }
        return result
    }

    @Test func diffDiagramsShareOneLayout() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("diff-\(getpid())").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        for name in Self.pairs {
            let r = try run([
                "diff", "pathways/\(name)-before.yaml", "pathways/\(name)-after.yaml", "--diagram", "\(folder)/d.svg",
                "--before-diagram", "\(folder)/b.svg", "--after-diagram", "\(folder)/a.svg",
            ])
            #expect(r.status == 0, "\(r.stderr)")
            let svg = ["d", "b", "a"].map {
                String(decoding: FileManager.default.contents(atPath: "\(folder)/\($0).svg") ?? Data(), as: UTF8.self)
            }
            let (difference, before, after) = (
                Self.nodePositions(svg[0]), Self.nodePositions(svg[1]), Self.nodePositions(svg[2])
            )
            let shared = Set(before.keys).intersection(after.keys).filter { $0.hasPrefix("n") }
            #expect(shared.count >= 5, "\(name): services in both")
            for node in shared {
                #expect(before[node] == after[node], "\(name): \(node) moved between before and after")
                #expect(difference[node] == after[node], "\(name): \(node) moved between the difference and after")
            }
            let boxes = svg.map { text in
                text.range(of: #"viewBox="[^"]*""#, options: .regularExpression).map { String(text[$0]) }
            }
            #expect(
                boxes[0] != nil && boxes[0] == boxes[1] && boxes[1] == boxes[2], "\(name): one canvas for every side")
            #expect(svg[0].contains("Legend") && !svg[1].contains("Legend"))
            #expect(svg[1].contains("Before: ") && svg[2].contains("After: "))
            #expect(svg.allSatisfy { $0.hasSuffix("</svg>\n") })
        }
        // Sexual health: the three clinics are drawn before, not after; the one-stop shop after only.
        _ = try run([
            "diff", "pathways/sexual-health-before.yaml", "pathways/sexual-health-after.yaml",
            "--before-diagram", "\(folder)/b.svg", "--after-diagram", "\(folder)/a.svg",
        ])
        let before = String(decoding: FileManager.default.contents(atPath: "\(folder)/b.svg") ?? Data(), as: UTF8.self)
        let after = String(decoding: FileManager.default.contents(atPath: "\(folder)/a.svg") ?? Data(), as: UTF8.self)
        #expect(before.contains("(GUM) clinic") && !after.contains("(GUM) clinic"))
        #expect(after.contains("Integrated sexual health") && !before.contains("Integrated sexual health"))
        // An output the tool cannot tell the format of: 64, nothing drawn.
        #expect(
            try run([
                "diff", "pathways/sexual-health-before.yaml", "pathways/sexual-health-after.yaml",
                "--diagram", "\(folder)/x.gif",
            ]).status == 64)
    }

    @Test func diffShowsHostileNamesAsText() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hostile-\(getpid())").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        // As written inside a YAML double-quoted string: quotes and backslashes escaped.
        let hostile = #"<script>alert(1)</script> \\N \"quoted\" &amp; \#u{202E}evil"#
        for (side, extra) in [("before", ""), ("after", "\n  - {id: new, name: \"\(hostile) 2\", organisation: o}")] {
            let text = """
                pathway: "\(hostile) \(side)"
                organisations: [{id: o, name: "\(hostile)", sector: other}]
                services:
                  - {id: a, name: "\(hostile)", organisation: o, entry: true}\(extra)
                routes: [{from: a, to: a, note: "\(hostile)"}]
                """
            try text.write(toFile: "\(folder)/\(side).yaml", atomically: true, encoding: .utf8)
        }
        let r = try run(["diff", "\(folder)/before.yaml", "\(folder)/after.yaml", "--diagram", "\(folder)/d.svg"])
        #expect(r.status == 0, "\(r.stderr)")
        let svg = String(decoding: FileManager.default.contents(atPath: "\(folder)/d.svg") ?? Data(), as: UTF8.self)
        #expect(svg.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(!svg.contains("<script"))
    }

    /// What headless Chromium saw of a page (`Tests/browser/check_page.py`).
    func browse(_ page: String, screenshot: String) throws -> [String: Any] {
        let r = try runProgram("/usr/bin/env", ["python3", "Tests/browser/check_page.py", page, screenshot])
        try #require(r.status == 0, "the browser check could not run (scripts/setup installs Chromium): \(r.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
    }

    /// Runs a program from the package root, reading both pipes concurrently so a large
    /// output cannot block it.
    func runProgram(_ program: String, _ arguments: [String]) throws -> Run {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        process.currentDirectoryURL = Self.root
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        nonisolated(unsafe) var errData = Data()
        let reader = Thread { errData = err.fileHandleForReading.readDataToEndOfFile() }
        reader.start()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while !reader.isFinished { usleep(1000) }
        return Run(
            status: process.terminationStatus, reason: process.terminationReason,
            stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self))
    }

    @Test func reportsRenderInHeadlessChromium() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("report-\(getpid())").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }

        // The checker itself must catch what it looks for: a page that fetches an image, logs
        // an error and throws.
        let control = "\(folder)/control.html"
        try
            #"<!DOCTYPE html><html><body><img src="http://192.0.2.1/x.png"><script>console.error("boom"); throw new Error("bad")</script></body></html>"#
            .write(toFile: control, atomically: true, encoding: .utf8)
        let caught = try browse(control, screenshot: "\(folder)/control.png")
        #expect((caught["requests"] as? [String])?.contains("http://192.0.2.1/x.png") == true)
        #expect((caught["consoleErrors"] as? [String])?.isEmpty == false)
        #expect((caught["exceptions"] as? [String])?.isEmpty == false)

        var cases = Self.pairs.map { ["pathways/\($0)-before.yaml", "pathways/\($0)-after.yaml"] }
        cases.append(["pathways/dementia-northern-city-2011.yaml"])
        for (k, inputs) in cases.enumerated() {
            let page = "\(folder)/\(k).html"
            let r = try run(["report"] + inputs + ["-o", page])
            #expect(r.status == 0, "\(r.stderr)")
            let seen = try browse(page, screenshot: "\(folder)/\(k).png")
            #expect((seen["consoleErrors"] as? [String]) == [], "\(inputs)")
            #expect((seen["exceptions"] as? [String]) == [], "\(inputs)")
            #expect((seen["requests"] as? [String]) == [], "\(inputs): no request may leave the page")
            let diagrams = try #require(seen["diagrams"] as? [[Double]])
            // A redesign: the organisations, the functions whose doors moved, the new single
            // points of entry, then every service three ways; one pathway: two views.
            #expect(inputs.count == 2 ? diagrams.count >= 4 : diagrams.count == 2, "\(inputs): \(diagrams.count)")
            // The first diagram a reader meets can be read on screen at 1280 pixels.
            let smallest = try #require(seen["firstDiagramText"] as? Double)
            #expect(smallest >= 11, "\(inputs): the first diagram's text is \(smallest) px")
            #expect(seen["zoomed"] as? Bool == true, "\(inputs): the full diagrams zoom and reset")
            #expect(diagrams.allSatisfy { $0.count == 2 && $0[0] > 100 && $0[1] > 100 }, "\(inputs): \(diagrams)")
            let headline = try #require(seen["headline"] as? String)
            #expect(headline.hasPrefix("Headline") && headline.contains("boundary crossings: "))
            #expect(headline.contains(inputs.count == 2 ? "onward referrals lost" : "services run by"))
            #expect((seen["highlighted"] as? Int ?? 0) >= 1, "hovering a service outlines it in a diagram")
            let pages = seen["pdfPages"] as? Int ?? 0
            #expect(pages >= 1 && pages <= 24, "\(inputs): prints on \(pages) A4 pages")
            let png = [UInt8](FileManager.default.contents(atPath: "\(folder)/\(k).png") ?? Data())
            #expect(
                png.starts(with: [0x89, 0x50, 0x4E, 0x47]) && png.count > 10_000, "a screenshot with something on it")
        }
        // The London pair: the point of the redesign is in the headline.
        let london = try browse("\(folder)/0.html", screenshot: "\(folder)/0.png")
        #expect((london["headline"] as? String)?.contains("points of entry for diagnosis: 5 → 1") == true)
    }

    @Test func reportShowsHostileNamesAsTextAndRunsNothing() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hostile-report-\(getpid())").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let long = String(repeating: "long name ", count: 50)
        let names = [
            #"<script>alert(1)</script>"#, #"<img src=x onerror=alert(2)>"#, #"Smith \"quoted\" & Sons's"#,
            "\u{202E}right-to-left \u{05E9}\u{05DC}\u{05D5}\u{05DD}", long,
        ]
        for (side, count) in [("before", 3), ("after", 5)] {
            var text = "pathway: \"\(names[0]) \(side)\"\nsource: \"\(names[2])\"\n"
            text += "organisations: [{id: o, name: \"\(names[1])\", sector: other}]\nservices:\n"
            for k in 0..<count {
                text +=
                    "  - {id: s\(k), name: \"\(names[k % names.count])\", organisation: o, entry: \(k == 0), functions: [f\(k % 2)]}\n"
            }
            text += "routes:\n"
            for k in 1..<count { text += "  - {from: s0, to: s\(k), note: \"\(names[0])\"}\n" }
            text += "  - {from: s1, to: gone, purpose: f1}\n"
            try text.write(toFile: "\(folder)/\(side).yaml", atomically: true, encoding: .utf8)
        }
        let page = "\(folder)/report.html"
        let r = try run(["report", "\(folder)/before.yaml", "\(folder)/after.yaml", "-o", page])
        #expect(r.status == 0, "\(r.stderr)")
        let html = String(decoding: FileManager.default.contents(atPath: page) ?? Data(), as: UTF8.self)
        #expect(html.components(separatedBy: "<script").count == 2, "only the page's own script")
        #expect(!html.contains("<img"))
        let seen = try browse(page, screenshot: "\(folder)/report.png")
        #expect((seen["dialogs"] as? [String]) == [], "no alert ran")
        #expect((seen["requests"] as? [String]) == [])
        #expect((seen["exceptions"] as? [String]) == [] && (seen["consoleErrors"] as? [String]) == [])
        #expect(seen["scripts"] as? Int == 1)
        let text = try #require(seen["text"] as? String)
        for name in names.dropLast() {
            #expect(text.contains(name.replacingOccurrences(of: "\\\"", with: "\"")), "\(name) shown as text")
        }
        #expect(text.contains(long.trimmingCharacters(in: .whitespaces)))
    }
}
