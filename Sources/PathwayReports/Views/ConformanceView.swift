import PathwayCore

/// The conformance diagram: a designed pathway with what patients did on it. Every designed
/// route is drawn with its observed volume a year (its line weight too); a designed route
/// nobody took is grey and dashed; a route patients took that nobody designed is drawn in
/// vermilion with its volume; services the records name that the design lacks are added, in
/// an organisation of their own.
public enum ConformanceView {
    /// What the records say of the design, in the design's ids, as the caller publishes it.
    public struct Observed: Sendable, Equatable {
        public struct Route: Sendable, Equatable {
            public var from: String
            public var to: String
            /// Observed referrals a year; nil when it may not be published.
            public var volume: Int?
            /// What the label says when `volume` is nil (`<10`).
            public var hidden: String?

            public init(from: String, to: String, volume: Int?, hidden: String? = nil) {
                self.from = from
                self.to = to
                self.volume = volume
                self.hidden = hidden
            }
        }

        /// Designed pairs patients took or did not; a pair missing here counts as not taken.
        public var designed: [Route]
        public var undesigned: [Route]
        /// Record services that match none of the design's.
        public var unknownServices: [String]
        /// Under the title: whose records, over what period.
        public var subtitle: String

        public init(designed: [Route], undesigned: [Route], unknownServices: [String], subtitle: String) {
            self.designed = designed
            self.undesigned = undesigned
            self.unknownServices = unknownServices
            self.subtitle = subtitle
        }
    }

    /// The organisation that runs the services only the records name.
    public static let recordsOnly = "not-in-the-design"

    public static func diagram(design: Pathway, observed: Observed) -> Diagram {
        var pathway = design
        let known = Set(design.services.map(\.id))
        var volumes: [String: Observed.Route] = [:]
        for route in observed.designed { volumes[route.from + "\u{0}" + route.to] = route }
        // The observed volume goes on the first route of each designed pair, so that the
        // arrow's sum is the pair's observed volume.
        var seen: Set<String> = []
        for k in pathway.routes.indices {
            let route = pathway.routes[k]
            guard known.contains(route.from), known.contains(route.to) else { continue }
            let key = route.from + "\u{0}" + route.to
            let first = seen.insert(key).inserted
            let observedRoute = volumes[key]
            pathway.routes[k].volume = first ? (observedRoute == nil ? 0 : observedRoute!.volume) : nil
        }
        let unknown = observed.unknownServices.filter { !known.contains($0) }
        if !unknown.isEmpty {
            pathway.organisations.append(Organisation(id: recordsOnly, name: "Not in the design", sector: .other))
            for id in unknown {
                pathway.services.append(Service(id: id, organisation: recordsOnly))
            }
        }
        let metrics = PathwayMetrics(pathway, betweenness: false)
        var diagram = ServiceDiagram(pathway, metrics: metrics).diagram(of: nil)
        diagram.subtitle = observed.subtitle
        // A pair that refers both ways, one way taken and the other not, becomes two arrows, so
        // that the way nobody took is drawn dormant.
        var split: [Diagram.Edge] = []
        for k in diagram.edges.indices {
            guard let back = diagram.edges[k].back, !diagram.edges[k].orphaned else { continue }
            let forthTaken = (diagram.edges[k].forth.volume ?? 0) > 0
            let backTaken = (back.volume ?? 0) > 0
            guard forthTaken != backTaken else { continue }
            var other = diagram.edges[k]
            other.key += "|back"
            other.back = nil
            if forthTaken {
                (other.from, other.to, other.forth) = (diagram.edges[k].to, diagram.edges[k].from, back)
            } else {
                (diagram.edges[k].from, diagram.edges[k].to, diagram.edges[k].forth) = (other.to, other.from, back)
            }
            diagram.edges[k].back = nil
            split.append(other)
        }
        diagram.edges += split
        // A designed arrow nobody took, either way, is dormant.
        let hiddenPairs = Set(observed.designed.filter { $0.volume == nil }.map { $0.from + "\u{0}" + $0.to })
        for k in diagram.edges.indices where !diagram.edges[k].orphaned {
            let edge = diagram.edges[k]
            let ways = [edge.forth] + (edge.back.map { [$0] } ?? [])
            let from = String(diagram.nodes[edge.from].key.dropFirst(4))
            let to = String(diagram.nodes[edge.to].key.dropFirst(4))
            let hidden = hiddenPairs.contains(from + "\u{0}" + to) || hiddenPairs.contains(to + "\u{0}" + from)
            diagram.edges[k].observation = !hidden && ways.allSatisfy { ($0.volume ?? 0) == 0 } ? .dormant : .used
            if hidden {
                let label = observed.designed.first { $0.volume == nil }?.hidden ?? "not published"
                diagram.edges[k].forth.purposes.append(label)
            }
        }
        var index: [String: Int] = [:]
        for (k, node) in diagram.nodes.enumerated() { index[node.key] = k }
        for route in observed.undesigned {
            guard let from = index["svc:" + route.from], let to = index["svc:" + route.to] else { continue }
            let words = route.volume == nil ? ["not designed", route.hidden ?? "not published"] : ["not designed"]
            let crossing =
                pathway.services.first { $0.id == route.from }?.organisation
                != pathway.services.first { $0.id == route.to }?.organisation
            diagram.edges.append(
                Diagram.Edge(
                    key: "undesigned:\(diagram.nodes[from].key)|\(diagram.nodes[to].key)", from: from, to: to,
                    forth: Diagram.Flow(purposes: words, volume: route.volume, routes: 1), crossing: crossing,
                    tooltip: "\(route.from) → \(route.to): taken by patients, not designed"
                        + (route.volume.map { ", \($0) a year" } ?? "")))
            diagram.edges[diagram.edges.count - 1].observation = .undesigned
        }
        return diagram
    }
}
