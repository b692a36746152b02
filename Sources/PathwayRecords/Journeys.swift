/// Each patient's rows in the order of `shared/pathway-format.md` section 5: by time, ties
/// by file order. Discovery and conformance both walk it.
public struct PatientJourneys: Sendable {
    /// Row numbers, patient by patient (in the order patients first appear), each patient's in
    /// time order.
    public let order: [Int32]
    /// Patient `p`'s rows are `order[starts[p]..<starts[p + 1]]`.
    public let starts: [Int]

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

extension RecordLog {
    /// Calls `body` with each transition of patient `p`, in order.
    func forEachStep(_ journeys: PatientJourneys, patient p: Int, _ body: (Step) -> Void) {
        let rows = journeys.rows(p)
        var previous: Int32 = -1
        for row in rows {
            let r = Int(row)
            switch shape {
            case .events:
                if previous >= 0 {
                    body(Step(from: service[Int(previous)], to: service[r], wait: time[r] - time[Int(previous)]))
                }
            case .referrals:
                body(Step(from: from[r], to: service[r], wait: previous >= 0 ? time[r] - time[Int(previous)] : nil))
            }
            previous = row
        }
    }

    /// Where patient `p`'s journey starts and ends.
    func startAndEnd(_ journeys: PatientJourneys, patient p: Int) -> (Int32, Int32) {
        let rows = journeys.rows(p)
        let first = Int(rows.first!)
        let last = Int(rows.last!)
        return (shape == .events ? service[first] : from[first], service[last])
    }
}
