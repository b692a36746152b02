extension ServiceGraph {
    /// The strongly connected components: maximal sets of services each of which can reach
    /// every other by following routes.
    ///
    /// Tarjan's algorithm made iterative with an explicit call stack, so a pathway of any depth
    /// cannot overflow the thread's stack.
    ///
    /// - Returns: the component index of every vertex, and the number of components.
    ///   Components are numbered in the order Tarjan's algorithm closes them (reverse
    ///   topological order of the condensation).
    /// - Complexity: O(|S| + |R|) time and O(|S|) space.
    /// - Reference: R. E. Tarjan, "Depth-first search and linear graph algorithms",
    ///   SIAM J. Computing 1(2), 1972.
    public func stronglyConnectedComponents() -> (component: [Int32], count: Int) {
        let n = count
        let unvisited: Int32 = -1
        var index = [Int32](repeating: unvisited, count: n)
        var low = [Int32](repeating: 0, count: n)
        var onStack = [Bool](repeating: false, count: n)
        var component = [Int32](repeating: -1, count: n)
        var stack: [Int32] = []
        // The call stack: a vertex and the position of the next arc to explore.
        var calls: [(v: Int, next: Int)] = []
        var counter: Int32 = 0
        var components = 0
        for root in 0..<n where index[root] == unvisited {
            index[root] = counter
            low[root] = counter
            counter += 1
            stack.append(Int32(root))
            onStack[root] = true
            calls.append((root, offsets[root]))
            while !calls.isEmpty {
                let top = calls.count - 1
                let v = calls[top].v
                let k = calls[top].next
                if k < offsets[v + 1] {
                    calls[top].next = k + 1
                    let w = Int(targets[k])
                    if index[w] == unvisited {
                        index[w] = counter
                        low[w] = counter
                        counter += 1
                        stack.append(Int32(w))
                        onStack[w] = true
                        calls.append((w, offsets[w]))
                    } else if onStack[w] {
                        low[v] = min(low[v], index[w])
                    }
                    continue
                }
                calls.removeLast()
                if let parent = calls.last?.v {
                    low[parent] = min(low[parent], low[v])
                }
                if low[v] == index[v] {
                    while true {
                        let w = Int(stack.removeLast())
                        onStack[w] = false
                        component[w] = Int32(components)
                        if w == v { break }
                    }
                    components += 1
                }
            }
        }
        return (component, components)
    }
}
