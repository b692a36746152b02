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
/// - Complexity: O(|S| + |R|) for each of reachability, components (Tarjan), and the fewest
///   referrals and boundaries to each function (breadth-first and 0-1 breadth-first, per 64
///   functions, stopping once every function is reached); points of entry of F function words in ⌈F / 31⌉
///   searches, each O(31 · (|S| + |R|)) at worst; dominators by Semi-NCA in
///   O((|S| + |R|) log |S|); betweenness O(k · (|S| + |R|)) for k sources (every service up to
///   10,000 services, 1,000 sampled beyond). The independent searches run on two cores.
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
    /// Each patient profile's journey (section 4), by profile id.
    public var profiles: [String: ProfileJourney]

    public init(_ pathway: Pathway, graph: ServiceGraph? = nil, betweenness: Bool = true) {
        self.init(PathwayNetwork(pathway, graph: graph), betweenness: betweenness)
    }

    /// The metrics of a network. The independent searches run on two cores.
    public init(_ network: PathwayNetwork, betweenness: Bool = true) {
        let graph = network.graph
        let n = graph.count
        title = network.title
        services = n
        organisations = network.organisations
        routes = graph.arcCount
        sectors = network.sectors

        // One side: the dominator tree, the order of the ids and the nearest providers of each
        // function (searches that stop once all are found); the other: the components and the
        // points of entry. About as long each, at 10^6 services.
        let ((dominators, order, nearest), (components, doors)) = Parallel.both(
            {
                (
                    DominatorTree(graph), IDOrder(graph.ids),
                    graph.nearestProviders(network.functions.map(\.providers))
                )
            },
            {
                (
                    graph.stronglyConnectedComponents(),
                    graph.pointsOfEntry(functions: network.functions.map(\.providers))
                )
            })

        entryPoints = order.sorted(graph.entries.map { Int32($0) }, graph.ids)

        let all = network.functions
        func measure(_ range: Range<Int>) -> [(String, FunctionMetrics)] {
            range.map { f in
                let providers = all[f].providers
                let minReferrals = nearest.referrals[f]
                let minBoundaries = nearest.boundaries[f]
                return (
                    all[f].word,
                    FunctionMetrics(
                        providers: order.sorted(providers, graph.ids), pointsOfEntry: order.sorted(doors[f], graph.ids),
                        minReferrals: minReferrals, minBoundaries: minBoundaries)
                )
            }
        }
        let half = all.count / 2

        // The lists, half on each core.
        let (
            (crossing, unreachable, bottlenecks, overCapacity, early),
            (deadEnds, loops, late)
        ) = Parallel.both(
            {
                var crossing = 0
                graph.offsets.withUnsafeBufferPointer { offsets in
                    graph.targets.withUnsafeBufferPointer { targets in
                        graph.organisation.withUnsafeBufferPointer { organisation in
                            for v in 0..<n {
                                let own = organisation[v]
                                for k in offsets[v]..<offsets[v + 1] where organisation[Int(targets[k])] != own {
                                    crossing += 1
                                }
                            }
                        }
                    }
                }
                // No entry reaches them: the dominator tree's search from the entries did not.
                let unreachable = order.sorted(
                    (0..<n).filter { dominators.immediateDominator[$0] < 0 }.map { Int32($0) }, graph.ids)
                let bottlenecks = order.sorted(
                    (0..<n).filter { !graph.isEntry[$0] && dominators.dominatedCount[$0] > 0 }.map { Int32($0) }
                ).map { Bottleneck(id: graph.ids[Int($0)], dominates: dominators.dominatedCount[Int($0)]) }
                let overCapacity = order.sorted(
                    (0..<n).filter { network.capacity[$0] >= 0 && network.inboundVolume[$0] > network.capacity[$0] }
                        .map { Int32($0) }
                ).map {
                    CapacityExcess(
                        id: graph.ids[Int($0)], inbound: network.inboundVolume[Int($0)],
                        capacity: network.capacity[Int($0)])
                }
                return (crossing, unreachable, bottlenecks, overCapacity, measure(0..<half))
            },
            {
                let deadEnds = order.sorted(
                    (0..<n).filter { graph.offsets[$0] == graph.offsets[$0 + 1] && !graph.isTerminal[$0] }
                        .map { Int32($0) }, graph.ids)
                // "strongly connected components of (S, R) with more than one service, plus
                // services with a route to themselves"
                let (component, componentCount) = components
                var size = [Int32](repeating: 0, count: componentCount)
                for v in 0..<n { size[Int(component[v])] += 1 }
                var cyclic = size.map { $0 > 1 }
                for v in 0..<n where !cyclic[Int(component[v])] && graph.successors(of: v).contains(Int32(v)) {
                    cyclic[Int(component[v])] = true
                }
                var loopOf = [Int32](repeating: -1, count: componentCount)
                var loopMembers: [[Int32]] = []
                for v in 0..<n where cyclic[Int(component[v])] {
                    let c = Int(component[v])
                    if loopOf[c] < 0 {
                        loopOf[c] = Int32(loopMembers.count)
                        loopMembers.append([])
                    }
                    loopMembers[Int(loopOf[c])].append(Int32(v))
                }
                let rankedLoops = loopMembers.map { members in members.map { order.rank[Int($0)] }.sorted() }
                    .sorted { $0.lexicographicallyPrecedes($1) }
                let loops = rankedLoops.map { $0.map { graph.ids[Int(order.order[Int($0)])] } }
                return (deadEnds, loops, measure(half..<all.count))
            })
        crossBoundaryRoutes = crossing
        crossBoundaryShare = routes == 0 ? 0 : Double(crossing) / Double(routes)
        self.unreachable = unreachable
        self.deadEnds = deadEnds
        self.loops = loops
        self.bottlenecks = bottlenecks
        self.overCapacity = overCapacity
        orphanedRoutes = network.orphanedRoutes
        functions = Dictionary(uniqueKeysWithValues: early + late)

        // "Σ over organisations of (services it runs / |S|)²"
        var run = [Int](repeating: 0, count: graph.organisationIDs.count)
        for v in 0..<n { run[Int(graph.organisation[v])] += 1 }
        ownershipHHI = run.reduce(0.0) { $0 + (Double($1) / Double(n)) * (Double($1) / Double(n)) }

        if betweenness {
            let (values, sources) = graph.betweenness()
            self.betweenness = Dictionary(
                uniqueKeysWithValues: (0..<n).map { (graph.ids[$0], values[$0]) })
            betweennessSources = sources
        }
        profiles = Self.journeys(network)
    }

    /// Every profile's journey, two profiles at a time.
    static func journeys(_ network: PathwayNetwork) -> [String: ProfileJourney] {
        let profiles = network.profiles
        guard !profiles.isEmpty else { return [:] }
        let condensation = Condensation(network.graph)
        func every(from start: Int) -> [ProfileJourney] {
            stride(from: start, to: profiles.count, by: 2).map {
                Journeys.search(profiles[$0], in: network, condensation: condensation)
            }
        }
        let (even, odd) = Parallel.both({ every(from: 0) }, { every(from: 1) })
        var byID: [String: ProfileJourney] = [:]
        for (k, profile) in profiles.enumerated() where byID[profile.id] == nil {
            byID[profile.id] = k % 2 == 0 ? even[k / 2] : odd[k / 2]
        }
        return byID
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
        object["profiles"] = profilesJSON
        if let betweenness {
            object["betweenness"] = .object(betweenness.mapValues { .double($0) })
            if let sources = betweennessSources, sources < services {
                object["betweennessSources"] = .int(sources)
            }
        }
        return .object(object)
    }
}

