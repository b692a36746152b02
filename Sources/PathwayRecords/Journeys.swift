/// Each patient's rows in the order of `shared/pathway-format.md` section 5: by time, ties
/// by file order. Discovery and conformance both walk it.
public struct PatientJourneys: Sendable {
    /// Row numbers, patient by patient (in the order patients first appear), each patient's in
    /// time order.
    public let order: [Int32]
    /// Patient `p`'s rows are `order[starts[p]..<starts[p + 1]]`.
    public let starts: [Int]
    /// The log's columns in that order, read once, so that every pass over the journeys reads
    /// memory in order, not a row scattered across the file at a time (at 10^7 rows, the cost
    /// was the cache misses): the service reached (or `to`), the time, the `from` (referral
    /// rows) and the provider (the organisation when the log has one, else the service).
    let service: [Int32]
    let time: [Int64]
    let from: [Int32]
    let provider: [Int32]
    let shape: RecordShape

    public init(_ log: RecordLog) {
        let patients = log.patientNames.count
        // A counting sort by patient keeps file order within each patient.
        var starts = [Int](repeating: 0, count: patients + 1)
        for p in log.patient { starts[Int(p) + 1] += 1 }
        for k in 0..<patients { starts[k + 1] += starts[k] }
        var next = starts
        var order = [Int32](repeating: 0, count: log.count)
        for row in 0..<log.count {
            let p = Int(log.patient[row])
            order[next[p]] = Int32(row)
            next[p] += 1
        }
        // Within a patient, by time then row; already in row order, so only unsorted runs sort.
        let time = log.time
        order.withUnsafeMutableBufferPointer { buffer in
            for p in 0..<patients {
                let lo = starts[p]
                let hi = starts[p + 1]
                var sorted = true
                var k = lo + 1
                while k < hi {
                    if time[Int(buffer[k])] < time[Int(buffer[k - 1])] {
                        sorted = false
                        break
                    }
                    k += 1
                }
                if !sorted {
                    var slice = UnsafeMutableBufferPointer(rebasing: buffer[lo..<hi])
                    slice.sort { a, b in
                        let ta = time[Int(a)]
                        let tb = time[Int(b)]
                        return ta != tb ? ta < tb : a < b
                    }
                }
            }
        }
        self.order = order
        self.starts = starts
        service = order.map { log.service[Int($0)] }
        self.time = order.map { log.time[Int($0)] }
        from = log.shape == .referrals ? order.map { log.from[Int($0)] } : []
        provider = log.organisation.isEmpty ? service : order.map { log.organisation[Int($0)] }
        shape = log.shape
    }

    public var patients: Int { starts.count - 1 }

    /// Patient `p`'s rows in order.
    public func rows(_ p: Int) -> ArraySlice<Int32> { order[starts[p]..<starts[p + 1]] }
}

/// One step of a journey: a transition from → to, with its wait in nanoseconds when it has one.
struct Step {
    var from: Int32
    var to: Int32
    var wait: Int64?
}

extension PatientJourneys {
    /// Where patient `p`'s journey starts (event rows: the first service; referral rows: the
    /// first `from`) and ends.
    func startAndEnd(patient p: Int) -> (Int32, Int32) {
        (shape == .events ? service[starts[p]] : from[starts[p]], service[starts[p + 1] - 1])
    }

    /// Patient `p`'s transitions in order, in `steps` (emptied first, so that one buffer
    /// serves every patient).
    func steps(patient p: Int, into steps: inout [Step]) {
        steps.removeAll(keepingCapacity: true)
        let lo = starts[p]
        let hi = starts[p + 1]
        if shape == .events {
            for k in (lo + 1)..<max(lo + 1, hi) {
                steps.append(Step(from: service[k - 1], to: service[k], wait: time[k] - time[k - 1]))
            }
        } else {
            for k in lo..<hi {
                steps.append(Step(from: from[k], to: service[k], wait: k > lo ? time[k] - time[k - 1] : nil))
            }
        }
    }
}
