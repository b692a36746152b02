import Foundation
import Testing

/// The rules of ARCHITECTURE.md that a program can check: which target may import which, and a
/// command-line target that only parses, calls and prints.
@Suite struct ArchitectureTests {
    static let sources = Paths.packageRoot.appendingPathComponent("Sources")

    /// What each target may import, beside the toolchain's own modules.
    static let allowed: [String: Set<String>] = [
        "PathwayCore": ["Yams"],
        "PathwayReports": ["PathwayCore"],
        "GraphvizRenderer": ["CGraphviz", "PathwayCore"],
        "PathwayDrawing": ["PathwayCore", "PathwayReports", "GraphvizRenderer"],
        "PathwayRecords": ["PathwayCore", "PathwayReports"],
        "pathway": [
            "PathwayCore", "PathwayReports", "GraphvizRenderer", "PathwayDrawing", "PathwayRecords", "ArgumentParser",
            "CMalloc",
        ],
        "pathway-bench": ["PathwayCore", "PathwayReports", "GraphvizRenderer", "PathwayDrawing", "PathwayRecords"],
    ]
    static let toolchain: Set<String> = ["Foundation", "FoundationXML", "Dispatch", "Glibc", "Darwin"]

    /// The Swift files of a target, by path under `Sources/TARGET`.
    static func swiftFiles(of target: String) throws -> [String] {
        let folder = sources.appendingPathComponent(target).path
        let all = try #require(FileManager.default.subpaths(atPath: folder))
        return all.filter { $0.hasSuffix(".swift") }.sorted().map { folder + "/" + $0 }
    }

    static func imports(in file: String) throws -> [String] {
        try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n").compactMap { line in
            let words = line.split(separator: " ")
            guard let k = words.firstIndex(of: "import"), words[..<k].allSatisfy({ $0.hasPrefix("@") }) else {
                return nil
            }
            // `import struct Module.Name` imports from Module.
            let kinds: Set<Substring> = ["struct", "class", "enum", "protocol", "typealias", "func", "var", "let"]
            let rest = words.dropFirst(k + 1).drop { kinds.contains($0) }
            return rest.first.map { String($0.split(separator: ".")[0]) }
        }
    }

    @Test func everyTargetOfTheSourcesIsKnown() throws {
        let targets = try FileManager.default.contentsOfDirectory(atPath: Self.sources.path)
            .filter { !$0.hasPrefix("C") }
        #expect(Set(targets) == Set(Self.allowed.keys))
    }

    @Test(arguments: allowed.keys.sorted())
    func aTargetImportsOnlyWhatItMay(_ target: String) throws {
        let allowed = Self.allowed[target]!.union(Self.toolchain)
        let files = try Self.swiftFiles(of: target)
        #expect(!files.isEmpty)
        for file in files {
            for module in try Self.imports(in: file) {
                #expect(allowed.contains(module), "\(file) imports \(module)")
            }
        }
    }

    @Test func theCommandFilesAreShortAndCallNoC() throws {
        for file in try Self.swiftFiles(of: "pathway") {
            let lines = try String(contentsOfFile: file, encoding: .utf8).split(
                separator: "\n", omittingEmptySubsequences: false)
            #expect(lines.count <= 130, "\(file) has \(lines.count) lines: move its logic into a library")
            #expect(!(try Self.imports(in: file)).contains("CGraphviz"), "\(file)")
        }
    }

    @Test func theReaderOfImportsSeesEveryForm() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("imports-\(UUID().uuidString).swift")
        try "import A\n@testable import B\n// import C\nlet s = \"x import D\"\nimport struct E.F\n"
            .write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        #expect(try Self.imports(in: file.path) == ["A", "B", "E"])
    }
}
