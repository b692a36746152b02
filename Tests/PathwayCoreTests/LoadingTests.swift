import Foundation
import Testing

@testable import PathwayCore

@Suite struct LoadingTests {
    /// Each bad input: the fixture, the line the error must name (nil where the file has no
    /// line to point at), and words the message must contain.
    static let badInputs: [(String, Int?, String)] = [
        ("binary.yaml", 1, "UTF-8"),
        ("invalid-utf8.yaml", 1, "invalid UTF-8"),
        ("empty.yaml", 1, "empty"),
        ("only-comments.yaml", 1, "no data"),
        ("tabs.yaml", 9, "tab in the indentation"),
        ("missing-title.yaml", 1, "missing 'pathway'"),
        ("mapping-for-list.yaml", 9, "expected a list for 'services'"),
        ("typo-key.yaml", 13, "did you mean 'organisation'"),
        ("string-for-number.yaml", 20, "whole number"),
        ("quoted-number.yaml", 20, "found the string \"80\""),
        ("huge-number.yaml", 15, "too large"),
        ("negative-volume.yaml", 20, "negative"),
        ("id-with-spaces.yaml", 12, "(e.g. 'memory-service')"),
        ("duplicate-id.yaml", 12, "duplicate service id 'gp' (first defined at line 9)"),
        ("duplicate-key.yaml", 11, "given twice"),
        ("unknown-organisation.yaml", 13, "did you mean 'mh-trust'"),
        ("unknown-sector.yaml", 7, "unknown sector 'mental-heath'"),
        ("wrong-bool.yaml", 11, "expected true or false"),
        ("bad-kind.yaml", 21, "expected formal or informal"),
        ("scalar-root.yaml", 1, "as a mapping"),
        ("list-root.yaml", 1, "found a list"),
        ("deep-flow.yaml", 2, "nesting deeper than"),
        ("deep-block.yaml", 65, "nesting deeper than"),
        ("deep-compact.yaml", 2, "nesting deeper than"),
        ("alias-bomb.yaml", 3, "alias"),
        ("two-documents.yaml", 21, "another document"),
        ("unclosed-quote.yaml", 21, "quoted scalar"),
        ("csv-negative-volume", 2, "negative"),
        ("csv-unknown-sector", 3, "unknown sector"),
        ("csv-unknown-column", 1, "did you mean 'capacity'"),
        ("csv-ragged-row", 3, "has 2 fields but the header has 5"),
        ("csv-sector-conflict", 4, "given sector 'acute' here but 'mental-health' at line 3"),
        ("csv-unclosed-quote", 3, "never closed"),
        ("csv-bad-id", 3, "not a valid id"),
    ]

    @Test(arguments: badInputs)
    func badInputIsRefusedWithItsPlace(_ fixture: String, line: Int?, words: String) throws {
        let problem = try #require(loadProblem(Paths.bad(fixture)), "\(fixture) must not load")
        #expect(problem.file.contains(fixture), "the message names the file")
        #expect(problem.line == line)
        #expect(problem.column != nil)
        #expect(problem.message.contains(words), "\(problem.message)")
    }

    @Test func everyBadFixtureIsInTheTable() throws {
        let listed = Set(Self.badInputs.map(\.0))
        let present = Set(try FileManager.default.contentsOfDirectory(atPath: Paths.fixtures + "/bad"))
        #expect(listed == present)
    }

