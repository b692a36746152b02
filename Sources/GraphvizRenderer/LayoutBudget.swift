/// Graph attributes that bound the work of a layout on a large graph, so that it ends in a time
/// that grows with the graph instead of running on.
///
/// For dot: `nslimit` 0.2 (positioning's network simplex stops after 0.2 × nodes iterations),
/// `mclimit` 0.2 (a fifth of the crossing-minimisation passes) and `searchsize` 10 (of 30
/// edges searched for a better cut). Measured: 500 services in lanes from 2.4 s (10 s on a busy
/// machine) to 1.4 s, 1,000 from 21 s to 3 s, 200 services in one tangled lane from 23 s to
/// 1.4 s, 60 services with 600 routes from 4.2 s to 1 s. `nslimit1` (ranking) is left alone:
/// stopping the ranking early made dot 2.43 fail on clustered graphs ("lost edge").
///
/// For neato: `maxiter` 100, half the stress-majorisation iterations (2,000 services from 11 s
/// to 6.7 s); the all-pairs distances it starts from are not bounded, so beyond a few thousand
/// services neato runs into the time limit. For sfdp: `maxiter` 300, a cap that its multilevel
/// scheme does not reach on pathway-like networks (5,000 services took 1.4 s either way).
///
/// A graph of up to ``smallNodes`` nodes and ``smallEdges`` edges keeps Graphviz's defaults,
/// which finish it in well under a second and draw it best; every sample pathway is one.
public enum LayoutBudget {
    /// Nodes up to which a graph keeps Graphviz's defaults.
    public static let smallNodes = 100
    /// Edges up to which a graph keeps Graphviz's defaults.
    public static let smallEdges = 300

    /// The attributes for `engine` on a graph of `nodes` nodes and `edges` edges.
    ///
    /// - Complexity: O(1).
    public static func attributes(engine: LayoutEngine, nodes: Int, edges: Int) -> [(name: String, value: String)] {
        guard nodes > smallNodes || edges > smallEdges else { return [] }
        switch engine {
        case .dot: return [("nslimit", "0.2"), ("mclimit", "0.2"), ("searchsize", "10")]
        case .neato: return [("maxiter", "100")]
        case .sfdp: return [("maxiter", "300")]
        case .positioned: return []
        }
    }
}
