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
            /// Observed referrals a year; nil when it may not be published (its label then says
            /// ``Observed/hiddenText``).
            public var volume: Int?

            public init(from: String, to: String, volume: Int?) {
                self.from = from
                self.to = to
                self.volume = volume
            }
        }

        /// Designed pairs patients took or did not; a pair missing here counts as not taken.
        public var designed: [Route]
        public var undesigned: [Route]
        /// Record services that match none of the design's.
        public var unknownServices: [String]
        /// Under the title: whose records, over what period.
        public var subtitle: String
        /// The label of a volume that may not be published (`<10/yr`).
        public var hiddenText: String
        /// The label of a zero volume when small counts are suppressed (`<10/yr`); nil shows `0/yr`.
        public var zeroText: String?

        public init(
            designed: [Route], undesigned: [Route], unknownServices: [String], subtitle: String,
            hiddenText: String = "not published", zeroText: String? = nil
        ) {
            self.designed = designed
            self.undesigned = undesigned
            self.unknownServices = unknownServices
            self.subtitle = subtitle
            self.hiddenText = hiddenText
            self.zeroText = zeroText
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
        // A designed arrow nobody took, either way, is dormant. A way whose volume may not be
        // published says so in its label instead (and a dormant way's zero, under suppression).
        let hiddenPairs = Set(observed.designed.filter { $0.volume == nil }.map { $0.from + "\u{0}" + $0.to })
        func ends(_ edge: Diagram.Edge) -> (String, String) {
            (String(diagram.nodes[edge.from].key.dropFirst(4)), String(diagram.nodes[edge.to].key.dropFirst(4)))
        }
        for k in diagram.edges.indices where !diagram.edges[k].orphaned {
            let (from, to) = ends(diagram.edges[k])
            let forthHidden = hiddenPairs.contains(from + "\u{0}" + to)
            let backHidden = diagram.edges[k].back != nil && hiddenPairs.contains(to + "\u{0}" + from)
            let ways = [diagram.edges[k].forth] + (diagram.edges[k].back.map { [$0] } ?? [])
            let taken = forthHidden || backHidden || ways.contains { ($0.volume ?? 0) > 0 }
            diagram.edges[k].observation = taken ? .used : .dormant
            func relabel(_ flow: inout Diagram.Flow, hidden: Bool) {
                if hidden {
                    flow.volume = nil
                    flow.purposes.append(observed.hiddenText)
                } else if flow.volume == 0, let zero = observed.zeroText {
                    flow.volume = nil
                    flow.purposes.append(zero)
                }
            }
            relabel(&diagram.edges[k].forth, hidden: forthHidden)
            if diagram.edges[k].back != nil { relabel(&diagram.edges[k].back!, hidden: backHidden) }
        }
        var index: [String: Int] = [:]
        for (k, node) in diagram.nodes.enumerated() { index[node.key] = k }
        for route in observed.undesigned {
            guard let from = index["svc:" + route.from], let to = index["svc:" + route.to] else { continue }
            let words = route.volume == nil ? ["not designed", observed.hiddenText] : ["not designed"]
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