    @Test func problemsNameFileLineAndColumn() throws {
        let problem = try #require(loadProblem(Paths.bad("typo-key.yaml")))
        #expect(
            problem.description.hasSuffix(
                "typo-key.yaml:13:5: error: unknown key 'organisaton' in a service; expected one of: id, name,"
                    + " organisation, entry, terminal, functions, capacity, replaces, eligibility (did you mean"
                    + " 'organisation'?)"))
    }

    @Test func severalProblemsAreReportedTogether() throws {
        let text = """
            pathway: p
            organisations:
              - {id: a, sector: acute}
            services:
              - {id: x, organisation: a, capacity: -1}
              - {id: y, organisation: b}
            """
        #expect(throws: PathwayLoadError.self) { try pathway(text) }
        do {
            _ = try pathway(text)
        } catch let error as PathwayLoadError {
            #expect(error.problems.map(\.line) == [5, 6])
        }
    }

    @Test func orphanedRoutesLoadAndAreKept() throws {
        let p = try PathwayFiles.load(Paths.good("orphaned-routes.yaml"))
        #expect(p.routes.count == 3)
        #expect(p.orphanedRoutes.map { "\($0.from)>\($0.to)" } == ["gp>old-clinic", "closed-service>memory-service"])
        #expect(p.orphanedRoutes[0].location?.line == 21)
    }

    @Test func textThatLooksLikeSyntaxLoads() throws {
        let p = try PathwayFiles.load(Paths.good("tricky-text.yaml"))
        #expect(p.title == "Text that looks like syntax: *star, &amp, [bracket, {brace")
        #expect(p.notes == "this is a long *important* note [with] brackets { and more text")
        #expect(p.condition == "it's * quoted")
        #expect(p.organisations[0].name == "Équipe mobile")
        #expect(p.services[0].functions == ["diagnosis", "review"])
    }

    @Test func defaultsFollowTheFormat() throws {
        let p = try pathway(
            """
            pathway: p
            organisations: [{id: a, sector: acute}]
            services: [{id: x, organisation: a}]
            routes: [{from: x, to: x}]
            """)
        let s = p.services[0]
        #expect(s.name == "x" && !s.entry && !s.terminal && s.functions.isEmpty && s.capacity == nil)
        #expect(p.organisations[0].name == "a")
        #expect(p.routes[0].kind == .formal && p.routes[0].volume == nil && p.routes[0].purpose == nil)
    }

    @Test func csvPairLoadsQuotedFieldsAndOrphans() throws {
        let p = try PathwayFiles.load(Paths.good("csv-pair"))
        #expect(p.title == "csv-pair")
        #expect(p.services.map(\.id) == ["gp", "memory-service", "old-age-cmht"])
        #expect(p.services[0].name == "General practice, \"the GP\"")
        #expect(p.services[2].name == "Old-age CMHT\nborough A")
        #expect(p.services[2].functions == ["diagnosis", "crisis-response"])
        #expect(p.services[1].capacity == 100 && p.services[1].terminal)
        #expect(p.organisations.map(\.id) == ["gp-practices", "mh-trust"])
        #expect(p.routes[1].kind == .informal && p.routes[1].volume == nil)
        #expect(p.orphanedRoutes.count == 1)
        // The route after the quoted two-line name is on line 5 of routes.csv, not 4.
        #expect(p.services[2].location?.line == 4)
    }

    @Test func theSameFileGivenAsServicesCSVLoadsTheFolder() throws {
        let a = try PathwayFiles.load(Paths.good("csv-pair"))
        let b = try PathwayFiles.load(Paths.good("csv-pair/services.csv"))
        #expect(a.services == b.services && a.routes == b.routes)
    }

    @Test func foldersExpandToTheirPathwaysSorted() {
        let files = PathwayFiles.expand([Paths.fixtures + "/good"])
        #expect(
            files.map { URL(fileURLWithPath: $0).lastPathComponent }
                == ["csv-pair", "orphaned-routes.yaml", "tricky-text.yaml"])
    }

    @Test func editDistanceAndSuggestions() {
        #expect(Identifiers.editDistance("organisaton", "organisation") == 1)
        #expect(Identifiers.editDistance("", "abc") == 3)
        #expect(Identifiers.closest(to: "sectr", in: ["id", "sector", "name"]) == "sector")
        #expect(Identifiers.closest(to: "zzzzzz", in: ["id", "sector"]) == nil)
        #expect(Identifiers.suggestion(for: "Memory  Clinic (A)") == "memory-clinic-a")
        #expect(Identifiers.isKebabWord("crisis-response") && !Identifiers.isKebabWord("crisis--x"))
        #expect(!Identifiers.isKebabWord("-x") && !Identifiers.isValidID("a b") && Identifiers.isValidID("-a-"))
    }
    /// Text is read and checked a chunk at a time: a character cut by a chunk's edge is read
    /// whole, every chunk's bad bytes are found at their line and column, and what is read is
    /// exactly the file.
    @Test func textIsCheckedChunkByChunkWithCharactersAcrossTheEdges() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("chunks-\(getpid()).txt").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        /// The problem reading `bytes` as a file, or nil when they read.
        func refusal(_ bytes: [UInt8]) -> PathwayLoadError.Problem? {
            #expect(FileManager.default.createFile(atPath: path, contents: Data(bytes)))
            do {
                _ = try TextInput.readBytes(path, limit: 1 << 30)
                return nil
            } catch {
                return error.problems.first
            }
        }
        let characters: [[UInt8]] = [Array("é".utf8), Array("€".utf8), Array("𝄞".utf8)]
        for character in characters {
            for shift in 0...character.count {
                // The character starts `shift` bytes before the first chunk ends.
                var bytes = [UInt8](repeating: UInt8(ascii: "a"), count: TextInput.chunk - shift)
                bytes += character + Array("\nb".utf8)
                #expect(FileManager.default.createFile(atPath: path, contents: Data(bytes)))
                #expect(try TextInput.readBytes(path, limit: 1 << 30) == bytes)
                // The same with the character's last byte missing: invalid, at its line and column.
                var bad = bytes
                bad.remove(at: TextInput.chunk - shift + character.count - 1)
                let problem = try #require(refusal(bad), "a cut character was accepted")
                #expect(problem.line == 1)
                #expect(problem.column == TextInput.chunk - shift + 1)
            }
        }
        // A NUL in the third chunk, on line 3.
        var bytes = [UInt8](repeating: UInt8(ascii: "a"), count: 2 * TextInput.chunk + 10)
        bytes[5] = 0x0A
        bytes[6] = 0x0A
        bytes[2 * TextInput.chunk + 3] = 0
        let problem = try #require(refusal(bytes), "a NUL byte was accepted")
        #expect(problem.line == 3)
        #expect(problem.column == 2 * TextInput.chunk + 3 - 7 + 1)
        #expect(problem.message.contains("NUL"))
        #expect(throws: PathwayLoadError.self) { try TextInput.readBytes("/dev/zero", limit: 1 << 30) }
        #expect(throws: PathwayLoadError.self) { try TextInput.readBytes(path, limit: 100) }
    }
    /// Characters YAML forbids, and tags, each at its line and column (as invalid UTF-8 is).
    static let refusedText: [(text: String, line: Int, column: Int, words: String)] = [
        ("pathway: a\u{01}b\n", 1, 11, "control character (U+0001)"),
        ("pathway: ok\nnotes: a\u{7F}\n", 2, 9, "control character (U+007F)"),
        ("pathway: ok\n# \u{1B}[31m in a comment\n", 2, 3, "control character (U+001B)"),
        ("pathway: \"é\u{FFFF}\"\n", 1, 12, "control character (U+FFFF)"),
        ("pathway: \u{9B}x\n", 1, 10, "control character (U+009B)"),
        ("pathway: !!python/object:os.system x\n", 1, 10, "a YAML tag (!!python/object:os.system)"),
        ("pathway: ok\nservices: !!seq\n", 2, 11, "a YAML tag (!!seq)"),
        ("pathway: ok\nnotes: !!null\n", 2, 8, "a YAML tag (!!null)"),
        ("pathway: ok\nroutes:\n  - {from: a, to: b, volume: !!float 3}\n", 3, 30, "a YAML tag (!!float)"),
        ("pathway: ok\nservices: [ !local x ]\n", 2, 13, "a YAML tag (!local)"),
        // A file that ends inside a flow list without a final line break: the end of its last
        // line, not a line after it.
        ("pathway: ok\nservices: [a, b", 2, 16, "did not find expected ',' or ']'"),
        // Line breaks the YAML reader knows but editors may not: refused where they stand.
        ("\u{85}J", 1, 1, "a line break other than LF or CRLF (U+0085)"),
        ("pathway: ok\nnotes: a\u{2028}b\n", 2, 9, "(U+2028)"),
        ("pathway: ok\nnotes: \"a\u{2029}b\"\n", 2, 10, "(U+2029)"),
        ("pathway: ok\nservices: [a, b\n", 3, 1, "did not find expected ',' or ']'"),
    ]

    @Test(arguments: refusedText.indices)
    func controlCharactersAndTagsAreRefusedAtTheirPlace(_ k: Int) {
        let (text, line, column, words) = Self.refusedText[k]
        do {
            _ = try pathway(text, file: "t.yaml")
            Issue.record("loaded: \(text.debugDescription)")
        } catch let error as PathwayLoadError {
            let problem = error.problems.first
            #expect(problem?.line == line && problem?.column == column, "\(error)")
            #expect(problem?.message.contains(words) == true, "\(error)")
        } catch {
            Issue.record("\(error)")
        }
    }

    /// Text that only looks like a tag or a control character loads.
    @Test func anExclamationMarkInsideTextIsNotATag() throws {
        let loaded = try pathway(
            """
            pathway: x!y # a !comment
            notes: 'it is !!fine'
            organisations: [{id: o, name: O, sector: acute}]
            services: [{id: s, name: S!, organisation: o}]

            """)
        #expect(loaded.title == "x!y")
        #expect(loaded.services.first?.name == "S!")
    }

    /// Text a CSV pair or a YAML escape can hold is written back as YAML that reads the same:
    /// NEL, U+2028 and U+2029 are line breaks to YAML even inside double quotes, a BOM inside
    /// a string may be dropped, and DEL, the C1 controls and U+FFFF are not allowed bare, so the
    /// writer escapes them.
    @Test(arguments: [
        "a\u{7F}b", "a\u{9B}b", "a\u{FFFF}b", "a\u{FFFE}b", "a\u{85}b", "a\u{2028}b", "a\u{2029}b", "a\u{FEFF}b",
        "a\nb\r\nc\td", "\u{7}\u{1B}[31m", "\"\\'",
    ])
    func awkwardTextSurvivesWritingAsYAML(_ text: String) throws {
        let pathway = Pathway(
            title: text, notes: text, organisations: [Organisation(id: "o", name: text, sector: .acute)],
            services: [Service(id: "s", name: text, organisation: "o", entry: true)],
            routes: [Route(from: "s", to: "s", note: text)])
        let back = try YAMLPathwayLoader.load(text: PathwayYAMLWriter.yaml(pathway), file: "x.yaml")
        #expect(back.title == text && back.notes == text)
        #expect(back.organisations.first?.name == text && back.services.first?.name == text)
        #expect(back.routes.first?.note == text)
    }

    /// A problem is one line, whatever the file holds: a value quoted in a message has its
    /// line breaks, control characters and bidirectional controls escaped.
    @Test func aProblemIsOneLineWhateverTheValue() {
        let problem = PathwayLoadError.Problem(
            file: "f.csv", line: 2, column: 3, message: "found '80\nx\r\u{85}\u{2028}\u{202E}\u{1B}\ty'")
        #expect(problem.message == "found '80\\nx\\r\\u{85}\\u{2028}\\u{202E}\\u{1B}\ty'", "\(problem.message)")
        #expect(MessageText.oneLine("plain é 日本") == "plain é 日本")
    }
}

