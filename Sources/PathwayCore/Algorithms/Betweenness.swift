import Foundation

extension ServiceGraph {
    /// Betweenness centrality of each service: how often it lies on shortest referral paths
    /// between other services, normalised as for a directed graph,
    /// `Σ_{s≠v≠t} σ_st(v) / σ_st` divided by `(n−1)(n−2)` (no scaling when n ≤ 2). Parallel
    /// routes count once and self-routes not at all (paths run over distinct service pairs).
    ///
    /// Exact for up to `exactLimit` services; beyond, estimated from `sampleSize` source
    /// services chosen by a seeded generator and scaled by `n / sampleSize`.
    ///
    /// - Returns: the values, and the number of sources used (n when exact).
    /// - Complexity: O(k · (|S| + |R|)) time for k sources, O(|S| + |R|) space per worker.
    /// - Reference: U. Brandes, "A faster algorithm for betweenness centrality",
    ///   J. Mathematical Sociology 25(2), 2001.
    public func betweenness(exactLimit: Int = 10_000, sampleSize: Int = 1_000, seed: UInt64 = 1)
        -> (values: [Double], sources: Int)
    {
        let n = count
        // The simple graph: distinct successors and predecessors, no self-loops.
        var succOffsets = [Int](repeating: 0, count: n + 1)
        var succ: [Int32] = []
        var predOffsets = [Int](repeating: 0, count: n + 1)
        var pred: [Int32] = []
        var mark = [Int](repeating: -1, count: n)
        for v in 0..<n {
            for w in successors(of: v) where Int(w) != v && mark[Int(w)] != v {
                mark[Int(w)] = v
                succ.append(w)
            }
            succOffsets[v + 1] = succ.count
        }
        mark = [Int](repeating: -1, count: n)
        for v in 0..<n {
            for u in predecessors(of: v) where Int(u) != v && mark[Int(u)] != v {
                mark[Int(u)] = v
                pred.append(u)
            }
            predOffsets[v + 1] = pred.count
        }

        var chosen = Array(0..<n)
        if n > exactLimit {
            var generator = SplitMix64(seed: seed)
            for i in 0..<sampleSize {
                let j = i + Int(generator.next() % UInt64(n - i))
                chosen.swapAt(i, j)
            }
            chosen = Array(chosen[0..<sampleSize]).sorted()
        }
        // A fixed number of chunks summed in order keeps the result the same on any core count.
        let chunks = max(1, min(16, chosen.count))
        let partial = ChunkResults(count: chunks)
        let (pivots, outOffsets, outArcs, inOffsets, inArcs) = (chosen, succOffsets, succ, predOffsets, pred)
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            var total = [Double](repeating: 0, count: n)
            var sigma = [Double](repeating: 0, count: n)
            var distance = [Int32](repeating: -1, count: n)
            var delta = [Double](repeating: 0, count: n)
            var order: [Int32] = []
            order.reserveCapacity(n)
            var index = chunk
            while index < pivots.count {
                let s = pivots[index]
                index += chunks
                order.removeAll(keepingCapacity: true)
                sigma[s] = 1
                distance[s] = 0
                order.append(Int32(s))
                var head = 0
                while head < order.count {
                    let v = Int(order[head])
                    head += 1
                    for k in outOffsets[v]..<outOffsets[v + 1] {
                        let w = Int(outArcs[k])
                        if distance[w] < 0 {
                            distance[w] = distance[v] + 1
                            order.append(Int32(w))
                        }
                        if distance[w] == distance[v] + 1 { sigma[w] += sigma[v] }
                    }
                }
                for position in stride(from: order.count - 1, through: 0, by: -1) {
                    let w = Int(order[position])
                    let coefficient = (1 + delta[w]) / sigma[w]
                    for k in inOffsets[w]..<inOffsets[w + 1] {
                        let v = Int(inArcs[k])
                        if distance[v] >= 0 && distance[v] == distance[w] - 1 {
                            delta[v] += sigma[v] * coefficient
                        }
                    }
                    if w != s { total[w] += delta[w] }
                }
                for v in order {
                    sigma[Int(v)] = 0
                    distance[Int(v)] = -1
                    delta[Int(v)] = 0
                }
            }
            partial.store(total, at: chunk)
        }
        var values = [Double](repeating: 0, count: n)
        for chunk in partial.results {
            for v in 0..<n { values[v] += chunk[v] }
        }
        if n > 2 {
            var scale = 1.0 / (Double(n - 1) * Double(n - 2))
            if chosen.count < n { scale *= Double(n) / Double(chosen.count) }
            for v in 0..<n { values[v] *= scale }
        }
        return (values, chosen.count)
    }
}

/// A small, fast, seeded generator (Steele, Lea & Flood 2014), for reproducible sampling.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Per-worker results, each slot written by one worker under a lock.
private final class ChunkResults: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [[Double]]

    init(count: Int) { slots = [[Double]](repeating: [], count: count) }

    func store(_ values: [Double], at index: Int) {
        lock.withLock { slots[index] = values }
    }

    var results: [[Double]] { lock.withLock { slots } }
}
