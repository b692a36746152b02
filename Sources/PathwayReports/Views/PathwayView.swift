import PathwayCore

/// One way of drawing a pathway, small enough to read for the question it answers
/// (`shared/pathway-format.md` section 6): every service, one box per organisation, how
/// patients reach one function, or who refers to one service and where it refers on.
public enum PathwayView: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// Every service and route.
    case services
    /// One box per organisation that runs a service; one arrow per pair of organisations that
    /// refer to each other, with the summed volume.
    case organisations
    /// The entries, the points of entry and the other providers of the function, and the
    /// services on shortest referral paths from an entry to a provider.
    case function(String)
    /// The service, the services that refer to it within `depth` referrals, and those it
    /// refers to within `depth`.
    case focus(String, depth: Int)
    /// A patient profile's journey: the services it passes, each with the needs met there; or,
    /// when it has none, its entries and the furthest services it reaches.
    case profile(String)

    /// The deepest `focus:S:DEPTH` allowed: beyond it a focus view is the whole pathway.
    public static let deepestFocus = 10

    /// Reads `services`, `organisations`, `function:F`, `focus:S[:DEPTH]` or `profile:P`.
    public init(parsing text: String) throws(ViewError) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        switch (parts[0], parts.count) {
        case ("services", 1): self = .services
        case ("organisations", 1), ("organizations", 1): self = .organisations
        case ("function", 2) where !parts[1].isEmpty: self = .function(parts[1])
        case ("focus", 2) where !parts[1].isEmpty: self = .focus(parts[1], depth: 1)
        case ("focus", 3) where !parts[1].isEmpty:
            guard let depth = Int(parts[2]), depth >= 1, depth <= Self.deepestFocus else {
                throw ViewError(
                    "the depth of 'focus:\(parts[1]):\(parts[2])' must be a whole number of referrals from 1 to "
                        + "\(Self.deepestFocus)")
            }
            self = .focus(parts[1], depth: depth)
        case ("profile", 2) where !parts[1].isEmpty: self = .profile(parts[1])
        default:
            throw ViewError(
                "unknown view '\(text)': use services, organisations, function:F (a function word), "
                    + "focus:S[:DEPTH] (a service id) or profile:P (a patient profile id)")
        }
    }

    public var description: String {
        switch self {
        case .services: "services"
        case .organisations: "organisations"
        case .function(let word): "function:\(word)"
        case .focus(let id, let depth): depth == 1 ? "focus:\(id)" : "focus:\(id):\(depth)"
        case .profile(let id): "profile:\(id)"
        }
    }

    /// A name for files: `organisations`, `function-diagnosis`, `focus-memory-service`.
    public var fileName: String {
        description.replacingOccurrences(of: ":", with: "-")
    }

    /// The drawing of this view of `pathway`.
    ///
    /// - Throws: ``ViewError`` when the view names a function no service offers or a service the
    ///   pathway does not have; the message lists what it does have.
    public func diagram(_ pathway: Pathway, metrics: PathwayMetrics? = nil) throws(ViewError) -> Diagram {
        let metrics = metrics ?? PathwayMetrics(pathway, betweenness: false)
        switch self {
        case .services:
            return ServiceDiagram(pathway, metrics: metrics).diagram(of: nil)
        case .organisations:
            return OrganisationsView.diagram(pathway, metrics: metrics)
        case .function(let word):
            return try FunctionView.diagram(pathway, metrics: metrics, function: word)
        case .focus(let id, let depth):
            return try FocusView.diagram(pathway, metrics: metrics, service: id, depth: depth)
        case .profile(let id):
            return try ProfileView.diagram(pathway, metrics: metrics, profile: id)
        }
    }

    /// Checks that the view can be drawn of `pathway`, without drawing it.
    public func validate(for pathway: Pathway) throws(ViewError) {
        switch self {
        case .services, .organisations: return
        case .function(let word): _ = try FunctionView.providers(of: word, in: pathway)
        case .focus(let id, _): _ = try FocusView.index(of: id, in: pathway)
        case .profile(let id): _ = try ProfileView.profile(id, in: pathway)
        }
    }
}

/// A view that cannot be drawn of a pathway, and why.
public struct ViewError: Error, Sendable, Equatable, CustomStringConvertible {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}

/// A view's drawing of a pathway's services: which services it takes, and how it marks them;
/// every route between two of them becomes one arrow per pair of services.
struct ServiceDiagram {
    let pathway: Pathway
    let metrics: PathwayMetrics
    let organisationOf: [String: Organisation]
    let serviceIndex: [String: Int]

