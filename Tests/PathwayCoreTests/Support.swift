import Foundation

@testable import PathwayCore

/// Paths in the source tree, so tests read the same fixtures and samples a user would.
enum Paths {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let fixtures = packageRoot.appendingPathComponent("Tests/PathwayCoreTests/Fixtures").path
    static let pathways = packageRoot.appendingPathComponent("pathways").path

    static func bad(_ name: String) -> String { fixtures + "/bad/" + name }
    static func good(_ name: String) -> String { fixtures + "/good/" + name }
    static func sample(_ name: String) -> String { pathways + "/" + name }
}

/// Loads a pathway from YAML text, for small hand-written cases.
func pathway(_ yaml: String, file: String = "test.yaml") throws -> Pathway {
    try YAMLPathwayLoader.load(text: yaml, file: file)
}

/// The first problem of a load that must fail, or nil if it loaded.
func loadProblem(_ path: String) -> PathwayLoadError.Problem? {
    do {
        _ = try PathwayFiles.load(path)
        return nil
    } catch {
        return error.problems.first
    }
}
