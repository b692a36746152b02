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
        // Tarjan's stack, and the call stack: a vertex and the position of its next arc.
        var stack = [Int32](repeating: 0, count: n)
        var callVertex = [Int32](repeating: 0, count: n)
        var callNext = [Int](repeating: 0, count: n)
        var components = 0
        index.withUnsafeMutableBufferPointer { index in
            low.withUnsafeMutableBufferPointer { low in
                onStack.withUnsafeMutableBufferPointer { onStack in
                    component.withUnsafeMutableBufferPointer { component in
                        stack.withUnsafeMutableBufferPointer { stack in
                            callVertex.withUnsafeMutableBufferPointer { callVertex in
                                callNext.withUnsafeMutableBufferPointer { callNext in
                                    offsets.withUnsafeBufferPointer { offsets in
                                        targets.withUnsafeBufferPointer { targets in
                                            var counter: Int32 = 0
                                            var depth = 0
                                            var top = 0
                                            func visit(_ v: Int) {
                                                index[v] = counter
                                                low[v] = counter
                                                counter += 1
                                                stack[top] = Int32(v)
                                                top += 1
                                                onStack[v] = true
                                                callVertex[depth] = Int32(v)
                                                callNext[depth] = offsets[v]
                                                depth += 1
                                            }
                                            for root in 0..<n where index[root] == unvisited {
                                                visit(root)
                                                while depth > 0 {
                                                    let v = Int(callVertex[depth - 1])
                                                    var k = callNext[depth - 1]
                                                    let end = offsets[v + 1]
                                                    var descended = false
                                                    while k < end {
                                                        let w = Int(targets[k])
                                                        k += 1
                                                        if index[w] == unvisited {
                                                            callNext[depth - 1] = k
                                                            visit(w)
                                                            descended = true
                                                            break
                                                        } else if onStack[w] && index[w] < low[v] {
                                                            low[v] = index[w]
                                                        }
                                                    }
                                                    if descended { continue }
                                                    depth -= 1
                                                    if depth > 0 {
                                                        let parent = Int(callVertex[depth - 1])
                                                        if low[v] < low[parent] { low[parent] = low[v] }
                                                    }
                                                    if low[v] == index[v] {
                                                        while true {
                                                            top -= 1
                                                            let w = Int(stack[top])
                                                            onStack[w] = false
                                                            component[w] = Int32(components)
                                                            if w == v { break }
                                                        }
                                                        components += 1
                                                    }
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return (component, components)
    }
}