    init(_ pathway: Pathway, metrics: PathwayMetrics) {
        self.pathway = pathway
        self.metrics = metrics
        organisationOf = Dictionary(pathway.organisations.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var index: [String: Int] = [:]
        for (k, service) in pathway.services.enumerated() where index[service.id] == nil { index[service.id] = k }
        serviceIndex = index
    }

    /// The diagram of the services whose indices are in `included` (every service when nil),
    /// with the roles given, the routes among them, and the orphaned routes of those services.
    func diagram(
        of included: Set<Int>?, roles: [Int: Diagram.Role] = [:], subtitle: String? = nil, function: String? = nil
    ) -> Diagram {
        let unreachable = Set(metrics.unreachable)
        let deadEnds = Set(metrics.deadEnds)
        var diagram = Diagram(title: Self.title(pathway), subtitle: subtitle.map { Diagram.wrap($0, width: 64) })
        var laneOf: [String: Int] = [:]
        var nodeOf: [Int: Int] = [:]
        for (k, service) in pathway.services.enumerated() where serviceIndex[service.id] == k {
            guard included?.contains(k) ?? true else { continue }
            let organisation = organisationOf[service.organisation]
            var lane: Int?
            if let organisation {
                if laneOf[organisation.id] == nil {
                    laneOf[organisation.id] = diagram.lanes.count
                    diagram.lanes.append(
                        Diagram.Lane(
                            key: "org:\(organisation.id)",
                            label: Diagram.wrap(Diagram.bounded(organisation.name), width: 30) + "\n"
                                + organisation.sector.rawValue,
                            sector: organisation.sector,
                            tooltip: "\(organisation.name) (\(organisation.id)), \(organisation.sector.rawValue)"))
                }
                lane = laneOf[organisation.id]
            }
            let role = roles[k] ?? .plain
            nodeOf[k] = diagram.nodes.count
            diagram.nodes.append(
                Self.node(
                    service, organisation: organisation, lane: lane, role: role, function: function,
                    unreachable: unreachable.contains(service.id), deadEnd: deadEnds.contains(service.id)))
        }
        var ghostOf: [String: Int] = [:]
        var ends: [(Int, Int, Route)] = []
        for route in pathway.routes {
            let from = serviceIndex[route.from].flatMap { nodeOf[$0] }
            let to = serviceIndex[route.to].flatMap { nodeOf[$0] }
            let fromKnown = serviceIndex[route.from] != nil
            let toKnown = serviceIndex[route.to] != nil
            // An orphaned route is drawn when its known end is: to a ghost box of the missing end.
            func ghost(_ id: String) -> Int {
                if let g = ghostOf[id] { return g }
                ghostOf[id] = diagram.nodes.count
                diagram.nodes.append(
                    Diagram.Node(
                        key: "ghost:\(id)", elementID: "ghost-\(id)",
                        label: "missing: " + Diagram.wrap(Diagram.bounded(id)), shape: .ghost,
                        tooltip: "'\(Diagram.bounded(id, to: 2_000))' is not a service of this pathway"))
                return ghostOf[id]!
            }
            switch (from, to) {
            case (let a?, let b?): ends.append((a, b, route))
            case (let a?, nil) where !toKnown: ends.append((a, ghost(route.to), route))
            case (nil, let b?) where !fromKnown: ends.append((ghost(route.from), b, route))
            case (nil, nil) where !fromKnown && !toKnown && included == nil:
                ends.append((ghost(route.from), ghost(route.to), route))
            default: continue
            }
        }
        diagram.edges = Self.arrows(
            ends, nodes: diagram.nodes,
            organisationOf: { self.pathway.services[self.serviceIndex[$0] ?? 0].organisation },
            known: { self.serviceIndex[$0] != nil })
        return diagram
    }

    static func node(
        _ service: Service, organisation: Organisation?, lane: Int?, role: Diagram.Role, function: String?,
        unreachable: Bool, deadEnd: Bool
    ) -> Diagram.Node {
        var notes: [String] = []
        switch role {
        case .pointOfEntry: notes.append("point of entry")
        case .provider: notes.append("offers \(function ?? "it")")
        case .subject, .plain, .context: break
        }
        if unreachable { notes.append("unreachable") }
        if deadEnd { notes.append("dead end") }
        var tip = "\(service.name) (\(service.id)), run by \(organisation?.name ?? service.organisation)"
        if service.entry { tip += "; entry point" }
        if service.terminal { tip += "; terminal" }
        if !service.functions.isEmpty { tip += "; offers " + service.functions.joined(separator: ", ") }
        if let capacity = service.capacity { tip += "; capacity \(capacity) a year" }
        if !service.replaces.isEmpty { tip += "; replaces " + service.replaces.joined(separator: ", ") }
        if unreachable { tip += "; no entry reaches it" }
        if deadEnd { tip += "; refers nowhere and is not terminal" }
        return Diagram.Node(
            key: "svc:\(service.id)", elementID: "svc-\(service.id)",
            label: Diagram.wrap(Diagram.bounded(service.name)),
            note: notes.isEmpty ? nil : "[" + notes.joined(separator: ", ") + "]", lane: lane,
            sector: organisation?.sector, shape: service.entry ? .entry : service.terminal ? .terminal : .service,
            role: role, unreachable: unreachable, deadEnd: deadEnd, tooltip: Diagram.bounded(tip, to: 2_000))
    }

    /// One arrow per pair of boxes: the routes between two boxes, in either direction, become
    /// one arrow (pointing both ways when they refer both ways) whose label lists the purposes
    /// and the summed volume of each way. Arrows come in the order of their first route.
    static func arrows(
        _ ends: [(Int, Int, Route)], nodes: [Diagram.Node], organisationOf: (String) -> String,
        known: (String) -> Bool
    ) -> [Diagram.Edge] {
        struct Pair: Hashable {
            var low: Int
            var high: Int
        }
        var order: [Pair] = []
        var routesOf: [Pair: [(Int, Int, Route)]] = [:]
        for end in ends {
            let pair = Pair(low: min(end.0, end.1), high: max(end.0, end.1))
            if routesOf[pair] == nil { order.append(pair) }
            routesOf[pair, default: []].append(end)
        }
        func flow(_ routes: [Route]) -> Diagram.Flow {
            var purposes: [String] = []
            for purpose in routes.compactMap(\.purpose) where !purposes.contains(purpose) { purposes.append(purpose) }
            let volumes = routes.compactMap(\.volume)
            return Diagram.Flow(
                purposes: purposes, volume: volumes.isEmpty ? nil : volumes.reduce(0, +), routes: routes.count)
        }
        return order.map { pair in
            let routes = routesOf[pair]!
            let (from, to) = (routes[0].0, routes[0].1)
            let forth = routes.filter { $0.0 == from && $0.1 == to }.map(\.2)
            let back = from == to ? [] : routes.filter { $0.0 == to }.map(\.2)
            let all = routes.map(\.2)
            let orphaned = all.contains { !known($0.from) || !known($0.to) }
            let crossing = !orphaned && organisationOf(all[0].from) != organisationOf(all[0].to)
            var tip: [String] = []
            for route in all.prefix(20) {
                var line = "\(route.from) → \(route.to)"
                if let purpose = route.purpose { line += " for \(purpose)" }
                line += ", \(route.kind.rawValue)"
                if let volume = route.volume { line += ", \(volume) referrals a year" }
                if crossing { line += ", crosses from \(organisationOf(route.from)) to \(organisationOf(route.to))" }
                if !known(route.from) || !known(route.to) { line += ": ORPHANED, names a service that does not exist" }
                if let note = route.note { line += " (\(Diagram.bounded(note)))" }
                tip.append(line)
            }
            if all.count > 20 { tip.append("and \(all.count - 20) more routes") }
            return Diagram.Edge(
                key: "\(nodes[pair.low].key)|\(nodes[pair.high].key)", from: from, to: to, forth: flow(forth),
                back: back.isEmpty ? nil : flow(back), informal: all.allSatisfy { $0.kind == .informal },
                crossing: crossing, orphaned: orphaned, tooltip: Diagram.bounded(tip.joined(separator: "\n"), to: 4_000)
            )
        }
    }

    /// The pathway's title, then its area and date.
    static func title(_ pathway: Pathway) -> String {
        var parts = [Diagram.bounded(pathway.title)]
        let context = [pathway.area, pathway.asOf].compactMap { $0 }.map { Diagram.bounded($0) }
        if !context.isEmpty { parts.append(context.joined(separator: ", ")) }
        return Diagram.wrap(parts.joined(separator: "\n"), width: 64)
    }
}
