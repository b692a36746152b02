import PathwayCore

/// Each patient's rows in the order of `shared/pathway-format.md` section 5: by time, ties
/// by file order. Discovery and conformance both walk it.
public struct PatientJourneys: Sendable {
    /// The rows, patient by patient (in the order patients first appear), each patient's in
    /// time order: patient `p`'s are `starts[p]..<starts[p + 1]`.
    public let starts: [Int]
    /// The log's columns in that order, read once, so that every pass over the journeys reads
    /// memory in order, not a row scattered across the file at a time (at 10^7 rows, the cost
    /// was the cache misses): the service reached (or `to`), the time, the `from` (referral
    /// rows) and the provider (the organisation when the log has one, else the service). The
    /// rows' numbers are not kept: a patient's rows are in file order before they are sorted,
    /// and the sort breaks ties of time by place, so file order holds.
    let service: [Int32]
    let time: [Int64]
    let from: [Int32]
    let provider: [Int32]
    let shape: RecordShape
    /// The log has an organisation column: `provider` holds its organisations.
    let organised: Bool

    public init(_ log: RecordLog) { self.init(log, bucketRows: 1 << 15, largestCopied: 1 << 20) }

    /// The journeys of `log` by a radix sort of two passes, each with its writes close
    /// together: the rows go first to the bucket of their patient (a bucket is 2^shift
    /// patients of, together, about `bucketRows` rows: few enough buckets that each has a
    /// cache line being written), then each bucket, copied out, to its patients' places, and
    /// its patients' rows are put in time order while they are still in the cache. A single
    /// pass straight to each row's place missed the cache on every row (at 10^7 rows, 0.5 s a
    /// core against 0.1 s). A bucket of more than `largestCopied` rows (a patient with rows by
    /// the million) is placed from the log instead, so that the copy stays small. Both passes
    /// go on two cores: the first with half the rows each, the second with the buckets of
    /// half the rows.
    init(_ log: RecordLog, bucketRows: Int, largestCopied: Int) {
        let patients = log.patientCount
        let n = log.count
        let referrals = log.shape == .referrals
        let organised = !log.organisation.isEmpty
        let shift = Self.bucketShift(patients: patients, rows: n, bucketRows: bucketRows)
        let buckets = (patients + (1 << shift) - 1) >> shift
        let halves = n < 1 << 16 ? [0..<n] : [0..<n / 2, n / 2..<n]
        // Each half's next place in each bucket: a bucket's rows from the first half, then
        // from the second, each in file order.
        var cursors: [[Int]]
        let patient = log.patient
        func count(_ h: Int) -> [Int] {
            var c = [Int](repeating: 0, count: buckets)
            for row in halves[h] { c[Int(patient[row]) >> shift] += 1 }
            return c
        }
        if halves.count == 2 {
            let (first, second) = Parallel.both({ count(0) }, { count(1) })
            cursors = [first, second]
        } else {
            cursors = [count(0)]
        }
        var bucketStart = [Int](repeating: 0, count: buckets + 1)
        var total = 0
        for b in 0..<buckets {
            bucketStart[b] = total
            for h in cursors.indices {
                let c = cursors[h][b]
                cursors[h][b] = total
                total += c
            }
        }
        bucketStart[buckets] = total
        var starts = [Int](repeating: 0, count: patients + 1)
        var service = [Int32](repeating: 0, count: n)
        var time = [Int64](repeating: 0, count: n)
        var from = [Int32](repeating: 0, count: referrals ? n : 0)
        var provider = [Int32](repeating: 0, count: organised ? n : 0)
        // Each row's patient within its bucket, for the second pass.
        var local = [UInt16](repeating: 0, count: n)
        // The buckets in two groups of about half the rows each.
        var middle = 0
        while middle < buckets && bucketStart[middle + 1] <= n / 2 { middle += 1 }
        let groups = halves.count == 1 ? [0..<buckets] : [0..<middle, middle..<buckets]
        service.withUnsafeMutableBufferPointer { service in
            time.withUnsafeMutableBufferPointer { time in
                from.withUnsafeMutableBufferPointer { from in
                    provider.withUnsafeMutableBufferPointer { provider in
                        local.withUnsafeMutableBufferPointer { local in
                            starts.withUnsafeMutableBufferPointer { starts in
                                let out = Columns(service: service, time: time, from: from, provider: provider)
                                let sort = JourneyBuckets(
                                    shift: shift, patients: patients, bucketStart: bucketStart, local: local,
                                    starts: starts, largestCopied: largestCopied)
                                func both(_ work: (Int) -> Void) {
                                    if halves.count == 1 {
                                        work(0)
                                    } else {
                                        _ = Parallel.both({ work(0) }, { work(1) })
                                    }
                                }
                                both { h in sort.distribute(log, halves[h], cursors[h], out) }
                                both { h in sort.count(groups[h]) }
                                both { h in sort.place(log, groups[h], out) }
                            }
                        }
                    }
                }
            }
        }
        self.starts = starts
        self.service = service
        self.time = time
        self.from = from
        self.provider = organised ? provider : service
        self.organised = organised
        shape = log.shape
    }

