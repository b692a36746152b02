extension ServiceGraph {
    /// For each function, given by its providers: the fewest routes, and the fewest
    /// boundary-crossing routes, on any path from an entry to one of them
    /// (`shared/pathway-format.md`, `minReferrals` and `minBoundaries`); nil when no entry
    /// reaches a provider.
    ///
    /// The same answers as reading ``referralsFromEntries()`` and ``boundariesFromEntries()``
    /// at the providers, from searches that stop once every function has been reached: a
    /// breadth-first search settles a function at the first level holding one of its
    /// providers, and a 0-1 breadth-first search (which takes services off its deque in order
    /// of distance) at the first provider it takes off. In a network whose entries offer
    /// every function, both stop at the entries.
    ///
    /// - Complexity: O(|S| + |R|) time per 64 functions at worst, O(|S|) space.
    public func nearestProviders(_ functions: [[Int32]]) -> (referrals: [Int?], boundaries: [Int?]) {
        var referrals = [Int?](repeating: nil, count: functions.count)
        var boundaries = [Int?](repeating: nil, count: functions.count)
        var first = 0
        while first < functions.count {
            let group = Array(functions[first..<min(first + 64, functions.count)])
            var provides = [UInt64](repeating: 0, count: count)
            var wanted: UInt64 = 0
            for (f, providers) in group.enumerated() {
                for v in providers { provides[Int(v)] |= 1 << UInt64(f) }
                if !providers.isEmpty { wanted |= 1 << UInt64(f) }
            }
            for (f, d) in fewestReferrals(provides, wanted) { referrals[first + f] = d }
            for (f, d) in fewestBoundaries(provides, wanted) { boundaries[first + f] = d }
            first += 64
        }
        return (referrals, boundaries)
    }

    /// Breadth-first from all entries, a level at a time, until every function of `wanted`
    /// is settled: each function found, with its level.
    private func fewestReferrals(_ provides: [UInt64], _ wanted: UInt64) -> [(Int, Int)] {
        var found: [(Int, Int)] = []
        var unsettled = wanted
        var seen = [Bool](repeating: false, count: count)
        var level: [Int32] = []
        for e in entries where !seen[e] {
            seen[e] = true
            level.append(Int32(e))
        }
        var depth = 0
        while unsettled != 0 && !level.isEmpty {
            for v in level {
                var settled = provides[Int(v)] & unsettled
                unsettled &= ~settled
                while settled != 0 {
                    found.append((settled.trailingZeroBitCount, depth))
                    settled &= settled - 1
                }
            }
            if unsettled == 0 { break }
            var next: [Int32] = []
            for v in level {
                for w in successors(of: Int(v)) where !seen[Int(w)] {
                    seen[Int(w)] = true
                    next.append(w)
                }
            }
            level = next
            depth += 1
        }
        return found
    }

    /// 0-1 breadth-first from all entries (a crossing costs 1) until every function of
    /// `wanted` is settled: each function found, with its distance.
    private func fewestBoundaries(_ provides: [UInt64], _ wanted: UInt64) -> [(Int, Int)] {
        var found: [(Int, Int)] = []
        var unsettled = wanted
        var distance = [Int32](repeating: .max, count: count)
        var done = [Bool](repeating: false, count: count)
        var deque = Deque(capacity: 64)
        for e in entries where distance[e] != 0 {
            distance[e] = 0
            deque.pushBack(e)
        }
        while unsettled != 0, let v = deque.popFront() {
            // A service may be on the deque more than once; its first time off is at its
            // distance, which nothing after can lower.
            if done[v] { continue }
            done[v] = true
            let d = distance[v]
            var settled = provides[v] & unsettled
            unsettled &= ~settled
            while settled != 0 {
                found.append((settled.trailingZeroBitCount, Int(d)))
                settled &= settled - 1
            }
            relaxBoundaries(from: v, at: d, &distance, &deque)
        }
        return found
    }
}
