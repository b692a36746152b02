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

    public init(_ log: RecordLog) {
        let patients = log.patientCount
        let n = log.count
        let referrals = log.shape == .referrals
        let organised = !log.organisation.isEmpty
        // Patient p's rows go to starts[p]..<starts[p + 1].
        var starts = [Int](repeating: 0, count: patients + 1)
        for p in log.patient { starts[Int(p) + 1] += 1 }
        for k in 0..<patients { starts[k + 1] += starts[k] }
        var service = [Int32](repeating: 0, count: n)
        var time = [Int64](repeating: 0, count: n)
        var from = [Int32](repeating: 0, count: referrals ? n : 0)
        var provider = [Int32](repeating: 0, count: organised ? n : 0)
        // Two cores, each the patients of about half the rows: their places are disjoint, so
        // each writes its own part of every column.
        var half = 0
        var above = patients
        while half < above {
            let middle = (half + above) / 2
            if starts[middle] < n / 2 { half = middle + 1 } else { above = middle }
        }
        let parts = n < 1 << 16 ? [0..<patients] : [0..<half, half..<patients]
        service.withUnsafeMutableBufferPointer { service in
            time.withUnsafeMutableBufferPointer { time in
                from.withUnsafeMutableBufferPointer { from in
                    provider.withUnsafeMutableBufferPointer { provider in
                        let out = Columns(service: service, time: time, from: from, provider: provider)
                        func order(_ part: Range<Int>) {
                            Self.place(log, part, starts, out)
                            Self.sortRuns(part, starts, out)
                        }
                        if parts.count == 1 {
                            order(parts[0])
                        } else {
                            _ = Parallel.both({ order(parts[0]) }, { order(parts[1]) })
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

    /// The columns being written, as pointers that two cores share (each writing its own
    /// patients' places).
    private struct Columns {
        let service: UnsafeMutableBufferPointer<Int32>
        let time: UnsafeMutableBufferPointer<Int64>
        let from: UnsafeMutableBufferPointer<Int32>
        let provider: UnsafeMutableBufferPointer<Int32>
    }

    /// A counting sort by patient, of the patients in `part`: each row of theirs written to
    /// its patient's next place, so that each patient's rows keep file order. Each column is
    /// written in the same pass, read in file order: none is gathered from rows scattered
    /// across the file afterwards (at 10^7 rows, the cost was the cache misses).
    private static func place(_ log: RecordLog, _ part: Range<Int>, _ starts: [Int], _ out: Columns) {
        let referrals = !out.from.isEmpty
        let organised = !out.provider.isEmpty
        var next = Array(starts[part.lowerBound..<part.upperBound])
        let first = Int32(part.lowerBound)
        let count = UInt32(part.count)
        log.patient.withUnsafeBufferPointer { patient in
            for row in 0..<patient.count {
                // One comparison for both bounds: below the part wraps round to a large number.
                let p = Int(UInt32(bitPattern: patient[row] &- first))
                guard p < count else { continue }
                let at = next[p]
                next[p] = at + 1
                out.service[at] = log.service[row]
                out.time[at] = log.time[row]
                if referrals { out.from[at] = log.from[row] }
                if organised { out.provider[at] = log.organisation[row] }
            }
        }
    }

    /// Within each patient of `part`, the rows by time then row: they are in row order, so
    /// only a patient whose times are out of order is sorted (by time, then place, which is
    /// row order), every column moved with its row.
    private static func sortRuns(_ part: Range<Int>, _ starts: [Int], _ out: Columns) {
        let time = out.time
        var run: [(time: Int64, at: Int)] = []
        var moved: [Int32] = []
        for p in part {
            let lo = starts[p]
            let hi = starts[p + 1]
            var k = lo + 1
            while k < hi && time[k] >= time[k - 1] { k += 1 }
            if k >= hi { continue }
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
