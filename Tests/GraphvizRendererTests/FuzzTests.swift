import Foundation
import GraphvizRenderer
import PathwayCore
import PathwayReports
import Testing

/// A seeded mutation fuzzer for the three readers a user's file goes through: the YAML reader,
/// the two CSV readers, and Graphviz's DOT reader with the import that follows it.
///
/// Each case takes a file of the corpus (the sample pathways, the loader fixtures good and bad,
/// and `Fixtures/fuzz`), changes it in one to four ways (a byte flipped, inserted or deleted, a
/// token of the format put in, lines repeated, swapped or cut, a piece of another file spliced
/// in), writes it to a file and reads it. A case keeps the tool's promises when
///
/// - nothing crashes or traps (a crash fails the whole run);
/// - a refusal names the file, and for the YAML and CSV readers a line and column inside it,
///   one problem per line of the message;
/// - a pathway that loads can be measured, checked, written back as YAML that loads to the same
///   YAML, and drawn as DOT that Graphviz parses;
/// - the fast CSV reader and the thorough one agree: the fast one takes only files the thorough
///   one takes, and then gives the same metrics.
///
/// `FUZZ_CASES` sets the number of cases for each reader (a few hundred by default), and
/// `FUZZ_SEED` the seed. A broken promise names the seed and the case, and leaves the input
/// in the folder it names.
@Suite(.serialized) struct FuzzTests {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let fixtures = root.appendingPathComponent("Tests/GraphvizRendererTests/Fixtures")
    static let loaderFixtures = root.appendingPathComponent("Tests/PathwayCoreTests/Fixtures")
    static let environment = ProcessInfo.processInfo.environment
    static let cases = environment["FUZZ_CASES"].flatMap { Int($0) }.map { max(1, $0) } ?? 300
    static let seed = environment["FUZZ_SEED"].flatMap { UInt64($0) } ?? 20_261_202

    /// SplitMix64: a small generator whose sequence depends only on its seed, on every platform.
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    // MARK: The corpus

