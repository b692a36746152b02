/// What `shared/pathway-format.md` section 2 says of one function.
public struct FunctionMetrics: Sendable, Equatable {
    /// "ids of services offering F, sorted"
    public var providers: [String]
    /// "the providers of F that a patient can reach first: an entry that offers F, or a provider
    /// reached from an entry by a path none of whose earlier services offers F; sorted"
    public var pointsOfEntry: [String]
    /// "fewest routes on a path from an entry to a provider of F (0 if an entry offers F);
    /// null if none is reachable"
    public var minReferrals: Int?
    /// "fewest boundary-crossing routes on any path from an entry to a provider of F; null if
    /// none is reachable"
    public var minBoundaries: Int?

    public init(providers: [String], pointsOfEntry: [String], minReferrals: Int?, minBoundaries: Int?) {
        self.providers = providers
        self.pointsOfEntry = pointsOfEntry
        self.minReferrals = minReferrals
        self.minBoundaries = minBoundaries
    }

    /// A function a pathway does not offer: no providers, no points of entry, not reachable.
    public static let absent = FunctionMetrics(providers: [], pointsOfEntry: [], minReferrals: nil, minBoundaries: nil)

    /// "`pointsOfEntry` has exactly one element"
    public var singlePointOfEntry: Bool { pointsOfEntry.count == 1 }
}

/// A service that every route from the entries to some other services passes through.
public struct Bottleneck: Sendable, Equatable {
    public var id: String
    /// How many services it strictly dominates.
    public var dominates: Int
}

/// A service whose inbound referral volume exceeds its capacity.
public struct CapacityExcess: Sendable, Equatable {
    public var id: String
    public var inbound: Int
    public var capacity: Int
}

/// Every fragmentation metric of `shared/pathway-format.md` section 2, computed exactly as
/// defined there, plus betweenness.
///
/// - Complexity: O(|S| + |R|) for each of reachability, components, hop counts and boundary
///   counts; O(F · (|S| + |R|)) for points of entry over F function words; dominators by
///   Cooper–Harvey–Kennedy; betweenness O(k · (|S| + |R|)) for k sources.
public struct PathwayMetrics: Sendable {
    public var title: String
    public var services: Int
    public var organisations: Int
    /// Routes in R: routes that join two known services.
    public var routes: Int
    public var sectors: Int
    public var entryPoints: [String]
    public var crossBoundaryRoutes: Int
    public var crossBoundaryShare: Double
    public var ownershipHHI: Double
    public var unreachable: [String]
    public var deadEnds: [String]
    public var loops: [[String]]
    public var bottlenecks: [Bottleneck]
    public var orphanedRoutes: [Route]
    public var overCapacity: [CapacityExcess]
    public var functions: [String: FunctionMetrics]
    /// By service id; nil when not computed.
    public var betweenness: [String: Double]?
    /// How many source services the betweenness used (all services when exact).
    public var betweennessSources: Int?