/// Output files: written whole, through links, never by following a planted link.
@Suite struct OutputFileTests {
    @Test func aLinkPlantedAtATemporaryNameIsNeverFollowed() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("output-\(getpid())").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let victim = folder + "/victim.txt"
        try "keep me".write(toFile: victim, atomically: false, encoding: .utf8)
        // The name a temporary file had before: the output's, the process id, `.tmp`.
        #expect(symlink(victim, folder + "/.out.svg.\(getpid()).tmp") == 0)
        try OutputFile.write(Array("new".utf8), to: folder + "/out.svg")
        #expect(try String(contentsOfFile: victim, encoding: .utf8) == "keep me")
        #expect(try String(contentsOfFile: folder + "/out.svg", encoding: .utf8) == "new")
        // Only the planted link is left beside the output: no temporary file.
        let names = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
        #expect(names == [".out.svg.\(getpid()).tmp", "out.svg", "victim.txt"])
        // Replacing a file keeps its permissions; a new one takes the usual ones.
        #expect(chmod(folder + "/out.svg", 0o640) == 0)
        try OutputFile.write(Array("newer".utf8), to: folder + "/out.svg")
        var info = stat()
        #expect(stat(folder + "/out.svg", &info) == 0 && info.st_mode & 0o777 == 0o640)
        // A file named through a link is replaced, and the link kept.
        #expect(symlink(folder + "/out.svg", folder + "/link.svg") == 0)
        try OutputFile.write(Array("through".utf8), to: folder + "/link.svg")
        #expect(lstat(folder + "/link.svg", &info) == 0 && info.st_mode & S_IFMT == S_IFLNK)
        #expect(try String(contentsOfFile: folder + "/out.svg", encoding: .utf8) == "through")
        #expect(throws: OutputError.self) { try OutputFile.write([1], to: folder + "/no/such/x") }
        #expect(throws: OutputError.self) { try OutputFile.write([1], to: victim, inputs: [folder + "/./victim.txt"]) }
    }
}
