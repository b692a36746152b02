import Foundation
import GraphvizRenderer
import PathwayTestSupport
import Testing

/// The work Graphviz is given on a large graph, and the time it is allowed.
@Suite struct LayoutBudgetTests {
    @Test func largeGraphsGetBoundedIterationsSmallOnesGraphvizDefaults() {
        #expect(LayoutBudget.attributes(engine: .dot, nodes: 100, edges: 300).isEmpty)
        let dot = Dictionary(
            uniqueKeysWithValues: LayoutBudget.attributes(engine: .dot, nodes: 101, edges: 0).map {
                ($0.name, $0.value)
            })
        #expect(dot == ["nslimit": "0.2", "mclimit": "0.2", "searchsize": "10"])
        // Dense but few nodes is large too: 60 services with 600 routes took dot 4 s unbounded.
        #expect(!LayoutBudget.attributes(engine: .dot, nodes: 60, edges: 600).isEmpty)
        #expect(LayoutBudget.attributes(engine: .sfdp, nodes: 5_000, edges: 15_000).map(\.name) == ["maxiter"])
        #expect(LayoutBudget.attributes(engine: .neato, nodes: 5_000, edges: 15_000).map(\.name) == ["maxiter"])
        #expect(LayoutBudget.attributes(engine: .positioned, nodes: 5_000, edges: 15_000).isEmpty)
    }

    @Test func theBudgetReachesTheLayoutOfALargeGraph() throws {
        var dot = "digraph { "
        for k in 0..<120 { dot += "n\(k) -> n\((k + 1) % 120); " }
        dot += "}"
        let laidOut = String(decoding: try Graphviz.shared.render(dot: dot, engine: .dot, format: .xdot), as: UTF8.self)
        #expect(laidOut.contains("nslimit=0.2") && laidOut.contains("mclimit=0.2") && laidOut.contains("searchsize=10"))
        let small = String(
            decoding: try Graphviz.shared.render(dot: "digraph { a -> b }", format: .xdot), as: UTF8.self)
        #expect(!small.contains("nslimit"))
    }
}

@Suite struct TimeLimitTests {
    @Test func aLayoutStoppedAtItsLimitNamesTheEngineAndTheLimit() throws {
        let hanging = try ScriptFile.executable("#!/bin/sh\ncat >/dev/null; exec sleep 30\n", prefix: "hang")
        defer { try? FileManager.default.removeItem(at: hanging) }
        for (engine, words) in [
            (LayoutEngine.dot, "with dot"), (.sfdp, "with sfdp"), (.positioned, "drawing the diagram"),
        ] {
            do {
                _ = try RenderWorker(executable: hanging, timeout: 0.3).render(
                    dot: "digraph { a }", engine: engine, format: .svg)
                Issue.record("a hanging worker must be stopped")
            } catch {
                #expect(
                    error.message.contains(words) && error.message.contains("the limit of 0.3 s"), "\(error.message)")
                #expect(error.timeLimit == 0.3)
            }
        }
    }

    /// The default limit grows with the drawing, so a slow machine still draws a large pathway,
    /// and stays bounded, so a drawing that runs away still ends.
    @Test func theDefaultTimeLimitGrowsWithTheDrawingWithinBounds() {
        #expect(RenderWorker.defaultTimeLimit(items: 0) == 12)
        #expect(RenderWorker.defaultTimeLimit(items: 60) == 12.12)
        // 5,000 services and 15,000 routes: over four times the 12 s of a small drawing.
        #expect(RenderWorker.defaultTimeLimit(items: 20_000) == 52)
        #expect(RenderWorker.defaultTimeLimit(items: 10_000_000) == 120)
        let sizes = [0, 1, 500, 5_000, 50_000, 500_000]
        for (a, b) in zip(sizes, sizes.dropFirst()) {
            #expect(RenderWorker.defaultTimeLimit(items: a) <= RenderWorker.defaultTimeLimit(items: b))
        }
    }
}
