import Dispatch

/// Two pieces of work on two cores.
enum Parallel {
    /// Runs `first` and `second` at the same time and returns both results.
    ///
    /// The closures must not touch shared mutable state: each owns what it writes.
    static func both<A, B>(_ first: () -> A, _ second: () -> B) -> (A, B) {
        let results = Results<A, B>()
        withoutActuallyEscaping(first) { first in
            withoutActuallyEscaping(second) { second in
                let work = Work(first: first, second: second, results: results)
                DispatchQueue.concurrentPerform(iterations: 2) { k in work.run(k) }
            }
        }
        return (results.first!, results.second!)
    }

    private final class Results<A, B>: @unchecked Sendable {
        var first: A?
        var second: B?
    }

    private struct Work<A, B>: @unchecked Sendable {
        let first: () -> A
        let second: () -> B
        let results: Results<A, B>

        func run(_ k: Int) {
            if k == 0 { results.first = first() } else { results.second = second() }
        }
    }
}