    static func files(in folder: URL, ext: String) -> [URL] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.sorted().filter { $0.hasSuffix(".\(ext)") }.map { folder.appendingPathComponent($0) }
    }

    static func folders(in folder: URL, prefix: String = "") -> [URL] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.sorted().filter { $0.hasPrefix(prefix) }.map { folder.appendingPathComponent($0) }
            .filter { FileManager.default.fileExists(atPath: $0.appendingPathComponent("services.csv").path) }
    }

    static func bytes(_ url: URL) -> [UInt8] {
        Array(FileManager.default.contents(atPath: url.path) ?? Data())
    }

    static let yamlCorpus: [[UInt8]] =
        (files(in: root.appendingPathComponent("pathways"), ext: "yaml")
        + files(in: loaderFixtures.appendingPathComponent("good"), ext: "yaml")
        + files(in: loaderFixtures.appendingPathComponent("bad"), ext: "yaml")
        + files(in: loaderFixtures.appendingPathComponent("diff"), ext: "yaml")
        + files(in: fixtures.appendingPathComponent("fuzz"), ext: "yaml")).map(bytes)

    /// CSV pairs as (services.csv, routes.csv); routes may be empty.
    static let csvCorpus: [([UInt8], [UInt8])] =
        (folders(in: loaderFixtures.appendingPathComponent("good"))
        + folders(in: loaderFixtures.appendingPathComponent("bad"), prefix: "csv-")
        + folders(in: fixtures.appendingPathComponent("fuzz"))).map {
            (bytes($0.appendingPathComponent("services.csv")), bytes($0.appendingPathComponent("routes.csv")))
        }

    static let dotCorpus: [[UInt8]] =
        (files(in: fixtures, ext: "dot") + files(in: fixtures.appendingPathComponent("fuzz"), ext: "dot")).map(bytes)

    // MARK: Mutations

    /// Pieces of the three formats that a mutation puts in: structure, the format's keys and
    /// words, and bytes that readers get wrong (NUL, a lone continuation byte, CR, BOM).
    static let tokens: [[UInt8]] =
        [
            "\n", "\r\n", "\r", "\t", " ", "  ", "- ", ": ", ":", ",", ";", "\"", "'", "\"\"", "#", "&a ", "*a",
            "!!str ",
            "!local ", "<<: ", "{", "}", "[", "]", "|", ">", "---\n", "...\n", "%YAML 1.1\n", "? ", "\\", "\\\"",
            "id: ", "name: ", "organisation: ", "sector: ", "services:\n", "routes:\n", "organisations:\n", "from: ",
            "to: ", "purpose: ", "kind: ", "volume: ", "entry: true", "terminal: yes", "functions: [", "capacity: ",
            "title: ", "-1", "0", "1e400", "18446744073709551616", "0x1F", ".nan", "~", "null", "true", "informal",
            "acute", "primary-care", "mental-health", "diagnosis", "gp", "id,name,organisation,sector", "from,to",
            "->", "--", "digraph", "subgraph cluster_x {", "node", "edge", "graph", "=", "label=<", "<b>", "</b>",
            "<TABLE>", "image=\"/etc/passwd\"", "fontname=\"/tmp/x\"", "shapefile=", "concentrate=true",
            "sides=7", "weight=1e9", "URL=", "\u{FEFF}", "\u{202E}", "é", "日本", "😀", "\u{85}", "\u{2028}",
        ].map { Array($0.utf8) } + [[0], [0xFF], [0x80], [0xC3], [0xE2, 0x82], [0xED, 0xA0, 0x80], [0x7F], [0x1B]]

    static func lines(_ text: [UInt8]) -> [ArraySlice<UInt8>] {
        text.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
    }

    static func joined(_ lines: [ArraySlice<UInt8>]) -> [UInt8] {
        Array(lines.joined(separator: [UInt8(ascii: "\n")]))
    }

    /// `input` changed one to four times, drawing pieces to splice from `others`.
    static func mutate(_ input: [UInt8], others: [[UInt8]], using g: inout Generator) -> [UInt8] {
        var out = input
        // Mostly one change, so that many cases still load and reach what comes after loading.
        for _ in 0..<[1, 1, 1, 1, 1, 2, 2, 3, 4].randomElement(using: &g)! {
            let at = out.isEmpty ? 0 : Int.random(in: 0...out.count, using: &g)
            switch Int.random(in: 0..<11, using: &g) {
            case 0 where !out.isEmpty:
                let k = Int.random(in: 0..<out.count, using: &g)
                out[k] ^= UInt8(1) << UInt8.random(in: 0..<8, using: &g)
            case 1:
                out.insert(UInt8.random(in: 0...255, using: &g), at: at)
            case 2, 3:
                out.insert(contentsOf: tokens.randomElement(using: &g)!, at: at)
            case 4 where !out.isEmpty:
                let start = Int.random(in: 0..<out.count, using: &g)
                out.removeSubrange(start..<min(out.count, start + Int.random(in: 1...64, using: &g)))
            case 5:
                // A line repeated, up to a few hundred times: the quadratic cases live here.
                var all = lines(out)
                let k = Int.random(in: 0..<all.count, using: &g)
                let times = [1, 2, 10, 300].randomElement(using: &g)!
                all.insert(contentsOf: repeatElement(all[k], count: times), at: k)
                out = joined(all)
            case 6:
                var all = lines(out)
                if all.count > 1 {
                    all.swapAt(Int.random(in: 0..<all.count, using: &g), Int.random(in: 0..<all.count, using: &g))
                }
                out = joined(all)
            case 7:
                var all = lines(out)
                let start = Int.random(in: 0..<all.count, using: &g)
                all.removeSubrange(start..<min(all.count, start + Int.random(in: 1...5, using: &g)))
                out = joined(all)
            case 8 where !out.isEmpty:
                out.removeSubrange(Int.random(in: 0..<out.count, using: &g)...)
            case 9:
                // A token put inside a value, after a line's first ": " or ",": names, notes,
                // numbers and ids, where a change can still load.
                var all = lines(out)
                let k = Int.random(in: 0..<all.count, using: &g)
                let line = Array(all[k])
                if let colon = line.firstIndex(where: { $0 == UInt8(ascii: ":") || $0 == UInt8(ascii: ",") }) {
                    let place = Int.random(in: (colon + 1)...line.count, using: &g)
                    var changed = line
                    changed.insert(contentsOf: tokens.randomElement(using: &g)!, at: place)
                    all[k] = changed[...]
                    out = joined(all)
                }
            default:
                let other = lines(others.randomElement(using: &g) ?? [])
                let start = Int.random(in: 0..<other.count, using: &g)
                let piece = joined(Array(other[start..<min(other.count, start + Int.random(in: 1...6, using: &g))]))
                var all = lines(out)
                all.insert(piece[...], at: Int.random(in: 0...all.count, using: &g))
                out = joined(all)
            }
        }
        return out
    }

    // MARK: The promises

    /// A place for each case's files, kept when a promise breaks.
    static let scratch: URL = {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent(
            "pathway-fuzz-\(seed)-\(getpid())", isDirectory: true)
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }()

    static func write(_ bytes: [UInt8], to url: URL) throws {
        try Data(bytes).write(to: url)
    }

    /// The broken promises of a refusal of `files`: every problem names one of them, each
    /// message is one line, and (when `lines`) each problem has a line and column in its file.
    static func refusalProblems(_ error: PathwayLoadError, files: [String: [UInt8]], lines: Bool) -> [String] {
        var broken: [String] = []
        if error.problems.isEmpty { broken.append("a refusal without a problem") }
        for problem in error.problems {
            guard let content = files[problem.file] else {
                broken.append("the problem names \(problem.file), not the file read: \(problem)")
                continue
            }
            if problem.message.isEmpty { broken.append("an empty message: \(problem)") }
            if problem.message.contains(where: \.isNewline) {
                broken.append("a message of more than one line: \(problem)")
            }
            guard lines else { continue }
            guard let line = problem.line, let column = problem.column else {
                broken.append("no line and column: \(problem)")
                continue
            }
            let count = Self.lines(content).count
            if line < 1 || line > count { broken.append("line \(line) of a file of \(count): \(problem)") }
            if column < 1 { broken.append("column \(column): \(problem)") }
        }
        return broken
    }

    /// The broken promises of what the tool does next with a pathway that loaded: measure it,
    /// check it, write it back, and draw its DOT. The YAML written must load to the same YAML;
    /// the DOT must parse. (A trap on the way crashes the run.)
    static func usabilityProblems(_ pathway: Pathway) -> [String] {
        var broken: [String] = []
        let metrics = PathwayMetrics(pathway)
        if (try? JSONSerialization.jsonObject(with: Data(metrics.jsonBytes()))) == nil {
            broken.append("the metrics JSON does not parse")
        }
        _ = PathwayCheck.findings(pathway, metrics: metrics)
        let yaml = PathwayYAMLWriter.yaml(pathway)
        do {
            let back = try YAMLPathwayLoader.load(text: yaml, file: "written.yaml")
            let again = PathwayYAMLWriter.yaml(back)
            if again != yaml {
                let (first, second) = (yaml.split(separator: "\n"), again.split(separator: "\n"))
                let k = Array(zip(first, second)).firstIndex { $0 != $1 } ?? min(first.count, second.count)
                broken.append(
                    "the written YAML reloads differently at line \(k + 1): "
                        + "'\(first.dropFirst(k).first ?? "")' became '\(second.dropFirst(k).first ?? "")'")
            }
        } catch {
            broken.append("the written YAML does not load: \(error)")
        }
        do {
            _ = try Graphviz.shared.read(dot: servicesDOT(pathway, lanes: true))
        } catch {
            broken.append("the tool's DOT does not parse: \(error)")
        }
        return broken
    }

    /// Runs `body` for each case with its own generator and records each broken promise. The
    /// body writes its input under `folder` and says whether it loaded and what broke; a case's
    /// files are kept only when something broke.
    static func run(_ name: String, _ body: (_ folder: URL, inout Generator) throws -> (Bool, [String])) throws {
        var loaded = 0
        var failed = 0
        let started = Date()
        let salt = name.utf8.reduce(UInt64(0)) { $0 &* 31 &+ UInt64($1) }
        for k in 0..<cases {
            var g = Generator(state: seed &* 0x1_0000_0001 &+ UInt64(k) &+ salt << 32)
            let folder = scratch.appendingPathComponent("\(name)-\(k)", isDirectory: true)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let (ok, broken) = try body(folder, &g)
            if ok { loaded += 1 }
            if broken.isEmpty {
                try? FileManager.default.removeItem(at: folder)
            } else {
                failed += 1
                for promise in broken {
                    Issue.record("\(name) case \(k) (FUZZ_SEED=\(seed), kept in \(folder.path)): \(promise)")
                }
            }
        }
        let seconds = Date().timeIntervalSince(started)
        print(
            "fuzz \(name): \(cases) cases (seed \(seed)): \(loaded) loaded, \(cases - loaded) refused, "
                + "\(failed) broke a promise; " + String(format: "%.1f s", seconds))
    }

    @Test func yamlReader() throws {
        try Self.run("yaml") { folder, g in
            let input = Self.mutate(Self.yamlCorpus.randomElement(using: &g)!, others: Self.yamlCorpus, using: &g)
            let path = folder.appendingPathComponent("case.yaml").path
            try Self.write(input, to: URL(fileURLWithPath: path))
            do throws(PathwayLoadError) {
                return (true, Self.usabilityProblems(try PathwayFiles.load(path)))
            } catch {
                return (false, Self.refusalProblems(error, files: [path: input], lines: true))
            }
        }
    }

    @Test func csvReaders() throws {
        let others = Self.csvCorpus.flatMap { [$0.0, $0.1] }
        try Self.run("csv") { folder, g in
            var (services, routes) = Self.csvCorpus.randomElement(using: &g)!
            let which = Int.random(in: 0..<3, using: &g)
            if which != 1 { services = Self.mutate(services, others: others, using: &g) }
            if which != 0 { routes = Self.mutate(routes, others: others, using: &g) }
            let servicesPath = folder.appendingPathComponent("services.csv").path
            let routesPath = folder.appendingPathComponent("routes.csv").path
            try Self.write(services, to: URL(fileURLWithPath: servicesPath))
            try Self.write(routes, to: URL(fileURLWithPath: routesPath))
            let fast = CSVNetworkLoader.fastLoad(folder: folder.path)
            do throws(PathwayLoadError) {
                let pathway = try CSVPathwayLoader.load(folder: folder.path)
                var broken = Self.usabilityProblems(pathway)
                if let fast, PathwayMetrics(fast).jsonBytes() != PathwayMetrics(pathway).jsonBytes() {
                    broken.append("the fast CSV reader gives other metrics than the thorough one")
                }
                return (true, broken)
            } catch {
                var broken = Self.refusalProblems(
                    error, files: [servicesPath: services, routesPath: routes], lines: true)
                if fast != nil { broken.append("the fast CSV reader takes files the thorough one refuses: \(error)") }
                return (false, broken)
            }
        }
    }

    @Test func dotReader() throws {
        try Self.run("dot") { folder, g in
            let input = Self.mutate(Self.dotCorpus.randomElement(using: &g)!, others: Self.dotCorpus, using: &g)
            let path = folder.appendingPathComponent("case.dot").path
            try Self.write(input, to: URL(fileURLWithPath: path))
            do throws(DOTImport.Refusal) {
                return (true, Self.usabilityProblems(try DOTImport.importFile(path, as: "imported.yaml").pathway))
            } catch {
                let text = error.description
                var broken: [String] = []
                if !text.hasPrefix(path + ":") { broken.append("the refusal does not name the file: \(text)") }
                if text.contains(where: \.isNewline) { broken.append("a refusal of more than one line: \(text)") }
                return (false, broken)
            }
        }
    }
}
