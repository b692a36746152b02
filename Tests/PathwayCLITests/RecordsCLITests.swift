import Foundation
import Testing

/// Referral records as a user meets them: `pathway discover` and `pathway conform`, the
/// observed pathway file every other command reads, safe output, and bad records.
@Suite struct RecordsCLITests {
    let cli = CLITests()
    static let design = "pathways/dementia-london-after.yaml"
    static let events = "pathways/records/dementia-london-after-events.csv"
    static let referrals = "pathways/records/dementia-london-after-referrals.csv"

    func scratch() throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("pathway-records-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url.path
    }

    func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    /// The observed pathway loads, checks, measures, renders and diffs against the design.
    @Test func theObservedPathwayIsAPathwayFileLikeAnyOther() throws {
        let folder = try scratch()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let observed = folder + "/observed.yaml"
        let run = try cli.run(["discover", Self.referrals, "--design", Self.design, "-o", observed])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains(" patients, ") && run.stdout.contains("wrote \(observed)"), "\(run.stdout)")
        let check = try cli.run(["check", observed])
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
        let metrics = try json(try cli.run(["metrics", "--json", observed]).stdout)
        // The design's services that patients used, by the design's ids; entries where journeys start.
        let entries = try #require(metrics["entryPoints"] as? [String])
        #expect(entries == ["dementia-advisers", "gp-borough-a", "gp-borough-b", "trust-a-ae", "trust-b-ae"])
        let render = try cli.run(["render", observed, "-o", folder + "/observed.svg"])
        #expect(render.status == 0, "\(render.stderr)")
        let svg = try String(contentsOfFile: folder + "/observed.svg", encoding: .utf8)
        #expect(svg.contains("<svg") && svg.contains("Memory service"))
        let diff = try json(try cli.run(["diff", "--json", Self.design, observed]).stdout)
        let routes = try #require(diff["routes"] as? [String: Any])
        // The undesigned jumps are routes the observed pathway adds to the design.
        let added = try #require(routes["added"] as? [[String: Any]]).map { "\($0["from"]!)>\($0["to"]!)" }
        #expect(added.contains("gp-borough-a>old-age-psychiatry-clinic") && added.contains("trust-b-ae>memory-service"))
    }

    @Test func conformLeadsWithWhatACommissionerActsOn() throws {
        let run = try cli.run(["conform", Self.design, Self.events])
        #expect(run.status == 0, "\(run.stderr)")
        let text = run.stdout
        let undesigned = try #require(text.range(of: "Undesigned routes"))
        let dormant = try #require(text.range(of: "Dormant routes"))
        #expect(undesigned.lowerBound < dormant.lowerBound)
        #expect(text.contains("gp-borough-b        trust-b-geriatric-clinic"))
        #expect(text.contains("memory-service            → cmht-borough-a"))
        #expect(text.contains("dementia-advisers"))
        let x = try json(try cli.run(["conform", "--json", Self.design, Self.events]).stdout)
        #expect(
            Set(x.keys) == [
                "coverage", "dormantRoutes", "fitness", "overCapacity", "patientsOnDesign", "undesignedRoutes",
                "unexpectedStarts", "unknownServices", "volumes",
            ])
    }

    /// The conformance diagram: an arrow in vermilion for each undesigned route, grey and
    /// dashed for each dormant one, each designed one with its observed volume.
    @Test func theConformanceDiagramShowsDormantAndUndesignedRoutes() throws {
        let folder = try scratch()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let x = try json(try cli.run(["conform", "--json", Self.design, Self.events]).stdout)
        let undesigned = try #require(x["undesignedRoutes"] as? [[String: Any]])
        let dormant = try #require(x["dormantRoutes"] as? [[String: Any]])
        let run = try cli.run(["conform", Self.design, Self.events, "--diagram", folder + "/c.svg"])
        #expect(run.status == 0, "\(run.stderr)")
        let svg = try String(contentsOfFile: folder + "/c.svg", encoding: .utf8)
        func paths(_ pattern: String) -> Int {
            svg.components(separatedBy: "<path fill=\"none\" stroke=\"\(pattern)").count - 1
        }
        #expect(paths("#d55e00\" stroke-width") == undesigned.count)
        let greyDashed = svg.components(separatedBy: "\n").filter {
            $0.contains("<path fill=\"none\" stroke=\"#9a9a9a\"") && $0.contains("stroke-dasharray")
        }
        #expect(greyDashed.count == dormant.count && !dormant.isEmpty)
        for route in undesigned {
            // Graphviz writes '-' in a tooltip as '&#45;'.
            let tip = "\(route["from"]!) → \(route["to"]!): taken by patients, not designed"
            #expect(svg.contains(tip.replacingOccurrences(of: "-", with: "&#45;")), "\(tip)")
        }
        #expect(svg.contains("vermilion: taken by patients, not designed"))
        #expect(svg.contains("grey dashed: designed, never taken"))
    }

    /// `report --records`: a "designed and observed" section with the conformance diagram, the
    /// observed organisations and three charts drawn by the tool, in a page that Chromium opens
    /// without a request or an error; and under suppression no count drawn from the records in
    /// it is under the threshold.
    @Test func theReportGainsADesignedAndObservedSection() throws {
        let folder = try scratch()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let page = folder + "/report.html"
        let run = try cli.run(["report", Self.design, "--records", Self.events, "-o", page])
        #expect(run.status == 0, "\(run.stderr)")
        let html = try String(contentsOfFile: page, encoding: .utf8)
        let start = try #require(html.range(of: "<section id=\"observed\">"))
        let section = String(html[start.lowerBound...].prefix { _ in true })
        let end = try #require(section.range(of: "</section>"))
        let observed = String(section[..<end.upperBound])
        #expect(observed.components(separatedBy: "<figure class=\"chart\">").count - 1 == 3)
        #expect(observed.components(separatedBy: "<figure class=\"diagram\">").count - 1 == 2)
        #expect(observed.contains("Waits on the busiest routes") && observed.contains("days</text>"))
        #expect(observed.contains("of patients stayed on the design"))
        let seen = try cli.browse(page, screenshot: folder + "/report.png")
        #expect((seen["consoleErrors"] as? [Any])?.isEmpty == true && (seen["requests"] as? [Any])?.isEmpty == true)
        #expect((seen["text"] as? String)?.contains("Designed and observed") == true)
        // A redesign's report holds the records against the after pathway.
        let redesign = try cli.run([
            "report", "pathways/dementia-london-before.yaml", Self.design, "--records", Self.referrals, "-o", page,
        ])
        #expect(redesign.status == 0, "\(redesign.stderr)")
        #expect(try String(contentsOfFile: page, encoding: .utf8).contains("<section id=\"observed\">"))
        // Safe output: the section's text and its drawings' labels hold no small count.
        let safe = try cli.run([
            "report", Self.design, "--records", Self.events, "--suppress-below", "10", "--round-to", "5", "-o", page,
        ])
        #expect(safe.status == 0, "\(safe.stderr)")
        let safeHTML = try String(contentsOfFile: page, encoding: .utf8)
        let safeStart = try #require(safeHTML.range(of: "<section id=\"observed\">"))
        var text = String(safeHTML[safeStart.lowerBound...])
        text = String(text[..<text.range(of: "</section>")!.upperBound])
        // The text a reader sees: tags, tooltips and the diagrams' coordinates dropped.
        text = text.replacingOccurrences(of: "<title>[^<]*</title>", with: " ", options: .regularExpression)
        // A histogram's categories (0, 1, 2 … crossings) are values, not counts.
        text = text.replacingOccurrences(
            of: "<text[^>]*class=\"category\"[^>]*>[^<]*</text>", with: " ", options: .regularExpression)
        text = text.replacingOccurrences(of: "<[^>]*>", with: " ", options: .regularExpression)
        for (entity, character) in [
            ("&#45;", "-"), ("&#39;", "'"), ("&lt;", "<"), ("&gt;", ">"), ("&amp;", "&"), ("&#160;", " "),
        ] {
            text = text.replacingOccurrences(of: entity, with: character)
        }
        // Dates and years (the period, the pathway's as-of).
        text = text.replacingOccurrences(of: "\\b(19|20)[0-9]{2}\\b", with: " ", options: .regularExpression)
        // Structure, not counts of patients: "6 services" in an organisation's box, percentages, days.
        text = text.replacingOccurrences(of: "[0-9]+ (services?|entry|entries)", with: " ", options: .regularExpression)
        text = text.replacingOccurrences(of: "[0-9]+ (to|days)", with: " ", options: .regularExpression)
        text = text.replacingOccurrences(of: "90th", with: " ")
        let integer = try NSRegularExpression(pattern: #"(?<![\w.:/<&#;-])[0-9]+(?![\w.:/%-])"#)
        var seenCounts = 0
        for match in integer.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
            let n = Int((text as NSString).substring(with: match.range))!
            let around = (text as NSString).substring(
                with: NSRange(
                    location: max(0, match.range.location - 40),
                    length: min(80, text.utf16.count - max(0, match.range.location - 40))))
            #expect(n >= 10 && n % 5 == 0, "\(n) in '\(around)'")
            seenCounts += 1
        }
        #expect(seenCounts > 20 && text.contains("<10"))
    }

    /// No count under N appears anywhere: not in the JSON, the summaries or the observed file.
    @Test(arguments: [["--suppress-below", "10"], ["--suppress-below", "10", "--round-to", "5"]])
    func noCountUnderTheThresholdIsPublished(_ safe: [String]) throws {
        let folder = try scratch()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let rounding = safe.contains("--round-to")
        let observed = folder + "/observed.yaml"
        var outputs: [(String, String)] = []
        for records in [Self.events, Self.referrals] {
            let runs = [
                ["discover", records, "--json", "--variants", "1000"], ["discover", records, "-o", observed],
                ["conform", Self.design, records, "--json"], ["conform", Self.design, records],
            ]
            for arguments in runs {
                let run = try cli.run(arguments + safe)
                #expect(run.status == 0, "\(arguments): \(run.stderr)")
                outputs.append((arguments.joined(separator: " "), run.stdout))
            }
            outputs.append(("observed file", try String(contentsOfFile: observed, encoding: .utf8)))
        }
        // Counts drawn from the records; `designed` volumes and `capacity` come from the design.
        let countKeys: Set<String> = [
            "events", "patients", "starts", "ends", "transitions", "variantCount", "observed", "inbound", "max",
        ]
        var suppressed = 0
        func scan(_ value: Any, key: String, _ name: String) {
            if let object = value as? [String: Any] {
                for (k, v) in object { scan(v, key: k, name) }
            } else if let array = value as? [Any] {
                for v in array { scan(v, key: key, name) }
            } else if countKeys.contains(key) {
                if let text = value as? String {
                    #expect(text == "<10", "\(name): \(key) = \(text)")
                    suppressed += 1
                } else if let n = value as? Int {
                    #expect(n >= 10 && (!rounding || n % 5 == 0), "\(name): \(key) = \(n)")
                }
            }
        }
        let integer = try NSRegularExpression(pattern: #"(?<![\w.:/<-])[0-9]+(?![\w.:/%-])"#)
        for (name, text) in outputs {
            if name.contains("--json") {
                scan(try JSONSerialization.jsonObject(with: Data(text.utf8)), key: "", name)
                continue
            }
            for line in text.split(separator: "\n") {
                // The design's capacity is not a count from the records.
                let line = String(line).replacingOccurrences(
                    of: #"capacity [0-9]+"#, with: "capacity", options: .regularExpression)
                for match in integer.matches(in: line, range: NSRange(line.startIndex..., in: line)) {
                    let n = Int((line as NSString).substring(with: match.range))!
                    #expect(n >= 10 && (!rounding || n % 5 == 0), "\(name): \(n) in '\(line)'")
                }
            }
        }
        #expect(suppressed > 0, "some counts are small enough to be suppressed")
    }

    /// On a terminal, a long run shows its phase and rows on standard error (here at once, by
    /// PATHWAY_PROGRESS_AFTER=0), wiped at the end; elsewhere it prints nothing there, and never
    /// anything in the JSON on standard output.
    @Test func progressShowsOnATerminalOnly() throws {
        let folder = try scratch()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let command =
            "PATHWAY_PROGRESS_AFTER=0 '\(CLITests.tool.path)' discover \(Self.events) --json > '\(folder)/out.json'"
        // util-linux's `script` runs the command on a pseudo-terminal and keeps what it showed.
        let r = try cli.runProgram("/usr/bin/script", ["-qc", command, folder + "/terminal.log"])
        #expect(r.status == 0, "\(r.stderr)")
        let shown = try String(contentsOfFile: folder + "/terminal.log", encoding: .utf8)
        #expect(shown.contains("ordering and measuring journeys: 10,186 rows"), "\(shown.suffix(300))")
        #expect(shown.contains("\r\u{1B}[K"))
        let json = try String(contentsOfFile: folder + "/out.json", encoding: .utf8)
        #expect(json.hasPrefix("{") && !json.contains("rows,"))
        let quiet = try cli.run(["discover", Self.events, "--json"])
        #expect(quiet.status == 0 && quiet.stderr.isEmpty)
    }

    @Test func badRecordsExitWithTheDataErrorCodeAndWriteNothing() throws {
        let folder = try scratch()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let cases: [(String, [UInt8], String)] = [
            (
                "ragged.csv", Array("patient,service,time\np,a,2024-01-01\np,a\n".utf8),
                ":3:1: error: this row has 2 fields"
            ),
            ("zones.csv", Array("patient,service,time\np,a,2024-01-01T00:00Z\np,a,2024-01-01\n".utf8), ":3:5: error:"),
            ("binary.csv", [0x7F, 0x45, 0x4C, 0x46, 0x02, 0x01, 0x00, 0x00, 0xFF], ":1:"),
            ("empty.csv", [], ":1:1: error: the file is empty"),
            (
                "latin1.csv", Array("patient,service,time\np,caf".utf8) + [0xE9] + Array(",2024-01-01\n".utf8),
                ":2:6: error: invalid UTF-8"
            ),
            ("bad.xes", Array("<log><trace>".utf8), ":1:13: error: not well-formed XML"),
        ]
        for (name, bytes, message) in cases {
            let path = folder + "/" + name
            FileManager.default.createFile(atPath: path, contents: Data(bytes))
            for arguments in [
                ["discover", path, "-o", folder + "/out.yaml"], ["conform", Self.design, path, "--json"],
            ] {
                let run = try cli.run(arguments)
                #expect(run.status == 65 && run.reason == .exit, "\(name): \(run.status) \(run.stderr)")
                #expect(run.stderr.contains(path + message), "\(name): \(run.stderr)")
                #expect(run.stderr.split(separator: "\n").count == 1 && run.stdout.isEmpty, "\(name)")
                #expect(!FileManager.default.fileExists(atPath: folder + "/out.yaml"))
            }
        }
        let missing = try cli.run(["discover", folder + "/none.csv"])
        #expect(missing.status == 65 && missing.stderr.contains("none.csv: error: no such file"))
        let mapped = try cli.run(["discover", Self.events, "--patient", "Person_ID"])
        #expect(mapped.status == 65 && mapped.stderr.contains("missing the column 'Person_ID' (the patient)"))
    }
}
