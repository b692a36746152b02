import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Loads the CSV pair of `shared/pathway-format.md` section 1 straight into a
/// ``PathwayNetwork``, for networks of millions of services.
///
/// The fast reader takes files as they usually are: plain rows, ids and words valid, every
/// service once. Ids are interned into one ``IDTable``; the two files are read on two cores,
/// and the routes resolved to arcs in two halves. It allocates nothing per row.
///
/// Anything else (a quoted id, a bad field, a duplicate, a sector that disagrees, a byte-order
/// mark, a non-ASCII byte outside a name or note) sends the files to ``CSVPathwayLoader``,
/// which applies every rule and reports each problem at its file, line and column. So both
/// readers accept exactly the same files, and give the same network.
public enum CSVNetworkLoader {
    /// The network of `folder/services.csv` and `folder/routes.csv`.
    public static func load(folder: String) throws(PathwayLoadError) -> PathwayNetwork {
        if let network = fastLoad(folder: folder) { return network }
        return PathwayNetwork(try CSVPathwayLoader.load(folder: folder))
    }

    /// The network, or nil when the files need the thorough reader.
    public static func fastLoad(folder: String) -> PathwayNetwork? {
        let servicesPath = (folder as NSString).appendingPathComponent("services.csv")
        let routesPath = (folder as NSString).appendingPathComponent("routes.csv")
        let title = URL(fileURLWithPath: folder).standardizedFileURL.lastPathComponent
        let (services, routes): (ServiceColumns?, RouteTokens??) = Parallel.both(
            { readFile(servicesPath).flatMap { bytes in bytes.withUnsafeBufferPointer { ServiceColumns($0) } } },
            {
                // nil: the file is there but needs the thorough reader; .some(nil): no file.
                guard FileManager.default.fileExists(atPath: routesPath) else { return .some(nil) }
                guard let bytes = readFile(routesPath) else { return nil }
                return RouteTokens(bytes).map { RouteTokens?.some($0) }
            })
        guard let services, let routes else { return nil }
        return network(title: title, services: services, routes: routes, routesFile: routesPath)
    }

    /// The whole file, if it is a readable regular file within the size limit and plain ASCII
    /// or UTF-8 without NUL; nil otherwise (the thorough reader then says what is wrong).
    static func readFile(_ path: String) -> [UInt8]? {
        try? TextInput.readBytes(path, limit: CSVPathwayLoader.maximumFileSize)
    }

    private static func network(
        title: String, services: ServiceColumns, routes: RouteTokens?, routesFile: String
    ) -> PathwayNetwork? {
        let ids = services.ids
        let n = ids.count
        let m = routes?.count ?? 0
        // Resolve the routes in two halves, one per core.
        struct Resolved {
            var from: [Int32] = []
            var to: [Int32] = []
            var route: [Int32] = []
            var orphans: [Int] = []
            var sink: UInt64 = 0
        }
        func resolve(_ range: Range<Int>) -> Resolved {
            var out = Resolved()
            guard let routes else { return out }
            out.from.reserveCapacity(range.count)
            out.to.reserveCapacity(range.count)
            out.route.reserveCapacity(range.count)
            routes.bytes.withUnsafeBufferPointer { bytes in
                func end(_ start: UInt32, _ end: UInt32) -> UnsafeBufferPointer<UInt8> {
                    UnsafeBufferPointer(rebasing: bytes[Int(start)..<Int(end)])
                }
                // Each block's ends are hashed and their slots read first, all at once, so
                // that their cache misses overlap instead of following one another. (Hashed
                // here, on both cores, rather than while reading the file, on one.)
                var sink: UInt64 = 0
                let block = 16
                var fromHash = [UInt64](repeating: 0, count: block)
                var toHash = [UInt64](repeating: 0, count: block)
                for r in range {
                    if (r - range.lowerBound) % block == 0 {
                        for q in r..<min(r + block, range.upperBound) {
                            let j = q - r
                            fromHash[j] = IDTable.hash(end(routes.fromStart[q], routes.fromEnd[q]))
                            toHash[j] = IDTable.hash(end(routes.toStart[q], routes.toEnd[q]))
                            sink &+= ids.slotWord(hash: fromHash[j]) &+ ids.slotWord(hash: toHash[j])
                        }
                    }
                    let j = (r - range.lowerBound) % block
                    let from = ids.find(
                        UnsafeBufferPointer(rebasing: bytes[Int(routes.fromStart[r])..<Int(routes.fromEnd[r])]),
                        hash: fromHash[j])
                    let to = ids.find(
                        UnsafeBufferPointer(rebasing: bytes[Int(routes.toStart[r])..<Int(routes.toEnd[r])]),
                        hash: toHash[j])
                    if let from, let to {
                        out.from.append(Int32(from))
                        out.to.append(Int32(to))
                        out.route.append(Int32(r))
                    } else {
                        out.orphans.append(r)
                    }
                }
                out.sink = sink
            }
            return out
        }
        let (first, second) = Parallel.both({ resolve(0..<m / 2) }, { resolve(m / 2..<m) })
        let arcFrom = first.from + second.from
        let arcTo = first.to + second.to
        let arcRoute = first.route + second.route
        let graph = ServiceGraph(
            ids: ids, organisation: services.organisation,
            organisationIDs: Array(services.organisations), isEntry: services.isEntry,
            isTerminal: services.isTerminal, arcFrom: arcFrom, arcTo: arcTo, arcRoute: arcRoute)
        var inbound = [Int](repeating: 0, count: n)
        if let routes {
            for k in arcTo.indices {
                let volume = routes.volume[Int(arcRoute[k])]
                if volume > 0 { inbound[Int(arcTo[k])] += volume }
            }
        }
        let orphanedRoutes = routes.map { $0.routes(first.orphans + second.orphans, file: routesFile) } ?? []
        return PathwayNetwork(
            title: title, graph: graph, organisations: services.organisations.count,
            sectors: Set(services.organisationSector).count, capacity: services.capacity,
            inboundVolume: inbound,
            functions: zip(services.functionWords, services.providers).map {
                PathwayNetwork.Function(word: $0, providers: $1)
            },
            orphanedRoutes: orphanedRoutes,
            eligibility: zip(services.eligibilityWords, services.requirers).map {
                PathwayNetwork.Function(word: $0, providers: $1)
            })
    }
}

