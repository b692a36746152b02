/// What the metrics of `shared/pathway-format.md` section 2 read from a pathway, held column
/// by column: the referral graph, and per service its capacity and inbound referral volume.
///
/// Built from a ``Pathway`` for files of any size, or directly from a CSV pair by
/// ``CSVNetworkLoader`` for networks of millions of services, without a `Service` or `Route`
/// value per row.
public struct PathwayNetwork: Sendable {
    /// The providers of one function word: services in file order.
    public struct Function: Sendable {
        public var word: String
        public var providers: [Int32]

        public init(word: String, providers: [Int32]) {
            self.word = word
            self.providers = providers
        }
    }

    public var title: String
    public var graph: ServiceGraph
    /// Organisations the pathway names.
    public var organisations: Int
    /// Distinct sectors among organisations that run at least one service.
    public var sectors: Int
    /// Each service's capacity, or -1 when it has none.
    public var capacity: [Int]
    /// The sum of `volume` over the routes in R into each service.
    public var inboundVolume: [Int]
    /// Every function word offered by a service, in order of first mention.
    public var functions: [Function]
    /// Routes whose `from` or `to` names no service, in file order.
    public var orphanedRoutes: [Route]
    /// Each eligibility word, with the services that require it (as `providers`), in order
    /// of first mention.
    public var eligibility: [Function]
    /// Patient profiles, to be followed through the graph.
    public var profiles: [Profile]

    public init(
        title: String, graph: ServiceGraph, organisations: Int, sectors: Int, capacity: [Int],
        inboundVolume: [Int], functions: [Function], orphanedRoutes: [Route],
        eligibility: [Function] = [], profiles: [Profile] = []
    ) {
        self.title = title
        self.graph = graph
        self.organisations = organisations
        self.sectors = sectors
        self.capacity = capacity
        self.inboundVolume = inboundVolume
        self.functions = functions
        self.orphanedRoutes = orphanedRoutes
        self.eligibility = eligibility
        self.profiles = profiles
    }

    public init(_ pathway: Pathway, graph: ServiceGraph? = nil) {
        let graph = graph ?? ServiceGraph(pathway)
        let n = graph.count
        let sectorOf = Dictionary(
            pathway.organisations.map { ($0.id, $0.sector) }, uniquingKeysWith: { a, _ in a })
        // Over R: routes that join two known services.
        var inbound = [Int](repeating: 0, count: n)
        for route in pathway.routes {
            guard let volume = route.volume, graph.vertex[route.from] != nil, let to = graph.vertex[route.to] else {
                continue
            }
            inbound[to] += volume
        }
        self.init(
            title: pathway.title, graph: graph, organisations: pathway.organisations.count,
            sectors: Set(pathway.services.compactMap { sectorOf[$0.organisation] }).count,
            capacity: pathway.services.map { $0.capacity ?? -1 }, inboundVolume: inbound,
            functions: Self.index(pathway.services.map(\.functions)),
            orphanedRoutes: pathway.orphanedRoutes,
            eligibility: Self.index(pathway.services.map(\.eligibility)), profiles: pathway.profiles)
    }

    /// Each word of `words` (by service) with the services that list it, in order of first
    /// mention.
    static func index(_ words: [[String]]) -> [Function] {
        var wordIndex: [String: Int] = [:]
        var result: [Function] = []
        for (v, list) in words.enumerated() {
            for word in list {
                if let k = wordIndex[word] {
                    result[k].providers.append(Int32(v))
                } else {
                    wordIndex[word] = result.count
                    result.append(Function(word: word, providers: [Int32(v)]))
                }
            }
        }
        return result
    }

    /// The network with `profiles` (from a profiles file) after its own.
    ///
    /// - Throws: ``PathwayLoadError`` at the place in the profiles file of a duplicate
    ///   profile id or an entry that names no service.
    public func adding(profiles extra: [Profile]) throws(PathwayLoadError) -> PathwayNetwork {
        let lookup = graph.vertex
        let problems = ProfileRules.problems(
            adding: extra, to: profiles, hasService: { lookup[$0] != nil },
            serviceIDs: { [graph] in graph.count <= 10_000 ? (0..<graph.count).map { graph.ids[$0] } : [] })
        if !problems.isEmpty {
            throw PathwayLoadError(problems: Array(problems.prefix(YAMLPathwayLoader.maximumProblems)))
        }
        var result = self
        result.profiles += extra
        return result
    }
}
