import Dispatch

/// Two pieces of work on two cores.
package enum Parallel {
    /// Runs `first` and `second` at the same time and returns both results.
    ///
    /// The closures must not touch shared mutable state: each owns what it writes.
    package static func both<A, B>(_ first: () -> A, _ second: () -> B) -> (A, B) {
        let results = Results<A, B>()
        withoutActuallyEscaping(first) { first in
            withoutActuallyEscaping(second) { second in
                let work = Work(first: first, second: second, results: results)
                DispatchQueue.concurrentPerform(iterations: 2) { k in work.run(k) }
            }
        }
        return (results.first!, results.second!)
    }

    /// Starts `work` on another core; the caller goes on with its own and then waits for the
    /// result with ``Pending/wait()``.
    package static func start<A>(_ work: @escaping @Sendable () -> A) -> Pending<A> {
        let pending = Pending<A>()
        pending.group.enter()
        DispatchQueue.global().async {
            pending.result = work()
            pending.group.leave()
        }
        return pending
    }

    /// Work started by ``start(_:)``.
    package final class Pending<A>: @unchecked Sendable {
        fileprivate let group = DispatchGroup()
        fileprivate var result: A?

        /// The work's result, once it has finished.
        package func wait() -> A {
            group.wait()
            return result!
        }
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