/// Bytes of the CSV grammar.
private enum Byte {
    static let comma = UInt8(ascii: ",")
    static let quote = UInt8(ascii: "\"")
    static let newline: UInt8 = 0x0A
    static let cr: UInt8 = 0x0D
    static let semicolon = UInt8(ascii: ";")
    static let space = UInt8(ascii: " ")
    static let tab: UInt8 = 0x09
    static let dash = UInt8(ascii: "-")

    @inline(__always) static func isLowerAlnum(_ b: UInt8) -> Bool {
        (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z")) || (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9"))
    }
}

/// A cursor over one CSV file that reads plain records only; every `nil` it returns means "not
/// plain: use the thorough reader".
private struct PlainCSV {
    let bytes: UnsafeBufferPointer<UInt8>
    var index = 0

    var atEnd: Bool { index >= bytes.count }

    /// Skips blank lines; false at the end of the file.
    mutating func startRecord() -> Bool {
        while index < bytes.count && (bytes[index] == Byte.newline || bytes[index] == Byte.cr) { index += 1 }
        return index < bytes.count
    }

    /// The next field, unquoted; nil if it is quoted or holds a quote.
    @inline(__always)
    mutating func field() -> Range<Int>? {
        let start = index
        let n = bytes.count
        while index < n {
            let b = bytes[index]
            if b == Byte.comma || b == Byte.newline || b == Byte.cr { break }
            if b == Byte.quote { return nil }
            index += 1
        }
        return start..<index
    }

    /// Steps over the next field, which may be quoted.
    mutating func skipField() -> Bool {
        if index < bytes.count && bytes[index] == Byte.quote {
            index += 1
            while true {
                guard index < bytes.count else { return false }
                if bytes[index] == Byte.quote {
                    if index + 1 < bytes.count && bytes[index + 1] == Byte.quote {
                        index += 2
                        continue
                    }
                    index += 1
                    break
                }
                index += 1
            }
            return index >= bytes.count || bytes[index] == Byte.comma || bytes[index] == Byte.newline
                || bytes[index] == Byte.cr
        }
        return field() != nil
    }

    /// Steps over the separator after field `k` of `width`: a comma, or the end of the record.
    @inline(__always)
    mutating func separator(after k: Int, of width: Int) -> Bool {
        if k + 1 < width {
            guard index < bytes.count, bytes[index] == Byte.comma else { return false }
            index += 1
            return true
        }
        if index < bytes.count {
            if bytes[index] == Byte.comma { return false }
            if bytes[index] == Byte.cr { index += 1 }
            if index < bytes.count && bytes[index] == Byte.newline { index += 1 }
        }
        return true
    }

