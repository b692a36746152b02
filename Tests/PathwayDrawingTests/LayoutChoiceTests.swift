import Foundation
import GraphvizRenderer
import PathwayCore
import PathwayDrawing
import PathwayReports
import Testing

/// The choice of layout engine, and what a drawing can afford at its size.
@Suite struct LayoutChoiceTests {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let samples: [String] = PathwayFiles.expand([root.appendingPathComponent("pathways").path])

    @Test(arguments: LayoutChoiceTests.samples)
    func everySamplePathwayIsDrawnWithDotInLanesWithLabelsAndGraphvizDefaults(_ file: String) throws {
        let pathway = try PathwayFiles.load(file)
        let shape = DiagramShape(pathway, metrics: PathwayMetrics(pathway, betweenness: false))
        #expect(LayoutChoice.engine(for: shape) == .dot)
        #expect(LayoutPlan(shape: shape) == LayoutPlan(engine: .dot, lanes: true, edgeLabels: true))
        #expect(LayoutBudget.attributes(engine: .dot, nodes: shape.nodes, edges: shape.edges).isEmpty)
    }

    @Test(arguments: [
        // (nodes, edges, lane tangle) → engine
        (0, 0, 0, LayoutEngine.dot),
        (34, 73, 98, .dot),
        (500, 1_500, 50_000, .dot),
        (501, 10, 0, .sfdp),
        (100, 1_501, 0, .sfdp),
        (200, 600, 50_001, .sfdp),
        (5_000, 15_000, 0, .sfdp),
        (5_000, 15_000, 1_000_000, .sfdp),
    ])
    func dotUpToEachLimitAndSfdpJustBeyond(_ nodes: Int, _ edges: Int, _ tangle: Int, _ engine: LayoutEngine) {
        #expect(LayoutChoice.engine(for: DiagramShape(nodes: nodes, edges: edges, laneTangle: tangle)) == engine)
    }

    func service(_ id: String, _ organisation: String) -> Service {
        Service(id: id, name: id, organisation: organisation, entry: id == "a")
    }

    @Test func theShapeCountsGhostsAndTheLoopsInsideTheMostTangledLane() {
        // Lane x: a → b → c → a, 3 routes among its 3 services; lane y: d ⇄ e, 2 routes
        // among its 2. c → d and e → a cross lanes (and close one loop through all five
        // services, which counts in neither lane). Two routes name services that do not exist:
        // two ghost boxes.
        let pathway = Pathway(
            title: "t", organisations: [Organisation(id: "x", sector: .acute), Organisation(id: "y", sector: .other)],
            services: [service("a", "x"), service("b", "x"), service("c", "x"), service("d", "y"), service("e", "y")],
            routes: [
                Route(from: "a", to: "b"), Route(from: "b", to: "c"), Route(from: "c", to: "a"),
                Route(from: "c", to: "d"),
                Route(from: "d", to: "e"), Route(from: "e", to: "d"), Route(from: "e", to: "gone"),
                Route(from: "lost", to: "a"),
            ])
        let shape = DiagramShape(pathway, metrics: PathwayMetrics(pathway, betweenness: false))
        #expect(shape.nodes == 7 && shape.edges == 8)
        // Lane x: 3 services × 3 routes round the loop = 9; lane y: 2 × 2 = 4.
        #expect(shape.laneTangle == 9)
        let hierarchy = Pathway(
            title: "t", organisations: [Organisation(id: "x", sector: .acute)],
            services: [service("a", "x"), service("b", "x"), service("c", "x")],
            routes: [Route(from: "a", to: "b"), Route(from: "b", to: "c"), Route(from: "a", to: "c")])
        #expect(DiagramShape(hierarchy, metrics: PathwayMetrics(hierarchy, betweenness: false)).laneTangle == 0)
        let selfReferral = Pathway(
            title: "t", organisations: [Organisation(id: "x", sector: .acute)],
            services: [service("a", "x"), service("b", "x")], routes: [Route(from: "a", to: "a")])
        #expect(DiagramShape(selfReferral, metrics: PathwayMetrics(selfReferral, betweenness: false)).laneTangle == 2)
    }

    @Test func onlyDotDrawsLanesAndOnlyModestGraphsCarryEdgeLabels() {
        let small = DiagramShape(nodes: 30, edges: 70)
        #expect(LayoutPlan(engine: .sfdp, shape: small) == LayoutPlan(engine: .sfdp, lanes: false, edgeLabels: true))
        #expect(LayoutPlan(engine: .neato, shape: small).lanes == false)
        let large = DiagramShape(nodes: 5_000, edges: 15_000)
        #expect(LayoutPlan(shape: large) == LayoutPlan(engine: .sfdp, lanes: false, edgeLabels: false))
        #expect(LayoutPlan(engine: .dot, shape: large) == LayoutPlan(engine: .dot, lanes: true, edgeLabels: false))
        #expect(LayoutPlan(shape: DiagramShape(nodes: 400, edges: 1_500)).edgeLabels)
    }
}
