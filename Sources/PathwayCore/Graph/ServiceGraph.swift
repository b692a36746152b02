/// The referral graph of a pathway in compressed-sparse-row form: services are vertices
/// `0..<count` in file order, and every route that joins two known services (the set R of
/// `shared/pathway-format.md` section 2) is an arc. Parallel routes and self-routes are kept,
/// so counts over R are counts over arcs.
///
/// Built once per pathway, immutable, and cheap to share across threads.
///
/// - Complexity: O(|S| + |R|) time and space to build.
public struct ServiceGraph: Sendable {
    /// Service ids by vertex, with a table from id back to vertex.
    public let ids: IDTable
    /// The arcs leaving `v` are `targets[offsets[v]..<offsets[v + 1]]`.
    public let offsets: [Int]
    public let targets: [Int32]
    /// The arcs entering `v` are `sources[reverseOffsets[v]..<reverseOffsets[v + 1]]`.
    public let reverseOffsets: [Int]
    public let sources: [Int32]
    /// Organisation index of each vertex (into `organisationIDs`).
    public let organisation: [Int32]
    public let organisationIDs: [String]
    public let isEntry: [Bool]
    public let isTerminal: [Bool]
    /// Entry vertices in ascending order.
    public let entries: [Int]

    public var count: Int { ids.count }
    public var arcCount: Int { targets.count }

    /// Vertex by service id.
    public var vertex: Lookup { Lookup(ids: ids) }

    /// `graph.vertex[id]`: the vertex of a service id, if the pathway has it.
    public struct Lookup: Sendable {
        let ids: IDTable
        public subscript(id: String) -> Int? { ids.index(of: id) }
    }

    public init(_ pathway: Pathway) {
        let n = pathway.services.count
        var table = IDTable(reservingCapacity: n)
        var organisationIndex: [String: Int32] = [:]
        var organisationIDs: [String] = []
        for organisation in pathway.organisations where organisationIndex[organisation.id] == nil {
            organisationIndex[organisation.id] = Int32(organisationIDs.count)
            organisationIDs.append(organisation.id)
        }
        var organisation = [Int32](repeating: 0, count: n)
        var isEntry = [Bool](repeating: false, count: n)
        var isTerminal = [Bool](repeating: false, count: n)
        for (v, service) in pathway.services.enumerated() {
            var id = service.id
            id.withUTF8 { _ = table.insert($0) }
            if let index = organisationIndex[service.organisation] {
                organisation[v] = index
            } else {
                organisationIndex[service.organisation] = Int32(organisationIDs.count)
                organisation[v] = Int32(organisationIDs.count)
                organisationIDs.append(service.organisation)
            }
            isEntry[v] = service.entry
            isTerminal[v] = service.terminal
        }
        precondition(table.count == n, "service ids must be distinct")
        var arcFrom: [Int32] = []
        var arcTo: [Int32] = []
        for route in pathway.routes {
            guard let a = table.index(of: route.from), let b = table.index(of: route.to) else { continue }
            arcFrom.append(Int32(a))
            arcTo.append(Int32(b))
        }
        self.init(
            ids: table, organisation: organisation, organisationIDs: organisationIDs, isEntry: isEntry,
            isTerminal: isTerminal, arcFrom: arcFrom, arcTo: arcTo)
    }

    /// The graph of services `ids` and the arcs `arcFrom[k] → arcTo[k]`, in the order of the
    /// routes they come from, each end a vertex.
    public init(
        ids: IDTable, organisation: [Int32], organisationIDs: [String], isEntry: [Bool], isTerminal: [Bool],
        arcFrom: [Int32], arcTo: [Int32]
    ) {
        let n = ids.count
        let m = arcFrom.count
        // Counting sort of the arcs by one end, stable: each vertex's arcs keep route order.
        func csr(_ keys: [Int32], _ values: [Int32]) -> ([Int], [Int32]) {
            var offsets = [Int](repeating: 0, count: n + 1)
            var out = [Int32](repeating: 0, count: m)
            keys.withUnsafeBufferPointer { keys in
                values.withUnsafeBufferPointer { values in
                    offsets.withUnsafeMutableBufferPointer { offsets in
                        out.withUnsafeMutableBufferPointer { out in
                            for key in keys { offsets[Int(key) + 1] += 1 }
                            for v in 0..<n { offsets[v + 1] += offsets[v] }
                            // Each vertex's start serves as its cursor, and ends as the next
                            // vertex's start: shifted back by one place after.
                            for k in 0..<m {
                                let key = Int(keys[k])
                                let at = offsets[key]
                                out[at] = values[k]
                                offsets[key] = at + 1
                            }
                            var v = n
                            while v > 0 {
                                offsets[v] = offsets[v - 1]
                                v -= 1
                            }
                            offsets[0] = 0
                        }
                    }
                }
            }
            return (offsets, out)
        }
        let ((forward, targets), (reverse, sources)) = Parallel.both({ csr(arcFrom, arcTo) }, { csr(arcTo, arcFrom) })
        self.offsets = forward
        self.targets = targets
        self.reverseOffsets = reverse
        self.sources = sources
        self.ids = ids
        self.organisation = organisation
        self.organisationIDs = organisationIDs
        self.isEntry = isEntry
        self.isTerminal = isTerminal
        self.entries = isEntry.indices.filter { isEntry[$0] }
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
