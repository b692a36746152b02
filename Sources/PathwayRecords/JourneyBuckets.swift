/// The two passes of ``PatientJourneys``' radix sort by patient. The pointers are shared by
/// two cores, each writing places of its own: its half's places in each bucket in the first
/// pass, its buckets' places in the second.
struct JourneyBuckets {
    /// Patient `p` is in bucket `p >> shift`.
    let shift: Int
    let patients: Int
    /// Bucket `b`'s rows go to `bucketStart[b]..<bucketStart[b + 1]`.
    let bucketStart: [Int]
    /// Each placed row's patient within its bucket, written by the first pass.
    let local: UnsafeMutableBufferPointer<UInt16>
    let starts: UnsafeMutableBufferPointer<Int>
    let largestCopied: Int

    func patients(of b: Int) -> Range<Int> { (b << shift)..<min(patients, (b + 1) << shift) }

    /// The first pass: the rows of `half`, in file order, each to the next place of its
    /// patient's bucket, starting from `cursor`.
    func distribute(_ log: RecordLog, _ half: Range<Int>, _ cursor: [Int], _ out: PatientJourneys.Columns) {
        let referrals = !out.from.isEmpty
        let organised = !out.provider.isEmpty
        let mask = (1 << shift) - 1
        var next = cursor
        log.patient.withUnsafeBufferPointer { patient in
            log.service.withUnsafeBufferPointer { service in
                log.time.withUnsafeBufferPointer { time in
                    next.withUnsafeMutableBufferPointer { next in
                        for row in half {
                            let p = Int(patient[row])
                            let at = next[p >> shift]
                            next[p >> shift] = at + 1
                            out.service[at] = service[row]
                            out.time[at] = time[row]
                            if referrals { out.from[at] = log.from[row] }
                            if organised { out.provider[at] = log.organisation[row] }
                            local[at] = UInt16(truncatingIfNeeded: p & mask)
                        }
                    }
                }
            }
        }
    }

    /// Where each patient of the buckets of `group` ends (`starts[p + 1]`), counted from the
    /// bucket's rows.
    func count(_ group: Range<Int>) {
        for b in group {
            let here = patients(of: b)
            for p in here { starts[p + 1] = 0 }
            for at in bucketStart[b]..<bucketStart[b + 1] { starts[here.lowerBound + Int(local[at]) + 1] += 1 }
            var end = bucketStart[b]
            for p in here {
                end += starts[p + 1]
                starts[p + 1] = end
            }
        }
    }

    /// The second pass, once every patient's start is known: each bucket of `group` copied
    /// out, each row written back to its patient's next place (so each patient's rows keep
    /// file order), then each patient's rows put in time order.
    func place(_ log: RecordLog, _ group: Range<Int>, _ out: PatientJourneys.Columns) {
        let sizes = group.map { bucketStart[$0 + 1] - bucketStart[$0] }
        let largest = sizes.filter { $0 <= largestCopied }.max() ?? 0
        var service = [Int32](repeating: 0, count: largest)
        var time = [Int64](repeating: 0, count: largest)
        var from = [Int32](repeating: 0, count: out.from.isEmpty ? 0 : largest)
        var provider = [Int32](repeating: 0, count: out.provider.isEmpty ? 0 : largest)
        var place = [UInt16](repeating: 0, count: largest)
        var next = [Int](repeating: 0, count: 1 << shift)
        for b in group {
            let lo = bucketStart[b]
            let n = bucketStart[b + 1] - lo
            let here = patients(of: b)
            if n > largestCopied {
                PatientJourneys.place(log, here, starts, out)
            } else {
                for (q, p) in here.enumerated() { next[q] = starts[p] }
                func copy<T>(_ column: UnsafeMutableBufferPointer<T>, _ into: inout [T]) {
                    guard !column.isEmpty else { return }
                    for j in 0..<n { into[j] = column[lo + j] }
                }
                copy(out.service, &service)
                copy(out.time, &time)
                copy(out.from, &from)
                copy(out.provider, &provider)
                copy(local, &place)
                for j in 0..<n {
                    let q = Int(place[j])
                    let at = next[q]
                    next[q] = at + 1
                    out.service[at] = service[j]
                    out.time[at] = time[j]
                    if !from.isEmpty { out.from[at] = from[j] }
                    if !provider.isEmpty { out.provider[at] = provider[j] }
                }
            }
            PatientJourneys.sortRuns(here, starts, out)
        }
    }
}

extension PatientJourneys {
    /// Each row of the patients in `part` written from the log to its patient's next place:
    /// one pass over every row, for a bucket too large to copy.
    static func place(
        _ log: RecordLog, _ part: Range<Int>, _ starts: UnsafeMutableBufferPointer<Int>, _ out: Columns
    ) {
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
}
