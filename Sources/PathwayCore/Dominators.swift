/// The dominator tree of the referral graph, rooted at a virtual root joined to every entry.
///
/// A service `d` dominates `v` when every path from an entry to `v` passes through `d`: in a
/// pathway, `d` is a gate that no patient reaches `v` without. Services that no entry reaches
/// are dominated by nothing.
///
/// Computed with the iterative algorithm of Cooper, Harvey and Kennedy over a reverse
/// postorder from an explicit-stack depth-first search.
///
/// - Complexity: O(|S| + |R|) per pass; a handful of passes on pathway-like graphs
///   (worst case O(|S|²)); O(|S|) space.
/// - Reference: K. D. Cooper, T. J. Harvey, K. Kennedy, "A Simple, Fast Dominance
///   Algorithm", Software Practice and Experience 4, 2001.
public struct DominatorTree: Sendable {
    /// The virtual root's vertex number: `graph.count`.
    public let root: Int
    /// The immediate dominator of each service (`root` for entries and for services whose
    /// only common gate is the root), or -1 when no entry reaches it.
    public let immediateDominator: [Int32]
    /// How many services each service strictly dominates (itself excluded).
    public let dominatedCount: [Int]

    public init(_ graph: ServiceGraph) {
        let n = graph.count
        let root = n
        self.root = root
        // Postorder numbers from the root; -1 for vertices the root does not reach.
        var postorder = [Int32](repeating: -1, count: n + 1)
        var order: [Int] = []  // vertices in postorder
        order.reserveCapacity(n + 1)
        var visited = [Bool](repeating: false, count: n + 1)
        var calls: [(v: Int, next: Int)] = [(root, 0)]
        visited[root] = true
        let entries = graph.entries
        while !calls.isEmpty {
            let top = calls.count - 1
            let v = calls[top].v
            let k = calls[top].next
            let end = v == root ? entries.count : graph.offsets[v + 1]
            // `next` counts positions in the entries for the root, in `targets` for the others.
            if k < end {
                calls[top].next = k + 1
                let w = v == root ? entries[k] : Int(graph.targets[k])
                if !visited[w] {
                    visited[w] = true
                    calls.append((w, w == root ? 0 : graph.offsets[w]))
                }
                continue
            }
            calls.removeLast()
            postorder[v] = Int32(order.count)
            order.append(v)
        }

        var idom = [Int32](repeating: -1, count: n + 1)
        idom[root] = Int32(root)
        func intersect(_ a: Int, _ b: Int) -> Int {
            var x = a
            var y = b
            while x != y {
                while postorder[x] < postorder[y] { x = Int(idom[x]) }
                while postorder[y] < postorder[x] { y = Int(idom[y]) }
            }
            return x
        }
        var changed = true
        while changed {
            changed = false
            // Reverse postorder, the root (last in postorder) excluded.
            for position in stride(from: order.count - 2, through: 0, by: -1) {
                let v = order[position]
                var newIdom = -1
                if graph.isEntry[v] { newIdom = root }
                for p in graph.predecessors(of: v) {
                    let u = Int(p)
                    guard idom[u] != -1 else { continue }
                    newIdom = newIdom == -1 ? u : intersect(u, newIdom)
                }
                if newIdom != -1 && idom[v] != Int32(newIdom) {
                    idom[v] = Int32(newIdom)
                    changed = true
                }
            }
        }

        // Subtree sizes of the dominator tree: a dominator comes after everything it
        // dominates in postorder.
        var size = [Int](repeating: 1, count: n + 1)
        for v in order where v != root {
            size[Int(idom[v])] += size[v]
        }
        var dominated = [Int](repeating: 0, count: n)
        for v in 0..<n where postorder[v] >= 0 { dominated[v] = size[v] - 1 }
        immediateDominator = Array(idom[0..<n])
        dominatedCount = dominated
    }

    /// Whether `d` dominates `v` (every path from an entry to `v` passes `d`; `d == v` counts).
    public func dominates(_ d: Int, _ v: Int) -> Bool {
        guard immediateDominator[v] != -1 else { return false }
        var x = v
        while x != root {
            if x == d { return true }
            x = Int(immediateDominator[x])
        }
        return false
    }
}