    /// Reads one record: the free-text column (a name or note, which may be quoted) is stepped
    /// over, and every other field handed to `body` with its column; false when the record is
    /// not plain or `body` refuses a field.
    @inline(__always)
    mutating func readRecord(columns: [Int], freeText: Int, _ body: (Int, Range<Int>) -> Bool) -> Bool {
        for k in columns.indices {
            if columns[k] == freeText {
                guard skipField() else { return false }
            } else {
                guard let range = field(), body(columns[k], range) else { return false }
            }
            guard separator(after: k, of: columns.count) else { return false }
        }
        return true
    }

    /// The header's column names, if plain and known, each once, with the required ones.
    mutating func header(known: [String], required: [String]) -> [Int]? {
        guard startRecord() else { return nil }
        var columns: [Int] = []
        while true {
            guard let range = field() else { return nil }
            let name = String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
                .trimmingCharacters(in: .whitespaces)
            guard let k = known.firstIndex(of: name), !columns.contains(k) else { return nil }
            columns.append(k)
            if index < bytes.count && bytes[index] == Byte.comma {
                index += 1
                continue
            }
            if index < bytes.count && bytes[index] == Byte.cr { index += 1 }
            if index < bytes.count && bytes[index] == Byte.newline { index += 1 }
            break
        }
        for name in required where !columns.contains(known.firstIndex(of: name)!) { return nil }
        return columns
    }

    func isID(_ range: Range<Int>) -> Bool {
        guard !range.isEmpty else { return false }
        for k in range where !(Byte.isLowerAlnum(bytes[k]) || bytes[k] == Byte.dash) { return false }
        return true
    }

    func isKebabWord(_ range: Range<Int>) -> Bool {
        guard !range.isEmpty, Byte.isLowerAlnum(bytes[range.lowerBound]),
            Byte.isLowerAlnum(bytes[range.upperBound - 1])
        else { return false }
        var previousDash = false
        for k in range {
            if bytes[k] == Byte.dash {
                if previousDash { return false }
                previousDash = true
            } else if Byte.isLowerAlnum(bytes[k]) {
                previousDash = false
            } else {
                return false
            }
        }
        return true
    }

    /// true or false as the format spells them (`true`, `True`, `TRUE`), `.some(nil)` when
    /// empty, nil for anything else.
    func bool(_ range: Range<Int>) -> Bool?? {
        if range.isEmpty { return .some(nil) }
        let text = UnsafeBufferPointer(rebasing: bytes[range])
        if Self.matches(text, Self.trueSpellings) { return true }
        if Self.matches(text, Self.falseSpellings) { return false }
        return nil
    }

    private static let trueSpellings: [[UInt8]] = ["true", "True", "TRUE"].map { Array($0.utf8) }
    private static let falseSpellings: [[UInt8]] = ["false", "False", "FALSE"].map { Array($0.utf8) }

    @inline(__always)
    static func matches(_ text: UnsafeBufferPointer<UInt8>, _ spellings: [[UInt8]]) -> Bool {
        for spelling in spellings where matches(text, spelling) { return true }
        return false
    }

    @inline(__always)
    static func matches(_ text: UnsafeBufferPointer<UInt8>, _ spelling: [UInt8]) -> Bool {
        guard spelling.count == text.count else { return false }
        for j in 0..<text.count where text[j] != spelling[j] { return false }
        return true
    }

    /// A count: -1 when empty, nil unless digits (after an optional `+`, as the format
    /// allows) within ``Limits/maximumCount``.
    func count(_ range: Range<Int>) -> Int? {
        if range.isEmpty { return -1 }
        var digits = range
        if bytes[range.lowerBound] == UInt8(ascii: "+") { digits = range.lowerBound + 1..<range.upperBound }
        guard !digits.isEmpty, digits.count <= 13 else { return nil }
        var value = 0
        for k in digits {
            let b = bytes[k]
            guard b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int(b - UInt8(ascii: "0"))
        }
        return value <= Limits.maximumCount ? value : nil
    }

    /// Calls `body` with each item of a `;`-separated list, trimmed of spaces and tabs, empty
    /// items skipped; false when an item is empty after trimming or fails `valid`.
    @inline(__always)
    func forEachItem(_ range: Range<Int>, valid: (Range<Int>) -> Bool, _ body: (Range<Int>) -> Void) -> Bool {
        var start = range.lowerBound
        while start <= range.upperBound {
            var end = start
            while end < range.upperBound && bytes[end] != Byte.semicolon { end += 1 }
            if end > start {
                var a = start
                var b = end
                while a < b && (bytes[a] == Byte.space || bytes[a] == Byte.tab) { a += 1 }
                while b > a && (bytes[b - 1] == Byte.space || bytes[b - 1] == Byte.tab) { b -= 1 }
                guard a < b, valid(a..<b) else { return false }
                body(a..<b)
            }
            start = end + 1
        }
        return true
    }
}

