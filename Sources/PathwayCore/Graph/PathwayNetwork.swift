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

    public init(
        title: String, graph: ServiceGraph, organisations: Int, sectors: Int, capacity: [Int],
        inboundVolume: [Int], functions: [Function], orphanedRoutes: [Route]
    ) {
        self.title = title
        self.graph = graph
        self.organisations = organisations
        self.sectors = sectors
        self.capacity = capacity
        self.inboundVolume = inboundVolume
        self.functions = functions
        self.orphanedRoutes = orphanedRoutes
    }

    public init(_ pathway: Pathway, graph: ServiceGraph? = nil) {
        let graph = graph ?? ServiceGraph(pathway)
        let n = graph.count
        let sectorOf = Dictionary(
            pathway.organisations.map { ($0.id, $0.sector) }, uniquingKeysWith: { a, _ in a })
        var inbound = [Int](repeating: 0, count: n)
        for v in 0..<n {
            for k in graph.reverseOffsets[v]..<graph.reverseOffsets[v + 1] {
                inbound[v] += pathway.routes[Int(graph.reverseArcRoutes[k])].volume ?? 0
            }
        }
        var functionIndex: [String: Int] = [:]
        var functions: [Function] = []
        for (v, service) in pathway.services.enumerated() {
            for word in service.functions {
                if let k = functionIndex[word] {
                    functions[k].providers.append(Int32(v))
                } else {
                    functionIndex[word] = functions.count
                    functions.append(Function(word: word, providers: [Int32(v)]))
                }
            }
        }
        self.init(
            title: pathway.title, graph: graph, organisations: pathway.organisations.count,
            sectors: Set(pathway.services.compactMap { sectorOf[$0.organisation] }).count,
            capacity: pathway.services.map { $0.capacity ?? -1 }, inboundVolume: inbound,
            functions: functions, orphanedRoutes: pathway.orphanedRoutes)
    }
}
