/// The referral graph of a pathway in compressed-sparse-row form: services are vertices
/// `0..<count` in file order, and every route that joins two known services (the set R of
/// `shared/pathway-format.md` section 2) is an arc. Parallel routes and self-routes are kept,
/// so counts over R are counts over arcs.
///
/// Built once per pathway, immutable, and cheap to share across threads.
///
/// - Complexity: O(|S| + |R|) time and space to build.
public struct ServiceGraph: Sendable {
    /// Service ids by vertex.
    public let ids: [String]
    /// Vertex by service id.
    public let vertex: [String: Int]
    /// The arcs leaving `v` are `targets[offsets[v]..<offsets[v + 1]]`.
    public let offsets: [Int]
    public let targets: [Int32]
    /// For each forward arc, the index of its route in `Pathway.routes`.
    public let arcRoutes: [Int32]
    /// The arcs entering `v` are `sources[reverseOffsets[v]..<reverseOffsets[v + 1]]`.
    public let reverseOffsets: [Int]
    public let sources: [Int32]
    /// For each reverse arc, the index of its route in `Pathway.routes`.
    public let reverseArcRoutes: [Int32]
    /// Organisation index of each vertex (into `organisationIDs`).
    public let organisation: [Int32]
    public let organisationIDs: [String]
    public let isEntry: [Bool]
    public let isTerminal: [Bool]
    /// Entry vertices in ascending order.
    public let entries: [Int]

    public var count: Int { ids.count }
    public var arcCount: Int { targets.count }

    public init(_ pathway: Pathway) {
        let n = pathway.services.count
        var ids: [String] = []
        ids.reserveCapacity(n)
        var vertex: [String: Int] = [:]
        vertex.reserveCapacity(n)
        for (v, service) in pathway.services.enumerated() {
            ids.append(service.id)
            vertex[service.id] = v
        }
        var organisationIndex: [String: Int32] = [:]
        var organisationIDs: [String] = []
        for organisation in pathway.organisations where organisationIndex[organisation.id] == nil {
            organisationIndex[organisation.id] = Int32(organisationIDs.count)
            organisationIDs.append(organisation.id)
        }
        var organisation = [Int32](repeating: 0, count: n)
        var isEntry = [Bool](repeating: false, count: n)
        var isTerminal = [Bool](repeating: false, count: n)
        var entries: [Int] = []
        for (v, service) in pathway.services.enumerated() {
            if let index = organisationIndex[service.organisation] {
                organisation[v] = index
            } else {
                organisationIndex[service.organisation] = Int32(organisationIDs.count)
                organisation[v] = Int32(organisationIDs.count)
                organisationIDs.append(service.organisation)
            }
            isEntry[v] = service.entry
            isTerminal[v] = service.terminal
            if service.entry { entries.append(v) }
        }

        // Resolve routes to arcs, then counting-sort them by source and by target.
        var arcFrom: [Int32] = []
        var arcTo: [Int32] = []
        var arcRoute: [Int32] = []
        for (r, route) in pathway.routes.enumerated() {
            guard let a = vertex[route.from], let b = vertex[route.to] else { continue }
            arcFrom.append(Int32(a))
            arcTo.append(Int32(b))
            arcRoute.append(Int32(r))
        }
        let m = arcFrom.count
        func csr(_ keys: [Int32], _ values: [Int32]) -> ([Int], [Int32], [Int32]) {
            var offsets = [Int](repeating: 0, count: n + 1)
            for key in keys { offsets[Int(key) + 1] += 1 }
            for v in 0..<n { offsets[v + 1] += offsets[v] }
            var cursor = offsets
            var out = [Int32](repeating: 0, count: m)
            var routes = [Int32](repeating: 0, count: m)
            for k in 0..<m {
                let key = Int(keys[k])
                out[cursor[key]] = values[k]
                routes[cursor[key]] = arcRoute[k]
                cursor[key] += 1
            }
            return (offsets, out, routes)
        }
        (offsets, targets, arcRoutes) = csr(arcFrom, arcTo)
        (reverseOffsets, sources, reverseArcRoutes) = csr(arcTo, arcFrom)
        self.ids = ids
        self.vertex = vertex
        self.organisation = organisation
        self.organisationIDs = organisationIDs
        self.isEntry = isEntry
        self.isTerminal = isTerminal
        self.entries = entries
    }

    @inline(__always)
    public func successors(of v: Int) -> ArraySlice<Int32> {
        targets[offsets[v]..<offsets[v + 1]]
    }

    @inline(__always)
    public func predecessors(of v: Int) -> ArraySlice<Int32> {
        sources[reverseOffsets[v]..<reverseOffsets[v + 1]]
    }

    /// Whether the arc at forward position `k`, from `v`, crosses an organisation boundary.
    @inline(__always)
    public func crossesBoundary(from v: Int, arc k: Int) -> Bool {
        organisation[v] != organisation[Int(targets[k])]
    }
}
