import Foundation
import Testing

/// How a drawn SVG reads on A4 landscape, by the measure the project holds its diagrams to
/// (`Tests/tools/diagram_quality.py`, run with Python): the text size once the drawing is
/// fitted to the page, the pairs of text boxes that overlap, and the pairs of arrows that
/// cross.
struct QualityMeasure: Decodable {
    var canvas: [Double]
    /// The smallest text once fitted to A4 landscape, in points.
    var fontMin: Double?
    var overlaps: Int
    var crossings: Int
    var routes: Int

    enum CodingKeys: String, CodingKey {
        case canvas, overlaps, crossings, routes
        case fontMin = "font_min"
    }

    static let tool = LayoutChoiceTests.root.appendingPathComponent("Tests/tools/diagram_quality.py").path

    /// The measures of each file, in order.
    static func measure(_ files: [String]) throws -> [QualityMeasure] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", tool] + files
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "the quality measure runs")
        return try String(decoding: data, as: UTF8.self).split(separator: "\n").map {
            try JSONDecoder().decode(QualityMeasure.self, from: Data($0.utf8))
        }
    }

    /// The measure of one drawing.
    static func measure(_ svg: [UInt8]) throws -> QualityMeasure {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("measure-\(UUID().uuidString).svg")
        try Data(svg).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        return try measure([file.path])[0]
    }

    static func crossings(_ svg: [UInt8]) throws -> Int { try measure(svg).crossings }
}