    public init(_ pathway: Pathway, graph: ServiceGraph? = nil, betweenness: Bool = true) {
        let graph = graph ?? ServiceGraph(pathway)
        let n = graph.count
        title = pathway.title
        services = n
        organisations = pathway.organisations.count
        routes = graph.arcCount

        // "number of distinct sectors among organisations that run at least one service"
        let sectorOf = Dictionary(
            pathway.organisations.map { ($0.id, $0.sector) }, uniquingKeysWith: { a, _ in a })
        sectors = Set(pathway.services.compactMap { sectorOf[$0.organisation] }).count

        entryPoints = graph.entries.map { graph.ids[$0] }.sorted()

        var crossing = 0
        for v in 0..<n {
            for k in graph.offsets[v]..<graph.offsets[v + 1] where graph.crossesBoundary(from: v, arc: k) {
                crossing += 1
            }
        }
        crossBoundaryRoutes = crossing
        crossBoundaryShare = routes == 0 ? 0 : Double(crossing) / Double(routes)

        // "Σ over organisations of (services it runs / |S|)²"
        var run = [Int](repeating: 0, count: graph.organisationIDs.count)
        for v in 0..<n { run[Int(graph.organisation[v])] += 1 }
        ownershipHHI = run.reduce(0.0) { $0 + (Double($1) / Double(n)) * (Double($1) / Double(n)) }

        let reached = graph.reachable(from: graph.entries)
        unreachable = (0..<n).filter { !reached[$0] }.map { graph.ids[$0] }.sorted()

        deadEnds = (0..<n).filter { graph.offsets[$0] == graph.offsets[$0 + 1] && !graph.isTerminal[$0] }
            .map { graph.ids[$0] }.sorted()

        // "strongly connected components of (S, R) with more than one service, plus services
        // with a route to themselves"
        let (component, componentCount) = graph.stronglyConnectedComponents()
        var members = [[String]](repeating: [], count: componentCount)
        for v in 0..<n { members[Int(component[v])].append(graph.ids[v]) }
        var cyclic = [Bool](repeating: false, count: componentCount)
        for c in 0..<componentCount where members[c].count > 1 { cyclic[c] = true }
        for v in 0..<n where graph.successors(of: v).contains(Int32(v)) { cyclic[Int(component[v])] = true }
        loops = (0..<componentCount).filter { cyclic[$0] }.map { members[$0].sorted() }
            .sorted { $0.lexicographicallyPrecedes($1) }

        let dominators = DominatorTree(graph)
        bottlenecks = (0..<n).filter { !graph.isEntry[$0] && dominators.dominatedCount[$0] > 0 }
            .map { Bottleneck(id: graph.ids[$0], dominates: dominators.dominatedCount[$0]) }
            .sorted { $0.id < $1.id }

        orphanedRoutes = pathway.orphanedRoutes

        var inbound = [Int](repeating: 0, count: n)
        for v in 0..<n {
            for k in graph.reverseOffsets[v]..<graph.reverseOffsets[v + 1] {
                inbound[v] += pathway.routes[Int(graph.reverseArcRoutes[k])].volume ?? 0
            }
        }
        overCapacity = pathway.services.enumerated().compactMap { v, service in
            guard let capacity = service.capacity, inbound[v] > capacity else { return nil }
            return CapacityExcess(id: service.id, inbound: inbound[v], capacity: capacity)
        }.sorted { $0.id < $1.id }

        let referrals = graph.referralsFromEntries().distance
        let boundaries = graph.boundariesFromEntries()
        var functions: [String: FunctionMetrics] = [:]
        for (word, providers) in ServiceGraph.providers(in: pathway) {
            let first = graph.firstReach(providers: providers)
            let reachedProviders = providers.filter { referrals[$0] >= 0 }
            functions[word] = FunctionMetrics(
                providers: providers.map { graph.ids[$0] }.sorted(),
                pointsOfEntry: providers.filter { first[$0] != ServiceGraph.unseen }.map { graph.ids[$0] }.sorted(),
                minReferrals: reachedProviders.map { Int(referrals[$0]) }.min(),
                minBoundaries: reachedProviders.map { Int(boundaries[$0]) }.min())
        }
        self.functions = functions

        if betweenness {
            let (values, sources) = graph.betweenness()
            self.betweenness = Dictionary(
                uniqueKeysWithValues: (0..<n).map { (graph.ids[$0], values[$0]) })
            betweennessSources = sources
        }
    }

    /// The `metrics` JSON of `shared/pathway-format.md` section 3, with the extra keys
    /// `betweenness` (and `betweennessSources` when it was sampled).
    public var json: JSONValue {
        var object: [String: JSONValue] = [
            "pathway": .string(title),
            "services": .int(services),
            "organisations": .int(organisations),
            "routes": .int(routes),
            "sectors": .int(sectors),
            "entryPoints": .strings(entryPoints),
            "crossBoundaryRoutes": .int(crossBoundaryRoutes),
            "crossBoundaryShare": .double(crossBoundaryShare),
            "ownershipHHI": .double(ownershipHHI),
            "unreachable": .strings(unreachable),
            "deadEnds": .strings(deadEnds),
            "loops": .array(loops.map { .strings($0) }),
            "bottlenecks": .array(
                bottlenecks.map { .object(["id": .string($0.id), "dominates": .int($0.dominates)]) }),
            "orphanedRoutes": .array(
                orphanedRoutes.map {
                    .object([
                        "from": .string($0.from), "to": .string($0.to),
                        "purpose": .optionalString($0.purpose),
                    ])
                }),
            "overCapacity": .array(
                overCapacity.map {
                    .object([
                        "id": .string($0.id), "inbound": .int($0.inbound),
                        "capacity": .int($0.capacity),
                    ])
                }),
            "functions": .object(
                functions.mapValues {
                    .object([
                        "providers": .strings($0.providers),
                        "pointsOfEntry": .strings($0.pointsOfEntry),
                        "singlePointOfEntry": .bool($0.singlePointOfEntry),
                        "minReferrals": .optionalInt($0.minReferrals),
                        "minBoundaries": .optionalInt($0.minBoundaries),
                    ])
                }),
        ]
        if let betweenness {
            object["betweenness"] = .object(betweenness.mapValues { .double($0) })
            if let sources = betweennessSources, sources < services {
                object["betweennessSources"] = .int(sources)
            }
        }
        return .object(object)
    }
}