/// The columns of `services.csv` that the metrics read.
struct ServiceColumns {
    var ids: IDTable
    var organisation: [Int32] = []
    var organisations = IDTable()
    var organisationSector: [UInt8] = []
    var isEntry: [Bool] = []
    var isTerminal: [Bool] = []
    var capacity: [Int] = []
    var functionWords: [String] = []
    var providers: [[Int32]] = []
    /// Each eligibility word, in order of first mention, with the services that require it.
    var eligibilityWords: [String] = []
    var requirers: [[Int32]] = []
    /// What the slots read ahead held, kept so that the reads are not optimised away.
    var readAhead: UInt64 = 0

    private static let known = [
        "id", "name", "organisation", "sector", "entry", "terminal", "functions", "capacity", "replaces",
        "eligibility",
    ]
    private static let sectors: [[UInt8]] = Sector.allCases.map { Array($0.rawValue.utf8) }

    init?(_ bytes: UnsafeBufferPointer<UInt8>) {
        var csv = PlainCSV(bytes: bytes)
        // A byte-order mark is for the thorough reader.
        if bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF { return nil }
        guard let columns = csv.header(known: Self.known, required: ["id", "organisation", "sector"]) else {
            return nil
        }
        // Roughly one row per 60 bytes.
        let estimate = bytes.count / 60 + 16
        ids = IDTable(reservingCapacity: estimate, bytesEach: 12)
        organisation.reserveCapacity(estimate)
        isEntry.reserveCapacity(estimate)
        isTerminal.reserveCapacity(estimate)
        capacity.reserveCapacity(estimate)
        var words = IDTable()
        var eligibilityTable = IDTable()
        // Reads field values; `csv` moves through the records.
        let fields = PlainCSV(bytes: bytes)
        let nameColumn = Self.known.firstIndex(of: "name")!
        var rowWords: [Int32] = []
        var rowEligibility: [Int32] = []
        var sink: UInt64 = 0
        while csv.startRecord() {
            var id: Range<Int>?
            var idHash: UInt64 = 0
            var org: Range<Int>?
            var sector = -1
            var entry = false
            var terminal = false
            var cap = -1
            rowWords.removeAll(keepingCapacity: true)
            rowEligibility.removeAll(keepingCapacity: true)
            let plain = csv.readRecord(columns: columns, freeText: nameColumn) { column, range in
                switch column {
                case 0:
                    // The id's slot is read now, so that its cache miss is on its way while
                    // the rest of the row is read (a table of a million ids).
                    id = range
                    idHash = IDTable.hash(UnsafeBufferPointer(rebasing: bytes[range]))
                    sink &+= ids.slotWord(hash: idHash)
                case 2: org = range
                case 3:
                    let text = UnsafeBufferPointer(rebasing: bytes[range])
                    guard let s = Self.sectors.firstIndex(where: { PlainCSV.matches(text, $0) }) else { return false }
                    sector = s
                case 4:
                    guard let value = fields.bool(range) else { return false }
                    entry = value ?? false
                case 5:
                    guard let value = fields.bool(range) else { return false }
                    terminal = value ?? false
                case 6:
                    return fields.forEachItem(range, valid: fields.isKebabWord) { item in
                        let word = Int32(words.insert(UnsafeBufferPointer(rebasing: bytes[item])).position)
                        if !rowWords.contains(word) { rowWords.append(word) }
                    }
                case 7:
                    guard let value = fields.count(range) else { return false }
                    cap = value
                case 9:
                    return fields.forEachItem(range, valid: fields.isKebabWord) { item in
                        let word = Int32(eligibilityTable.insert(UnsafeBufferPointer(rebasing: bytes[item])).position)
                        if !rowEligibility.contains(word) { rowEligibility.append(word) }
                    }
                default:
                    return fields.forEachItem(range, valid: fields.isID, { _ in })
                }
                return true
            }
            guard plain else { return nil }
            guard let id, csv.isID(id), let org, csv.isID(org), sector >= 0 else { return nil }
            let v = ids.count
            guard ids.insert(UnsafeBufferPointer(rebasing: bytes[id]), hash: idHash).inserted else { return nil }
            let (o, added) = organisations.insert(UnsafeBufferPointer(rebasing: bytes[org]))
            if added {
                organisationSector.append(UInt8(sector))
            } else if organisationSector[o] != UInt8(sector) {
                return nil
            }
            organisation.append(Int32(o))
            isEntry.append(entry)
            isTerminal.append(terminal)
            capacity.append(cap)
            for word in rowWords {
                if Int(word) == providers.count { providers.append([]) }
                providers[Int(word)].append(Int32(v))
            }
            for word in rowEligibility {
                if Int(word) == requirers.count { requirers.append([]) }
                requirers[Int(word)].append(Int32(v))
            }
        }
        guard !ids.isEmpty else { return nil }
        readAhead = sink
        functionWords = Array(words)
        eligibilityWords = Array(eligibilityTable)
    }
}

