import PathwayCore

extension Discovery {
    /// The variants: the patients sorted by path (service by service in byte order, a prefix
    /// first), equal paths counted, then the most patients first, ties in path order.
    /// `ranks[s]` is service `s`'s place in byte order.
    ///
    /// Each path's first services' places are packed into one integer (a place plus one, so
    /// that an ended path sorts first): most comparisons are of integers; paths whose keys tie
    /// are compared service by service.
    static func variants(_ journeys: PatientJourneys, ranks: [Int32], names: [String]) -> VariantList {
        // Event rows: a path is the patient's services; referral rows: the first `from`, then
        // every `to`.
        var allPaths = journeys.service
        var starts = journeys.starts
        if journeys.shape == .referrals {
            allPaths = []
            allPaths.reserveCapacity(journeys.service.count + journeys.patients)
            for p in 0..<journeys.patients {
                allPaths.append(journeys.from[journeys.starts[p]])
                allPaths.append(contentsOf: journeys.service[journeys.starts[p]..<journeys.starts[p + 1]])
                starts[p + 1] = allPaths.count
            }
        }
        let paths = allPaths
        let pathStart = starts
        func pathLess(_ a: Int, _ b: Int) -> Bool {
            var i = pathStart[a]
            var j = pathStart[b]
            let ea = pathStart[a + 1]
            let eb = pathStart[b + 1]
            while i < ea && j < eb {
                let x = paths[i]
                let y = paths[j]
                if x != y { return ranks[Int(x)] < ranks[Int(y)] }
                i += 1
                j += 1
            }
            return ea - pathStart[a] < eb - pathStart[b]
        }
        func samePath(_ a: Int, _ b: Int) -> Bool {
            pathStart[a + 1] - pathStart[a] == pathStart[b + 1] - pathStart[b]
                && paths[pathStart[a]..<pathStart[a + 1]] == paths[pathStart[b]..<pathStart[b + 1]]
        }
        let bits = max(1, Int.bitWidth - ranks.count.leadingZeroBitCount)
        let packed = 64 / bits
        var keys = [UInt64](repeating: 0, count: journeys.patients)
        var order = [Int32](repeating: 0, count: journeys.patients)
        for p in 0..<journeys.patients {
            var key: UInt64 = 0
            let lo = pathStart[p]
            let length = pathStart[p + 1] - lo
            for i in 0..<packed {
                key = key << bits | (i < length ? UInt64(ranks[Int(paths[lo + i])] + 1) : 0)
            }
            keys[p] = key
            order[p] = Int32(p)
        }
        // By key (a stable radix sort), then, where keys tie and a path is longer than the
        // key holds, by the rest of the path; patients of one path stay in file order.
        IDTable.radixSort(&keys, carrying: &order)
        // A key whose last place is empty is a path shorter than the key holds, which the
        // key alone determines: only ties of full keys need their paths read (each read a
        // cache miss, the patients being in key order now).
        let lastPlace: UInt64 = (1 << UInt64(bits)) - 1
        var runStart = 0
        while runStart < order.count {
            var runEnd = runStart + 1
            while runEnd < order.count && keys[runEnd] == keys[runStart] { runEnd += 1 }
            if runEnd - runStart > 1 && keys[runStart] & lastPlace != 0 {
                order[runStart..<runEnd].sort { pathLess(Int($0), Int($1)) }
            }
            runStart = runEnd
        }
        var groups: [(patient: Int, count: Int)] = []
        for (k, patient) in order.enumerated() {
            let p = Int(patient)
            if let last = groups.last, keys[k] == keys[k - 1], keys[k] & lastPlace == 0 || samePath(last.patient, p) {
                groups[groups.count - 1].count += 1
            } else {
                groups.append((p, 1))
            }
        }
        // Most patients first, ties in path order: a counting sort by count, stable.
        let most = groups.map(\.count).max() ?? 0
        var place = [Int](repeating: 0, count: most + 2)
        for group in groups { place[most - group.count + 1] += 1 }
        for c in 0...most { place[c + 1] += place[c] }
        var ordered = [Int](repeating: 0, count: groups.count)
        for (k, group) in groups.enumerated() {
            ordered[place[most - group.count]] = k
            place[most - group.count] += 1
        }
        return VariantList(
            paths: paths, starts: pathStart, representative: ordered.map { Int32(groups[$0].patient) },
            patients: ordered.map { groups[$0].count }, names: names)
    }
}

/// Every distinct path with its patients, most patients first: a list of ``Discovery/Variant``
/// that names a variant's services only when it is read. At 10^7 rows there are millions of
/// variants, of which a report reads a handful; holding each as an array of names cost more
/// memory than the records.
public struct VariantList: RandomAccessCollection, Equatable, Sendable, ExpressibleByArrayLiteral {
    /// Paths one after another; variant `k` is the path `paths[starts[r]..<starts[r + 1]]` of
    /// `r = representative[k]`, in services named by `names`.
    private let paths: [Int32]
    private let starts: [Int]
    private let representative: [Int32]
    private let patients: [Int]
    private let names: [String]

    init(paths: [Int32], starts: [Int], representative: [Int32], patients: [Int], names: [String]) {
        self.paths = paths
        self.starts = starts
        self.representative = representative
        self.patients = patients
        self.names = names
    }

    /// These variants, in this order.
    public init(_ variants: [Discovery.Variant]) {
        var index: [String: Int32] = [:]
        var names: [String] = []
        var paths: [Int32] = []
        var starts = [0]
        for variant in variants {
            for name in variant.path {
                if index[name] == nil {
                    index[name] = Int32(names.count)
                    names.append(name)
                }
                paths.append(index[name]!)
            }
            starts.append(paths.count)
        }
        self.init(
            paths: paths, starts: starts, representative: variants.indices.map { Int32($0) },
            patients: variants.map(\.patients), names: names)
    }

    public init(arrayLiteral variants: Discovery.Variant...) { self.init(variants) }

    public var startIndex: Int { 0 }
    public var endIndex: Int { patients.count }

    public subscript(k: Int) -> Discovery.Variant {
        let r = Int(representative[k])
        return Discovery.Variant(path: paths[starts[r]..<starts[r + 1]].map { names[Int($0)] }, patients: patients[k])
    }

    public static func == (a: VariantList, b: VariantList) -> Bool { a.elementsEqual(b) }
}
