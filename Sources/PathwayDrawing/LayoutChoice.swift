import GraphvizRenderer
import PathwayCore

/// The size and shape of a diagram: all that the choice of layout engine looks at.
public struct DiagramShape: Sendable, Equatable {
    /// Nodes to place: services, and the ghost boxes of orphaned routes.
    public var nodes: Int
    /// Edges to route: every route drawn.
    public var edges: Int
    /// How tangled the most tangled lane is: over the organisations, the largest product of
    /// the services an organisation runs and its routes that go round a referral loop inside
    /// it (both ends its own and in one strongly connected component, a route from a service
    /// to itself included). 0 for a pathway without loops.
    public var laneTangle: Int

    public init(nodes: Int, edges: Int, laneTangle: Int = 0) {
        self.nodes = nodes
        self.edges = edges
        self.laneTangle = laneTangle
    }
}

extension DiagramShape {
    /// The shape of a pathway's diagram: its services and the ghost boxes of missing services as
    /// nodes, its routes as edges, and its loops (`metrics.loops`) for the lane tangle.
    ///
    /// - Complexity: O(S + R) time and space for S services and R routes, given the metrics.
    public init(_ pathway: Pathway, metrics: PathwayMetrics) {
        var loopOf: [String: Int] = [:]
        for (k, loop) in metrics.loops.enumerated() {
            for id in loop { loopOf[id] = k }
        }
        var organisationOf: [String: String] = [:]
        var laneSize: [String: Int] = [:]
        for service in pathway.services where organisationOf[service.id] == nil {
            organisationOf[service.id] = service.organisation
            laneSize[service.organisation, default: 0] += 1
        }
        var missing: Set<String> = []
        var loopRoutes: [String: Int] = [:]
        for route in pathway.routes {
            for end in [route.from, route.to] where organisationOf[end] == nil { missing.insert(end) }
            if let lane = organisationOf[route.from], lane == organisationOf[route.to],
                let loop = loopOf[route.from], loop == loopOf[route.to]
            {
                loopRoutes[lane, default: 0] += 1
            }
        }
        let tangle = loopRoutes.map { lane, routes in routes * laneSize[lane]! }.max() ?? 0
        self.init(nodes: organisationOf.count + missing.count, edges: pathway.routes.count, laneTangle: tangle)
    }
}

/// Which Graphviz engine lays out a diagram when the user leaves it to the tool.
///
/// dot draws a pathway the way a reader expects (a lane per organisation, referrals flowing
/// left to right), but its cost grows much faster than the graph, and loops are what make it
/// slow: to rank the services it breaks every loop, and each edge that then runs back across
/// many ranks becomes a chain of virtual nodes that crossing minimisation and positioning must
/// place. Lanes help, because dot orders each lane on its own. Measured with Graphviz 2.43 on
/// generated pathway-like networks (3 routes a service, most within the organisation, most in
/// loops), its defaults took 2.4 s for 500 services in lanes of up to 125, but 23 s for 200
/// services in one lane and over a minute for 300; 21 s for 1,000 services in lanes, and more
/// than 15 minutes for 2,000. sfdp, a multilevel force-directed layout, ignores lanes and grows
/// about linearly: 0.6 s for 1,000 services, 1.4 s for 5,000 (with unlabelled routes).
///
/// So dot is chosen for a pathway-sized graph whose lanes are not too tangled, sfdp beyond:
/// up to ``dotNodeLimit`` nodes, ``dotEdgeLimit`` edges and a lane tangle
/// (``DiagramShape/laneTangle``) of ``dotTangleLimit``. Within those limits, and with
/// ``LayoutBudget``'s, every generated network measured took dot under 2 s (1.4 s for 500
/// services in lanes, 0.4 s for 500 hierarchical services in one lane); a little beyond the
/// tangle limit, 2 to 13 s. The sample pathways are far below every limit (at most 34
/// services, 73 routes and a tangle of 98).
public enum LayoutChoice {
    /// Nodes beyond which sfdp is chosen: no reader follows a larger diagram as a flow anyway.
    public static let dotNodeLimit = 500
    /// Edges beyond which sfdp is chosen.
    public static let dotEdgeLimit = 1_500
    /// Lane tangle beyond which sfdp is chosen.
    public static let dotTangleLimit = 50_000

    /// The engine for a diagram of this shape: dot or sfdp.
    ///
    /// - Complexity: O(1).
    public static func engine(for shape: DiagramShape) -> LayoutEngine {
        let fitsDot = shape.nodes <= dotNodeLimit && shape.edges <= dotEdgeLimit && shape.laneTangle <= dotTangleLimit
        return fitsDot ? .dot : .sfdp
    }
}

/// How a diagram is drawn: the engine, and what the drawing can afford at its size.
public struct LayoutPlan: Sendable, Equatable {
    public var engine: LayoutEngine
    /// A lane (cluster) per organisation: only dot draws clusters.
    public var lanes: Bool
    /// Labels on edges: placing thousands of external labels costs Graphviz more than the
    /// layout itself (sfdp took 1.5 s for 5,000 services and 15,000 routes without them, 12 s
    /// with them).
    public var edgeLabels: Bool

    /// Edges up to which edges are labelled.
    public static let labelledEdgeLimit = 1_500

    /// The plan for a diagram of `shape`, with `engine` if the user chose one, else the engine
    /// ``LayoutChoice`` picks.
    public init(engine: LayoutEngine? = nil, shape: DiagramShape) {
        self.engine = engine ?? LayoutChoice.engine(for: shape)
        lanes = self.engine == .dot
        edgeLabels = shape.edges <= Self.labelledEdgeLimit
    }

    public init(engine: LayoutEngine, lanes: Bool, edgeLabels: Bool) {
        self.engine = engine
        self.lanes = lanes
        self.edgeLabels = edgeLabels
    }
}
