import Foundation
import GraphvizRenderer
import PathwayCore
import PathwayDrawing
import PathwayReports
import Testing

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// How the views of the sample pathways read on paper, measured by the project's measure of a
/// drawing (`Tests/tools/diagram_quality.py`), with each view drawn as `render` draws it.
@Suite struct ViewDrawingTests {
    static let samples = LayoutChoiceTests.samples
    static var worker: RenderWorker { RenderWorker(executable: DrawingTests.pathwayTool, timeout: 120) }

    /// Draws each view of each pathway to SVG in a folder of its own, and measures them all.
    func measure(_ views: [(Pathway, PathwayView, String)]) throws -> [(String, QualityMeasure)] {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("views-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var files: [String] = []
        for (k, (pathway, view, _)) in views.enumerated() {
            let svg = try Drawing.pathway(pathway, options: .init(view: view), format: .svg, worker: Self.worker)
            let file = folder.appendingPathComponent("\(k).svg").path
            try Data(svg.bytes).write(to: URL(fileURLWithPath: file))
            files.append(file)
        }
        return zip(views.map(\.2), try QualityMeasure.measure(files)).map { ($0, $1) }
    }

    @Test func everyOrganisationsViewReadsOnA4WithNoTextOverAnother() throws {
        let views = try Self.samples.map { file in
            (try PathwayFiles.load(file), PathwayView.organisations, file)
        }
        for (file, measured) in try measure(views) {
            #expect(measured.fontMin ?? 0 >= 8, "\(file): \(measured.fontMin ?? 0) pt on A4 landscape")
            #expect(measured.overlaps == 0, "\(file): \(measured.overlaps) overlapping texts")
        }
    }

    @Test(arguments: samples)
    func everySmallFunctionAndFocusViewReadsOnA4WithNoTextOverAnother(_ file: String) throws {
        let pathway = try PathwayFiles.load(file)
        let metrics = PathwayMetrics(pathway, betweenness: false)
        var views: [(Pathway, PathwayView, String)] = []
        let candidates =
            metrics.functions.keys.sorted().map { PathwayView.function($0) }
            + pathway.services.map { PathwayView.focus($0.id, depth: 1) }
        for view in candidates {
            let diagram = try view.diagram(pathway, metrics: metrics)
            guard diagram.nodes.filter({ $0.key.hasPrefix("svc:") }).count <= 15 else { continue }
            views.append((pathway, view, "\(file) --view \(view)"))
        }
        #expect(views.count >= 8, "\(file): the views of 15 services or fewer")
        for (name, measured) in try measure(views) {
            #expect(measured.fontMin ?? 0 >= 8, "\(name): \(measured.fontMin ?? 0) pt on A4 landscape")
            #expect(measured.overlaps == 0, "\(name): \(measured.overlaps) overlapping texts")
        }
    }

    /// The crossing arrows of the full drawings before views were 229, 92, 38, 205 and 82: at most half.
    @Test(arguments: [
        ("dementia-london-before", 114), ("dementia-london-after", 46), ("urgent-care-before", 19),
        ("urgent-care-after", 102), ("dementia-northern-city-2011", 41),
    ])
    func theServicesViewCrossesFarLessAndCoversNoText(_ name: String, _ most: Int) throws {
        let pathway = try DrawingTests.sample(name)
        let (_, measured) = try measure([(pathway, .services, name)])[0]
        #expect(measured.crossings <= most, "\(name): \(measured.crossings) pairs of arrows cross")
        #expect(measured.overlaps == 0, "\(name): \(measured.overlaps) overlapping texts")
    }

    @Test(arguments: [
        PathwayView.organisations, .function("diagnosis"), .focus("memory-service", depth: 1), .services,
    ])
    func theSidesOfARedesignShareOnePlaceForEachBoxInEveryView(_ view: PathwayView) throws {
        let diff = PathwayDiff(
            before: try DrawingTests.sample("dementia-london-before"),
            after: try DrawingTests.sample("dementia-london-after"))
        let drawn = try Drawing.redesign(
            diff, view: view, sides: [(.difference, .dot), (.before, .dot), (.after, .dot)], worker: Self.worker)
        let graphs = try drawn.map { try Graphviz.shared.read(dot: String(decoding: $0, as: UTF8.self)) }
        func places(_ graph: DOTGraph) -> [String: String] {
            Dictionary(
                graph.nodes.compactMap { node in node.attributes["id"].map { ($0, node.attributes["pos"] ?? "") } },
                uniquingKeysWith: { a, _ in a })
        }
        let (difference, before, after) = (places(graphs[0]), places(graphs[1]), places(graphs[2]))
        let both = Set(before.keys).intersection(after.keys)
        #expect(!both.isEmpty || view == .focus("memory-service", depth: 1))
        for id in both {
            #expect(
                before[id] == after[id] && after[id] == difference[id] && before[id]?.isEmpty == false, "\(view): \(id)"
            )
        }
        // One canvas for every side.
        #expect(Set(graphs.map { $0.attributes["bb"] ?? "" }).count == 1, "\(view)")
    }

