/// Where patients first reach one function, with the evidence a clinician will ask for.
public struct FunctionEntry: Sendable, Equatable {
    /// A point of entry and one shortest referral path to it from an entry, along which no
    /// earlier service offers the function (the path starts at an entry and ends at `id`).
    public struct Door: Sendable, Equatable {
        public var id: String
        public var path: [String]
    }

    public var function: String
    public var doors: [Door]
    /// Services every route from an entry to any provider of the function passes through,
    /// nearest to the function first: the common dominators of its reachable providers.
    public var bottlenecks: [String]

    public var singlePointOfEntry: Bool { doors.count == 1 }

    public var json: JSONValue {
        .object([
            "pointsOfEntry": .array(doors.map { .object(["id": .string($0.id), "path": .strings($0.path)]) }),
            "singlePointOfEntry": .bool(singlePointOfEntry),
            "bottlenecks": .strings(bottlenecks),
        ])
    }
}

extension ServiceGraph {
    /// Marks of "unseen" and "an entry" in ``firstReach(providers:)``'s parent links.
    public static let unseen: Int32 = -2
    public static let entryMark: Int32 = -1

    /// A breadth-first search from all entries that does not go on from a provider of the
    /// function: the providers it reaches are the function's points of entry
    /// (`shared/pathway-format.md`, `pointsOfEntry`), and its parent links give shortest paths
    /// to them along which no earlier service offers the function.
    ///
    /// - Returns: for each service, the service it was first reached from, ``entryMark`` for
    ///   an entry, or ``unseen``.
    /// - Complexity: O(|S| + |R|) time and O(|S|) space.
    public func firstReach(providers: [Int]) -> [Int32] {
        var isProvider = [Bool](repeating: false, count: count)
        for v in providers { isProvider[v] = true }
        var parent = [Int32](repeating: Self.unseen, count: count)
        var queue: [Int] = []
        for e in entries where parent[e] == Self.unseen {
            parent[e] = Self.entryMark
            queue.append(e)
        }
        var head = 0
        while head < queue.count {
            let v = queue[head]
            head += 1
            if isProvider[v] { continue }
            for w in successors(of: v) where parent[Int(w)] == Self.unseen {
                parent[Int(w)] = Int32(v)
                queue.append(Int(w))
            }
        }
        return parent
    }

    /// The function's points of entry (`shared/pathway-format.md`, `pointsOfEntry`): the
    /// providers that ``firstReach(providers:)`` reaches, in the order of `providers`, found by
    /// the same search without its parent links.
    ///
    /// - Complexity: O(|S| + |R|) time and O(|S|) space.
    public func pointsOfEntry(providers: [Int32]) -> [Int32] {
        let n = count
        // 1: seen; 2: a provider (the search does not go on from it).
        var state = [UInt8](repeating: 0, count: n)
        for v in providers { state[Int(v)] = 2 }
        var queue = [Int32](repeating: 0, count: n)
        state.withUnsafeMutableBufferPointer { state in
            queue.withUnsafeMutableBufferPointer { queue in
                offsets.withUnsafeBufferPointer { offsets in
                    targets.withUnsafeBufferPointer { targets in
                        var tail = 0
                        for e in entries where state[e] & 1 == 0 {
                            state[e] |= 1
                            queue[tail] = Int32(e)
                            tail += 1
                        }
                        var head = 0
                        while head < tail {
                            let v = Int(queue[head])
                            head += 1
                            if state[v] & 2 != 0 { continue }
                            for k in offsets[v]..<offsets[v + 1] {
                                let w = Int(targets[k])
                                if state[w] & 1 == 0 {
                                    state[w] |= 1
                                    queue[tail] = Int32(w)
                                    tail += 1
                                }
                            }
                        }
                    }
                }
            }
        }
        return providers.filter { state[Int($0)] & 1 != 0 }
    }

    /// ``pointsOfEntry(providers:)`` of many functions at once: one search per 31 functions
    /// instead of one each.
    ///
    /// Each service carries the set of functions for which some path reaches it from an entry
    /// with no earlier provider: entries carry every function, and a service passes on its
    /// set, less the functions it provides, along each route; a service goes back on the queue
    /// when its set grows, until none does. A provider of F whose set holds F is a point of
    /// entry of F.
    ///
    /// - Complexity: O(31 · (|S| + |R|)) time at worst per 31 functions, a few passes' worth
    ///   in practice; O(|S|) space.
    public func pointsOfEntry(functions: [[Int32]]) -> [[Int32]] {
        var result: [[Int32]] = []
        var first = 0
        while first < functions.count {
            result += pointsOfEntry(group: Array(functions[first..<min(first + 31, functions.count)]))
            first += 31
        }
        return result
    }

    private func pointsOfEntry(group: [[Int32]]) -> [[Int32]] {
        // Each service's word holds its set, whether it is queued, and the functions it
        // provides: one scattered read at each step of the search instead of three. The
        // narrowest word that holds the group.
        switch group.count {
        case ...7: pointsOfEntry(group: group, as: UInt16.self)
        case ...15: pointsOfEntry(group: group, as: UInt32.self)
        default: pointsOfEntry(group: group, as: UInt64.self)
        }
    }