    /// The bucket of patient `p` is `p >> shift`: 2^shift patients of about `bucketRows` rows
    /// in all, at most 2^16 patients (their places within a bucket are 16 bits).
    static func bucketShift(patients: Int, rows: Int, bucketRows: Int) -> Int {
        let perBucket = max(1, bucketRows * patients / max(1, rows))
        return min(16, Int.bitWidth - 1 - perBucket.leadingZeroBitCount)
    }

    /// The columns being written, as pointers that two cores share (each writing its own
    /// patients' places).
    struct Columns {
        let service: UnsafeMutableBufferPointer<Int32>
        let time: UnsafeMutableBufferPointer<Int64>
        let from: UnsafeMutableBufferPointer<Int32>
        let provider: UnsafeMutableBufferPointer<Int32>
    }

    /// Within each patient of `part`, the rows by time then row: they are in row order, so
    /// only a patient whose times are out of order is sorted (by time, then place, which is
    /// row order), every column moved with its row.
    static func sortRuns(_ part: Range<Int>, _ starts: UnsafeMutableBufferPointer<Int>, _ out: Columns) {
        let time = out.time
        var run: [(time: Int64, at: Int)] = []
        var moved: [Int32] = []
        for p in part {
            let lo = starts[p]
            let hi = starts[p + 1]
            var k = lo + 1
            while k < hi && time[k] >= time[k - 1] { k += 1 }
            if k >= hi { continue }
            if hi - lo <= 32 {
                // A few rows: an insertion sort by time, in place (stable, so ties keep row
                // order), from the first row out of order.
                insertionSort(lo, k, hi, out)
                continue
            }
            run.removeAll(keepingCapacity: true)
            for at in lo..<hi { run.append((time[at], at)) }
            run.sort { $0.time != $1.time ? $0.time < $1.time : $0.at < $1.at }
            func permute(_ column: UnsafeMutableBufferPointer<Int32>) {
                guard !column.isEmpty else { return }
                moved.removeAll(keepingCapacity: true)
                for entry in run { moved.append(column[entry.at]) }
                for (j, value) in moved.enumerated() { column[lo + j] = value }
            }
            permute(out.service)
            permute(out.from)
            permute(out.provider)
            for (j, entry) in run.enumerated() { time[lo + j] = entry.time }
        }
    }

    /// Rows `lo..<hi` by time, stably, rows `lo..<first` being in order already; every
    /// column moved with its row.
    @inline(__always)
    private static func insertionSort(_ lo: Int, _ first: Int, _ hi: Int, _ out: Columns) {
        let referrals = !out.from.isEmpty
        let organised = !out.provider.isEmpty
        for k in first..<hi {
            let t = out.time[k]
            var j = k
            guard t < out.time[j - 1] else { continue }
            let service = out.service[k]
            let from = referrals ? out.from[k] : 0
            let provider = organised ? out.provider[k] : 0
            while j > lo && out.time[j - 1] > t {
                out.time[j] = out.time[j - 1]
                out.service[j] = out.service[j - 1]
                if referrals { out.from[j] = out.from[j - 1] }
                if organised { out.provider[j] = out.provider[j - 1] }
                j -= 1
            }
            out.time[j] = t
            out.service[j] = service
            if referrals { out.from[j] = from }
            if organised { out.provider[j] = provider }
        }
    }

    public var patients: Int { starts.count - 1 }
    /// Rows in all.
    public var rows: Int { service.count }
}

extension PatientJourneys {
    /// Where patient `p`'s journey starts (event rows: the first service; referral rows: the
    /// first `from`) and ends.
    func startAndEnd(patient p: Int) -> (Int32, Int32) {
        (shape == .events ? service[starts[p]] : from[starts[p]], service[starts[p + 1] - 1])
    }

    /// Calls `body` with each transition of patient `p` in order: from, to, and the row it
    /// reaches, which has a wait (its time less the row before's) when it is not the
    /// patient's first row.
    @inline(__always)
    func forEachStep(patient p: Int, _ body: (Int32, Int32, Int) -> Void) {
        let lo = starts[p]
        let hi = starts[p + 1]
        if shape == .events {
            var k = lo + 1
            while k < hi {
                body(service[k - 1], service[k], k)
                k += 1
            }
        } else {
            for k in lo..<hi { body(from[k], service[k], k) }
        }
    }
}
