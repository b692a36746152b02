import CGraphviz
import Foundation

/// A DOT graph read by libcgraph, as plain values: clusters, nodes and edges with their
/// attributes (only those set to something other than the default).
public struct DOTGraph: Sendable, Equatable {
    public struct Cluster: Sendable, Equatable {
        public var name: String
        public var attributes: [String: String]
    }
    public struct Node: Sendable, Equatable {
        public var name: String
        /// The innermost cluster holding the node, if any.
        public var cluster: String?
        public var attributes: [String: String]
    }
    public struct Edge: Sendable, Equatable {
        public var tail: String
        public var head: String
        public var attributes: [String: String]
    }

    public var name: String
    public var attributes: [String: String]
    public var clusters: [Cluster]
    public var nodes: [Node]
    public var edges: [Edge]
}

extension Graphviz {
    /// Attributes that make Graphviz read local files: refused on import, never rendered
    /// (``refuseFileReadingAttributes(_:)``). `lib` names PostScript files to include;
    /// `_background` and the xdot drawing attributes may hold an image operation.
    public static let fileReadingAttributes: Set<String> = [
        "image", "imagepath", "shapefile", "fontpath", "fontnames", "stylesheet", "lib", "_background",
        "_draw_", "_ldraw_", "_hdraw_", "_tdraw_", "_hldraw_", "_tldraw_",
    ]

    /// Attributes that crash Graphviz 2.43's layouts or run them away (`concentrate` and
    /// `newrank` in dot's rank and merge phases, `sides` and `peripheries` in its shape code):
    /// refused by ``render(dot:engine:format:)``, never written by the tool, never imported.
    public static let crashingAttributes: [String] = ["concentrate", "newrank", "sides", "peripheries"]

    /// The largest edge `weight` a layout is given: dot's network simplex multiplies weights
    /// into integer costs, and a huge weight overflows them.
    public static let maxEdgeWeight = 100.0

    /// Reads DOT text with libcgraph. Malformed DOT gives Graphviz's message with its line.
    public func read(dot: String) throws(GraphvizError) -> DOTGraph {
        lock.lock()
        defer { lock.unlock() }
        let graph = try parse(dot)
        defer { agclose(graph) }
        try refuseFileReadingAttributes(graph)

        // A root graph's attribute has its value as its default, so nothing is compared there.
        func attributes(_ object: UnsafeMutableRawPointer, kind: Int32, root: Bool = false) -> [String: String] {
            var result: [String: String] = [:]
            var symbol = pathway_agnxtattr(graph, kind, nil)
            while let s = symbol {
                let name = String(cString: s.pointee.name)
                if let value = pathway_agget(object, s.pointee.name) {
                    let text = String(cString: value)
                    let fallback = s.pointee.defval.map { String(cString: $0) } ?? ""
                    if !text.isEmpty && (root || text != fallback) { result[name] = text }
                }
                symbol = pathway_agnxtattr(graph, kind, s)
            }
            return result
        }

        var clusters: [DOTGraph.Cluster] = []
        var clusterOf: [String: String] = [:]
        // Depth-first over subgraphs with an explicit stack; inner clusters win.
        var stack: [(UnsafeMutablePointer<Agraph_t>, String?)] = [(graph, nil)]
        while let (g, enclosing) = stack.popLast() {
            var sub = agfstsubg(g)
            var children: [(UnsafeMutablePointer<Agraph_t>, String?)] = []
            while let s = sub {
                let name = String(cString: agnameof(s))
                var owner = enclosing
                if name.hasPrefix("cluster") {
                    clusters.append(
                        .init(
                            name: name, attributes: attributes(UnsafeMutableRawPointer(s), kind: pathway_kind_graph())))
                    owner = name
                    var node = agfstnode(s)
                    while let n = node {
                        clusterOf[String(cString: agnameof(n))] = name
                        node = agnxtnode(s, n)
                    }
                }
                children.append((s, owner))
                sub = agnxtsubg(s)
            }
            stack.append(contentsOf: children.reversed())
        }

        var nodes: [DOTGraph.Node] = []
        var edges: [DOTGraph.Edge] = []
        var node = agfstnode(graph)
        while let n = node {
            let name = String(cString: agnameof(n))
            nodes.append(
                .init(
                    name: name, cluster: clusterOf[name],
                    attributes: attributes(UnsafeMutableRawPointer(n), kind: pathway_kind_node())))
            var edge = agfstout(graph, n)
            while let e = edge {
                edges.append(
                    .init(
                        tail: String(cString: agnameof(pathway_agtail(e))),
                        head: String(cString: agnameof(pathway_aghead(e))),
                        attributes: attributes(UnsafeMutableRawPointer(e), kind: pathway_kind_edge())))
                edge = agnxtout(graph, e)
            }
            node = agnxtnode(graph, n)
        }
        return DOTGraph(
            name: String(cString: agnameof(graph)),
            attributes: attributes(UnsafeMutableRawPointer(graph), kind: pathway_kind_graph(), root: true),
            clusters: clusters, nodes: nodes, edges: edges)
    }
}