    /// The search of ``pointsOfEntry(functions:)`` for up to `State.bitWidth / 2 - 1`
    /// functions. Bits `0..<half - 1` of a service's word are its set, bit `half - 1` says it
    /// is queued, and the bits from `half` the functions it provides.
    private func pointsOfEntry<State: FixedWidthInteger & UnsignedInteger>(
        group: [[Int32]], as _: State.Type
    ) -> [[Int32]] {
        let n = count
        let half = State.bitWidth / 2
        let queuedBit: State = 1 << (half - 1)
        var state = [State](repeating: 0, count: n)
        for (f, providers) in group.enumerated() {
            for v in providers { state[Int(v)] |= 1 << State(half + f) }
        }
        let all: State = (1 << State(group.count)) - 1
        var queue = [Int32](repeating: 0, count: n + 1)
        state.withUnsafeMutableBufferPointer { state in
            queue.withUnsafeMutableBufferPointer { queue in
                offsets.withUnsafeBufferPointer { offsets in
                    targets.withUnsafeBufferPointer { targets in
                        // A ring buffer: each service is in it at most once at a time.
                        let size = n + 1
                        var head = 0
                        var tail = 0
                        for e in entries where state[e] & queuedBit == 0 {
                            state[e] |= all | queuedBit
                            queue[tail] = Int32(e)
                            tail += 1
                        }
                        while head != tail {
                            let v = Int(queue[head])
                            head = head + 1 == size ? 0 : head + 1
                            let word = state[v] & ~queuedBit
                            state[v] = word
                            let out = word & all & ~(word >> State(half))
                            if out == 0 { continue }
                            for k in offsets[v]..<offsets[v + 1] {
                                let w = Int(targets[k])
                                let other = state[w]
                                if out & ~other == 0 { continue }
                                if other & queuedBit == 0 {
                                    queue[tail] = Int32(w)
                                    tail = tail + 1 == size ? 0 : tail + 1
                                }
                                state[w] = other | out | queuedBit
                            }
                        }
                    }
                }
            }
        }
        return group.enumerated().map { f, providers in
            providers.filter { state[Int($0)] & (1 << State(f)) != 0 }
        }
    }

    /// The providers of each function word offered by a service of `pathway`, in file order.
    public static func providers(in pathway: Pathway) -> [String: [Int]] {
        var providersOf: [String: [Int]] = [:]
        for (v, service) in pathway.services.enumerated() {
            for word in service.functions { providersOf[word, default: []].append(v) }
        }
        return providersOf
    }

    /// The points of entry of the function offered by `providers`, each with one shortest
    /// path from an entry that passes no earlier provider, and the services every route to
    /// the function passes.
    ///
    /// Points of entry and paths come from ``firstReach(providers:)``.
    ///
    /// - Complexity: O(|S| + |R|) time and O(|S|) space, plus the dominator tree if not given.
    public func entry(
        function: String, providers: [Int], dominators: DominatorTree? = nil
    ) -> FunctionEntry {
        let parent = firstReach(providers: providers)
        var doors: [FunctionEntry.Door] = []
        for v in providers where parent[v] != Self.unseen {
            var path = [ids[v]]
            var x = Int(parent[v])
            while x >= 0 {
                path.append(ids[x])
                x = Int(parent[x])
            }
            doors.append(.init(id: ids[v], path: path.reversed()))
        }
        doors.sort { $0.id < $1.id }

        // The common dominators of the reachable providers: the chain above their lowest
        // common ancestor in the dominator tree.
        let tree = dominators ?? DominatorTree(self)
        let reached = providers.filter { tree.immediateDominator[$0] != -1 }
        var bottlenecks: [String] = []
        if var common = reached.first {
            func depth(_ v: Int) -> Int {
                var d = 0
                var x = v
                while x != tree.root {
                    x = Int(tree.immediateDominator[x])
                    d += 1
                }
                return d
            }
            for v in reached.dropFirst() {
                var a = common
                var b = v
                var da = depth(a)
                var db = depth(b)
                while da > db {
                    a = Int(tree.immediateDominator[a])
                    da -= 1
                }
                while db > da {
                    b = Int(tree.immediateDominator[b])
                    db -= 1
                }
                while a != b {
                    a = Int(tree.immediateDominator[a])
                    b = Int(tree.immediateDominator[b])
                }
                common = a
            }
            var x = common
            while x != tree.root {
                bottlenecks.append(ids[x])
                x = Int(tree.immediateDominator[x])
            }
        }
        return FunctionEntry(function: function, doors: doors, bottlenecks: bottlenecks)
    }

    /// ``entry(function:providers:dominators:)`` for every function word of `pathway`, by word.
    public func entries(of pathway: Pathway) -> [FunctionEntry] {
        let providersOf = Self.providers(in: pathway)
        let tree = DominatorTree(self)
        return providersOf.keys.sorted().map { entry(function: $0, providers: providersOf[$0]!, dominators: tree) }
    }
}
