extension ServiceGraph {
    /// Fewest routes from any entry to each service: breadth-first search from all entries at
    /// once. -1 where no entry reaches the service.
    ///
    /// - Complexity: O(|S| + |R|) time, O(|S|) space.
    public func referralsFromEntries() -> (distance: [Int32], parent: [Int32]) {
        var distance = [Int32](repeating: -1, count: count)
        var parent = [Int32](repeating: -1, count: count)
        var queue: [Int] = []
        queue.reserveCapacity(count)
        for e in entries {
            distance[e] = 0
            queue.append(e)
        }
        var head = 0
        while head < queue.count {
            let v = queue[head]
            head += 1
            for w in successors(of: v) where distance[Int(w)] < 0 {
                distance[Int(w)] = distance[v] + 1
                parent[Int(w)] = Int32(v)
                queue.append(Int(w))
            }
        }
        return (distance, parent)
    }

    /// Fewest routes from `source` to each service: breadth-first search along routes. -1
    /// where `source` does not reach the service.
    ///
    /// - Complexity: O(|S| + |R|) time, O(|S|) space.
    public func referrals(from source: Int) -> [Int32] {
        levels(from: source) { successors(of: $0) }
    }

    /// Fewest routes from each service to `target`: breadth-first search against the routes.
    /// -1 where the service does not reach `target`.
    ///
    /// - Complexity: O(|S| + |R|) time, O(|S|) space.
    public func referralsTo(_ target: Int) -> [Int32] {
        levels(from: target) { predecessors(of: $0) }
    }

    private func levels(from start: Int, next: (Int) -> ArraySlice<Int32>) -> [Int32] {
        var distance = [Int32](repeating: -1, count: count)
        var queue = [start]
        distance[start] = 0
        var head = 0
        while head < queue.count {
            let v = queue[head]
            head += 1
            for w in next(v) where distance[Int(w)] < 0 {
                distance[Int(w)] = distance[v] + 1
                queue.append(Int(w))
            }
        }
        return distance
    }

    /// Fewest boundary-crossing routes on any path from an entry to each service: 0-1
    /// breadth-first search (a route within one organisation costs 0, across a boundary 1).
    /// -1 where no entry reaches the service.
    ///
    /// - Complexity: O(|S| + |R|) time, O(|S| + |R|) space for the deque.
    public func boundariesFromEntries() -> [Int32] {
        let unknown = Int32.max
        var distance = [Int32](repeating: unknown, count: count)
        // A deque as a ring buffer that grows as needed.
        var deque = Deque(capacity: count + 1)
        for e in entries where distance[e] != 0 {
            distance[e] = 0
            deque.pushBack(e)
        }
        while let v = deque.popFront() {
            let d = distance[v]
            relaxBoundaries(from: v, at: d, &distance, &deque)
        }
        return distance.map { $0 == unknown ? -1 : $0 }
    }

    /// One step of a 0-1 search of boundaries: each route out of `v`, at distance `d`, costs 1
    /// if it crosses an organisation boundary (its end goes to the deque's back) and 0 if not
    /// (to its front), and lowers its end's distance if it can.
    @inline(__always)
    func relaxBoundaries(from v: Int, at d: Int32, _ distance: inout [Int32], _ deque: inout Deque) {
        for k in offsets[v]..<offsets[v + 1] {
            let w = Int(targets[k])
            let cost: Int32 = organisation[v] != organisation[w] ? 1 : 0
            if d + cost < distance[w] {
                distance[w] = d + cost
                if cost == 0 { deque.pushFront(w) } else { deque.pushBack(w) }
            }
        }
    }
}

/// A ring-buffer double-ended queue of vertices.
struct Deque {
    private var buffer: [Int]
    private var head = 0
    private var size = 0

    init(capacity: Int) { buffer = [Int](repeating: 0, count: max(4, capacity)) }

    private mutating func grow() {
        var bigger = [Int](repeating: 0, count: buffer.count * 2)
        for k in 0..<size { bigger[k] = buffer[(head + k) % buffer.count] }
        buffer = bigger
        head = 0
    }

    mutating func pushBack(_ v: Int) {
        if size == buffer.count { grow() }
        buffer[(head + size) % buffer.count] = v
        size += 1
    }

    mutating func pushFront(_ v: Int) {
        if size == buffer.count { grow() }
        head = (head - 1 + buffer.count) % buffer.count
        buffer[head] = v
        size += 1
    }

    mutating func popFront() -> Int? {
        guard size > 0 else { return nil }
        let v = buffer[head]
        head = (head + 1) % buffer.count
        size -= 1
        return v
    }
}

extension ServiceGraph {
    /// A backward breadth-first search from `targets`: for each service that can reach one of
    /// them, the next service on a shortest referral path to the nearest (``entryMark`` for a
    /// target itself), or ``unseen``.
    ///
    /// - Complexity: O(|S| + |R|).
    public func nextTowards(_ targets: [Int]) -> [Int32] {
        var next = [Int32](repeating: ServiceGraph.unseen, count: count)
        var queue: [Int32] = []
        queue.reserveCapacity(count)
        for t in targets where next[t] == ServiceGraph.unseen {
            next[t] = ServiceGraph.entryMark
            queue.append(Int32(t))
        }
        var head = 0
        while head < queue.count {
            let v = Int(queue[head])
            head += 1
            for u in predecessors(of: v) where next[Int(u)] == ServiceGraph.unseen {
                next[Int(u)] = Int32(v)
                queue.append(u)
            }
        }
        return next
    }
}