    @Test func hostileNamesStayTextInEveryView() throws {
        let hostile = [
            "<script>alert(1)</script>", #"quote " and back\slash \N \G \" end"#, "A & B &amp; C", "line\nbreak",
            "\u{202E}right-to-left", String(repeating: "long ", count: 300),
        ]
        let pathway = Pathway(
            title: hostile.joined(separator: " "), area: "<i>area</i>",
            organisations: [
                Organisation(id: "o", name: hostile[0], sector: .acute),
                Organisation(id: "p", name: hostile[1], sector: .other),
            ],
            services: hostile.enumerated().map { k, name in
                Service(
                    id: "s\(k)", name: name, organisation: k % 2 == 0 ? "o" : "p", entry: k == 0,
                    functions: ["diagnosis"])
            },
            routes: (1..<hostile.count).map { Route(from: "s0", to: "s\($0)", purpose: "diagnosis", note: hostile[$0]) }
                + [Route(from: "s1", to: "s0"), Route(from: "s2", to: "gone \"<x>\"")])
        var after = pathway
        after.title = "after " + hostile[1]
        after.services[3].name = hostile[1] + " renamed"
        let views: [PathwayView] = [.services, .organisations, .function("diagnosis"), .focus("s1", depth: 2)]
        var drawings: [[UInt8]] = []
        for view in views {
            drawings.append(
                try Drawing.pathway(pathway, options: .init(view: view), format: .svg, worker: Self.worker).bytes)
            drawings += try Drawing.redesign(
                PathwayDiff(before: pathway, after: after), view: view, sides: [(.difference, .svg), (.after, .svg)],
                worker: Self.worker)
        }
        for (k, svg) in drawings.enumerated() {
            let text = String(decoding: svg, as: UTF8.self)
            #expect(text.hasSuffix("</svg>\n"), "drawing \(k) is whole")
            #expect(!text.contains("<script") && !text.contains("<i>"), "drawing \(k)")
            #expect(text.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "drawing \(k)")
            let parser = XMLParser(data: Data(svg))
            #expect(parser.parse(), "drawing \(k) is well-formed XML")
        }
    }

    @Test func aDrawingFittedToAPageSaysHowItReadsAndNamesAViewThatDoes() throws {
        let pathway = try DrawingTests.sample("dementia-london-after")
        let a4 = try #require(Paper(parsing: "a4"))
        #expect(a4 == Paper(parsing: "a4-landscape") && a4.width > a4.height)
        #expect(Paper(parsing: "a3-portrait").map { $0.height > $0.width } == true && Paper(parsing: "a5") == nil)
        let organisations = try Drawing.pathway(
            pathway, options: .init(view: .organisations, paper: a4), format: .svg, worker: Self.worker)
        let readable = try #require(organisations.readability)
        #expect(readable.readable && readable.smallestText >= 8)
        // Scaled to the sheet inside its margins: the SVG's own size says so.
        let svg = String(decoding: organisations.bytes, as: UTF8.self)
        let size = try #require(svg.firstMatch(of: /width="([\d.]+)pt" height="([\d.]+)pt"/))
        let (width, height) = (Double(size.1)!, Double(size.2)!)
        #expect(width <= a4.width - 2 * Paper.margin + 1 && height <= a4.height - 2 * Paper.margin + 1)
        #expect(
            width >= a4.width - 2 * Paper.margin - 1 || height >= a4.height - 2 * Paper.margin - 1, "it fills the sheet"
        )
        let services = try Drawing.pathway(pathway, options: .init(paper: a4), format: .svg, worker: Self.worker)
        #expect(services.readability?.readable == false)
        let better = try #require(Drawing.readableView(of: pathway, on: a4, besides: .services, worker: Self.worker))
        #expect(better.view == .organisations && better.text >= 8)
    }
}
