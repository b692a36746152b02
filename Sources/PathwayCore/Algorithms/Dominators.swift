/// The dominator tree of the referral graph, rooted at a virtual root joined to every entry.
///
/// A service `d` dominates `v` when every path from an entry to `v` passes through `d`: in a
/// pathway, `d` is a gate that no patient reaches `v` without. Services that no entry reaches
/// are dominated by nothing.
///
/// Computed with the Semi-NCA algorithm: semidominators as in Lengauer and Tarjan (with path
/// compression over an explicit stack), then each immediate dominator as the nearest common
/// ancestor in the depth-first tree, all over arrays indexed by depth-first number.
///
/// - Complexity: O((|S| + |R|) log |S|) time, O(|S|) space; one pass, no recursion.
/// - Reference: L. Georgiadis, R. E. Tarjan, R. F. Werneck, "Finding Dominators in Practice",
///   J. Graph Algorithms and Applications 10(1), 2006; T. Lengauer, R. E. Tarjan, "A Fast
///   Algorithm for Finding Dominators in a Flowgraph", ACM TOPLAS 1(1), 1979.
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
        root = n
        // Depth-first numbers: the root is 0; -1 for services no entry reaches.
        var number = [Int32](repeating: -1, count: n)
        var vertexOf = [Int32](repeating: -1, count: n + 1)
        var parent = [Int32](repeating: 0, count: n + 1)
        var numbered = 1
        graph.offsets.withUnsafeBufferPointer { offsets in
            graph.targets.withUnsafeBufferPointer { targets in
                number.withUnsafeMutableBufferPointer { number in
                    vertexOf.withUnsafeMutableBufferPointer { vertexOf in
                        parent.withUnsafeMutableBufferPointer { parent in
                            // The path of the search: each vertex and the position of its next arc.
                            var stackVertex = [Int32](repeating: 0, count: n)
                            var stackNext = [Int](repeating: 0, count: n)
                            stackVertex.withUnsafeMutableBufferPointer { stackVertex in
                                stackNext.withUnsafeMutableBufferPointer { stackNext in
                                    for e in graph.entries where number[e] < 0 {
                                        number[e] = Int32(numbered)
                                        vertexOf[numbered] = Int32(e)
                                        parent[numbered] = 0
                                        numbered += 1
                                        stackVertex[0] = Int32(e)
                                        stackNext[0] = offsets[e]
                                        var depth = 1
                                        while depth > 0 {
                                            let v = Int(stackVertex[depth - 1])
                                            var k = stackNext[depth - 1]
                                            let end = offsets[v + 1]
                                            while k < end && number[Int(targets[k])] >= 0 { k += 1 }
                                            if k == end {
                                                depth -= 1
                                                continue
                                            }
                                            stackNext[depth - 1] = k + 1
                                            let w = Int(targets[k])
                                            number[w] = Int32(numbered)
                                            vertexOf[numbered] = Int32(w)
                                            parent[numbered] = number[v]
                                            numbered += 1
                                            stackVertex[depth] = Int32(w)
                                            stackNext[depth] = offsets[w]
                                            depth += 1
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        vertexOf.removeLast(n + 1 - numbered)
        parent.removeLast(n + 1 - numbered)
        let count = vertexOf.count
        // Each vertex's predecessors by depth-first number, in depth-first order, and whether it
        // is an entry: gathered in one pass whose scattered reads do not wait on one another,
        // so that the semidominator pass below reads them in order.
        var predecessorStart = [Int32](repeating: 0, count: count + 1)
        var predecessors = [Int32]()
        predecessors.reserveCapacity(graph.sources.count)
        var entryAt = [Bool](repeating: false, count: count)
        graph.reverseOffsets.withUnsafeBufferPointer { reverseOffsets in
            graph.sources.withUnsafeBufferPointer { sources in
                number.withUnsafeBufferPointer { number in
                    for i in 1..<max(1, count) {
                        let w = Int(vertexOf[i])
                        entryAt[i] = graph.isEntry[w]
                        for k in reverseOffsets[w]..<reverseOffsets[w + 1] {
                            let u = number[Int(sources[k])]
                            if u >= 0 { predecessors.append(u) }
                        }
                        predecessorStart[i + 1] = Int32(predecessors.count)
                    }
                }
            }
        }
        var idom = parent
        var semi = [Int32](0..<Int32(count))
        // The linked forest, a vertex's two words side by side: its ancestor, and the least
        // semidominator on its compressed path up to the forest's root (the semidominator of
        // Lengauer and Tarjan's `label`, which is all the label is read for).
        var link = [SIMD2<Int32>](repeating: .zero, count: count)
        for i in 0..<count { link[i] = SIMD2(parent[i], Int32(i)) }
        link.withUnsafeMutableBufferPointer { link in
            semi.withUnsafeMutableBufferPointer { semi in
                predecessorStart.withUnsafeBufferPointer { predecessorStart in
                    predecessors.withUnsafeBufferPointer { predecessors in
                        var path: [Int32] = []
                        // The least semidominator on the compressed path from `v` up to the
                        // linked forest's root; vertices numbered from `linked` up are linked.
                        func eval(_ v: Int32, _ linked: Int32) -> Int32 {
                            if link[Int(v)].x < linked { return link[Int(v)].y }
                            var x = v
                            repeat {
                                path.append(x)
                                x = link[Int(x)].x
                            } while link[Int(x)].x >= linked
                            var p = link[Int(x)]
                            while let y = path.popLast() {
                                var node = link[Int(y)]
                                node.x = p.x
                                if p.y < node.y { node.y = p.y }
                                link[Int(y)] = node
                                p = node
                            }
                            return link[Int(v)].y
                        }
                        for i in stride(from: count - 1, through: 1, by: -1) {
                            var s = entryAt[i] ? 0 : link[i].x
                            for k in Int(predecessorStart[i])..<Int(predecessorStart[i + 1]) {
                                let candidate = eval(predecessors[k], Int32(i + 1))
                                if candidate < s { s = candidate }
                            }
                            semi[i] = s
                            link[i].y = s
                        }
                    }
                }
            }
        }
        // The immediate dominator is the nearest ancestor in the depth-first tree not below
        // the semidominator.
        idom.withUnsafeMutableBufferPointer { idom in
            for i in 1..<max(1, count) {
                var candidate = idom[i]
                while candidate > semi[i] { candidate = idom[Int(candidate)] }
                idom[i] = candidate
            }
        }
        // Subtree sizes of the dominator tree: a dominator has a smaller number than every
        // service it dominates.
        var size = [Int](repeating: 1, count: count)
        for i in stride(from: count - 1, through: 1, by: -1) { size[Int(idom[i])] += size[i] }
        var immediate = [Int32](repeating: -1, count: n)
        var dominated = [Int](repeating: 0, count: n)
        for i in 1..<max(1, count) {
            let v = Int(vertexOf[i])
            immediate[v] = idom[i] == 0 ? Int32(n) : vertexOf[Int(idom[i])]
            dominated[v] = size[i] - 1
        }
        immediateDominator = immediate
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
