import Foundation
import GraphvizRenderer
import PathwayCore
import PathwayReports
import Testing

/// Attributes known to crash Graphviz 2.43 or run it away never reach it: the tool's DOT never
/// carries them, whatever the pathway says, and the renderer refuses any DOT that does.
@Suite struct CrashingAttributeTests {
    /// Every attribute of a DOT graph as read back by libcgraph, as `name=value` strings.
    func attributes(_ graph: DOTGraph) -> [String: String] {
        var all: [String: String] = [:]
        for (key, value) in graph.attributes { all["graph \(key)"] = value }
        for cluster in graph.clusters {
            for (key, value) in cluster.attributes { all["\(cluster.name) \(key)"] = value }
        }
        for node in graph.nodes { for (key, value) in node.attributes { all["\(node.name) \(key)"] = value } }
        for edge in graph.edges {
            for (key, value) in edge.attributes { all["\(edge.tail)->\(edge.head) \(key)"] = value }
        }
        return all
    }

    /// Asserts that no attribute that crashes Graphviz is set anywhere in `dot`.
    func expectNoCrashingAttribute(_ dot: String, _ comment: Comment) throws {
        let set = attributes(try Graphviz.shared.read(dot: dot))
        for (key, value) in set {
            let name = String(key.split(separator: " ").last!)
            #expect(!Graphviz.crashingAttributes.contains(name), "\(key)=\(value) \(comment)")
            #expect(name != "weight", "\(key)=\(value) \(comment)")
        }
    }

    static let hostile = [
        "\"]; graph [concentrate=true, newrank=true]; x [sides=7, peripheries=40]; a -> b [weight=1e9]; y [label=\"",
        "concentrate=true", "weight=99999999", "<TD SIDES=\"LR\">", "\\\"]; newrank=true; //",
    ]

    /// A pathway whose every piece of text tries to set the attributes.
    func hostilePathway() -> Pathway {
        let text = Self.hostile.joined(separator: " ")
        return Pathway(
            title: text, area: text, organisations: [Organisation(id: "o", name: text, sector: .acute)],
            services: Self.hostile.enumerated().map { k, name in
                Service(id: "s\(k)", name: name, organisation: "o", entry: k == 0, functions: ["diagnosis"])
            },
            routes: (1..<Self.hostile.count).map { k in
                Route(from: "s0", to: "s\(k)", purpose: "diagnosis", volume: 1_000_000_000, note: Self.hostile[k])
            } + [Route(from: "s1", to: text)])
    }

    @Test(arguments: [(true, true), (false, false)])
    func userTextNeverSetsAnAttributeOnlyLabelsAndTooltips(_ lanes: Bool, _ labels: Bool) throws {
        let dot = servicesDOT(hostilePathway(), lanes: lanes, routeLabels: labels)
        try expectNoCrashingAttribute(dot, "lanes \(lanes), labels \(labels)")
        // What the user wrote shows as text.
        let svg = String(decoding: try Graphviz.shared.render(dot: dot, format: .svg), as: UTF8.self)
        #expect(svg.contains("concentrate=true") && svg.contains("weight=99999999"))
    }

    @Test func anImportedDrawingKeepsTheAttributesAsNotesNeverAsAttributes() throws {
        let source = """
            digraph {
              graph [concentrate=true, newrank=true, peripheries=3];
              subgraph cluster_a { peripheries=0; label="Trust"; a [sides=9, shape=polygon, peripheries=12]; b }
              a -> b [weight=2147483647];
              b -> a [weight="-1e300"];
            }
            """
        let pathway = try DOTImport.pathway(from: try Graphviz.shared.read(dot: source), title: "imported")
        #expect(pathway.notes?.contains("peripheries=12") == true && pathway.notes?.contains("sides=9") == true)
        for lanes in [true, false] {
            try expectNoCrashingAttribute(servicesDOT(pathway, lanes: lanes), "imported, lanes \(lanes)")
        }
        _ = try Graphviz.shared.render(dot: servicesDOT(pathway), format: .svg)
    }

    @Test(arguments: [
        "digraph { concentrate=true; a -> b }",
        "digraph { graph [newrank=true]; a -> b }",
        "digraph { newrank=false; a -> b }",
        "digraph { a [sides=5, shape=polygon]; a -> b }",
        "digraph { node [peripheries=3]; a -> b }",
        "digraph { subgraph cluster_x { peripheries=2; a } a -> b }",
        "digraph { subgraph cluster_x { concentrate=true; a } a -> b }",
        "digraph { a -> b [weight=1000000000] }",
        "digraph { edge [weight=101]; a -> b }",
        "digraph { a -> b [weight=nan] }",
    ])
    func graphvizIsNeverGivenThemWhateverTheSource(_ dot: String) throws {
        for format in [DiagramFormat.svg, .dot] {
            do {
                _ = try Graphviz.shared.render(dot: dot, format: format)
                Issue.record("\(dot) must be refused")
            } catch {
                #expect(error.message.contains("refused"), "\(error.message)")
            }
        }
        do {
            _ = try RenderWorker(executable: RenderWorkerTests.pathwayTool).render(dot: dot, format: .svg)
            Issue.record("\(dot) must be refused by the worker too")
        } catch {
            #expect(error.message.contains("refused"), "\(error.message)")
        }
    }

    @Test func modestWeightsAndOtherAttributesStillRender() throws {
        _ = try Graphviz.shared.render(
            dot: "digraph { a -> b [weight=100]; b -> c [weight=0.5]; c [shape=octagon] }", format: .svg)
    }
}
