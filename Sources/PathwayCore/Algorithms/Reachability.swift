/// Forward reachability: the services a patient can get to by following routes.
extension ServiceGraph {
    /// Marks every vertex reachable from `sources` (the sources themselves included) by
    /// following arcs forward. Breadth-first, with an explicit queue.
    ///
    /// - Complexity: O(|S| + |R|) time, O(|S|) space.
    public func reachable(from sources: [Int]) -> [Bool] {
        var seen = [Bool](repeating: false, count: count)
        var queue: [Int] = []
        queue.reserveCapacity(count)
        for s in sources where !seen[s] {
            seen[s] = true
            queue.append(s)
        }
        var head = 0
        while head < queue.count {
            let v = queue[head]
            head += 1
            for w in successors(of: v) where !seen[Int(w)] {
                seen[Int(w)] = true
                queue.append(Int(w))
            }
        }
        return seen
    }
}