extension PathwayMetrics {
    /// The `profiles` object of section 4: each profile's journey by profile id.
    var profilesJSON: JSONValue {
        .object(
            profiles.mapValues { p in
                .object([
                    "served": .bool(p.served),
                    "minReferrals": .optionalInt(p.minReferrals),
                    "minBoundaries": .optionalInt(p.minBoundaries),
                    "journey": .array(
                        p.journey.map { .object(["service": .string($0.service), "meets": .strings($0.meets)]) }),
                    "unmet": .optionalString(p.unmet),
                ])
            })
    }
}

/// The services in the order of their ids, to sort lists of services without comparing
/// strings.
struct IDOrder: Sendable {
    /// Vertices by id.
    let order: [Int32]
    /// Each vertex's place in `order`.
    let rank: [Int32]

    init(_ ids: IDTable) {
        order = ids.sortedOrder()
        var rank = [Int32](repeating: 0, count: order.count)
        for (k, v) in order.enumerated() { rank[Int(v)] = Int32(k) }
        self.rank = rank
    }

    /// `vertices` (distinct) in the order of their ids.
    func sorted(_ vertices: [Int32]) -> [Int32] {
        if vertices.count > order.count / 8 {
            // A large share of all services: mark them, then read them off in id order.
            var marked = [Bool](repeating: false, count: order.count)
            for v in vertices { marked[Int(v)] = true }
            var out: [Int32] = []
            out.reserveCapacity(vertices.count)
            for v in order where marked[Int(v)] { out.append(v) }
            return out
        }
        if vertices.count < 256 { return vertices.sorted { rank[Int($0)] < rank[Int($1)] } }
        // By a radix sort of their ranks, in as few passes of up to 11 bits as the number of
        // services needs.
        var keys = vertices.map { UInt64(rank[Int($0)]) }
        var sorted = vertices
        let bits = max(1, Int.bitWidth - order.count.leadingZeroBitCount)
        let passes = (bits + 10) / 11
        IDTable.radixSort(&keys, carrying: &sorted, bits: bits, digit: (bits + passes - 1) / passes)
        return sorted
    }

    /// The ids of `vertices` (distinct), sorted.
    func sorted(_ vertices: [Int32], _ ids: IDTable) -> [String] {
        sorted(vertices).map { ids[Int($0)] }
    }
}