/// The fields of `routes.csv` that the metrics read, as byte ranges into the file. The ends are
/// hashed when they are resolved, on both cores, not kept: 48 MB less at 3×10^6 routes.
struct RouteTokens {
    let bytes: [UInt8]
    var fromStart: [UInt32] = []
    var fromEnd: [UInt32] = []
    var toStart: [UInt32] = []
    var toEnd: [UInt32] = []
    /// Referrals a year, -1 when not given.
    var volume: [Int] = []
    /// Index into `purposes`, -1 when not given.
    var purpose: [Int32] = []
    var informal: [Bool] = []
    var purposes = IDTable()
    /// The byte offset of each route's record, to find its line for an orphaned route.
    var recordStart: [UInt32] = []

    var count: Int { fromStart.count }

    private static let known = ["from", "to", "purpose", "kind", "volume", "note"]

    init?(_ bytes: [UInt8]) {
        self.bytes = bytes
        guard bytes.count < Int(UInt32.max), bytes.withUnsafeBufferPointer({ parse($0) }) else { return nil }
    }

    /// Reads every record into the columns; false when the file needs the thorough reader.
    private mutating func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        if bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF { return false }
        var csv = PlainCSV(bytes: bytes)
        guard let columns = csv.header(known: Self.known, required: ["from", "to"]) else { return false }
        let estimate = bytes.count / 30 + 16
        func reserve<T>(_ column: inout [T]) { column.reserveCapacity(estimate) }
        reserve(&fromStart)
        reserve(&fromEnd)
        reserve(&toStart)
        reserve(&toEnd)
        reserve(&volume)
        reserve(&purpose)
        reserve(&informal)
        reserve(&recordStart)
        // Reads field values; `csv` moves through the records.
        let fields = PlainCSV(bytes: bytes)
        let noteColumn = Self.known.firstIndex(of: "note")!
        while csv.startRecord() {
            let start = csv.index
            var from: Range<Int>?
            var to: Range<Int>?
            var word: Int32 = -1
            var isInformal = false
            var count = -1
            let plain = csv.readRecord(columns: columns, freeText: noteColumn) { column, range in
                switch column {
                case 0: from = range
                case 1: to = range
                case 2:
                    if !range.isEmpty {
                        guard fields.isKebabWord(range) else { return false }
                        word = Int32(purposes.insert(UnsafeBufferPointer(rebasing: bytes[range])).position)
                    }
                case 3:
                    let text = UnsafeBufferPointer(rebasing: bytes[range])
                    if text.isEmpty || text.elementsEqual("formal".utf8) {
                        isInformal = false
                    } else if text.elementsEqual("informal".utf8) {
                        isInformal = true
                    } else {
                        return false
                    }
                default:
                    guard let value = fields.count(range) else { return false }
                    count = value
                }
                return true
            }
            guard plain else { return false }
            guard let from, csv.isID(from), let to, csv.isID(to) else { return false }
            fromStart.append(UInt32(from.lowerBound))
            fromEnd.append(UInt32(from.upperBound))
            toStart.append(UInt32(to.lowerBound))
            toEnd.append(UInt32(to.upperBound))
            volume.append(count)
            purpose.append(word)
            informal.append(isInformal)
            recordStart.append(UInt32(start))
        }
        return true
    }

    private func text(_ start: UInt32, _ end: UInt32) -> String {
        String(decoding: bytes[Int(start)..<Int(end)], as: UTF8.self)
    }

    /// The routes at these indices (ascending), as ``Route`` values with their lines.
    func routes(_ indices: [Int], file: String) -> [Route] {
        var line = 1
        var offset = 0
        return indices.map { r in
            let start = Int(recordStart[r])
            while offset < start {
                if bytes[offset] == Byte.newline { line += 1 }
                offset += 1
            }
            return Route(
                from: text(fromStart[r], fromEnd[r]), to: text(toStart[r], toEnd[r]),
                purpose: purpose[r] < 0 ? nil : purposes[Int(purpose[r])], kind: informal[r] ? .informal : .formal,
                volume: volume[r] < 0 ? nil : volume[r], note: nil,
                location: SourceLocation(file: file, line: line, column: 1))
        }
    }
}
