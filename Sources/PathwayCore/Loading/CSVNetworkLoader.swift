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
        // Resolve the routes in two halves, one per core, each writing the arcs of its routes
        // into its half of the same arrays.
        var arcFrom = [Int32](repeating: 0, count: m)
        var arcTo = [Int32](repeating: 0, count: m)
        typealias Half = (arcs: Int, orphans: [Int], inbound: [Int], sink: UInt64)
        let none: Half = (0, [], [], 0)
        func resolve(_ range: Range<Int>, _ from: UnsafeMutablePointer<Int32>, _ to: UnsafeMutablePointer<Int32>)
            -> Half
        {
            guard let routes else { return none }
            var arcs = 0
            var orphans: [Int] = []
            // The half's inbound volumes, made when the first volume is read.
            var inbound: [Int] = []
            var sink: UInt64 = 0
            routes.bytes.withUnsafeBufferPointer { bytes in
                func end(_ start: UInt32, _ end: UInt32) -> UnsafeBufferPointer<UInt8> {
                    UnsafeBufferPointer(rebasing: bytes[Int(start)..<Int(end)])
                }
                // Each block's ends are hashed and their slots read first, all at once, so
                // that their cache misses overlap instead of following one another. (Hashed
                // here, on both cores, rather than while reading the file, on one.)
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
                    if let a = ids.find(end(routes.fromStart[r], routes.fromEnd[r]), hash: fromHash[j]),
                        let b = ids.find(end(routes.toStart[r], routes.toEnd[r]), hash: toHash[j])
                    {
                        from[arcs] = Int32(a)
                        to[arcs] = Int32(b)
                        arcs += 1
                        let volume = routes.volume[r]
                        if volume > 0 {
                            if inbound.isEmpty { inbound = [Int](repeating: 0, count: n) }
                            inbound[b] += volume
                        }
                    } else {
                        orphans.append(r)
                    }
                }
            }
            return (arcs, orphans, inbound, sink)
        }
        let (first, second) = arcFrom.withUnsafeMutableBufferPointer { from -> (Half, Half) in
            arcTo.withUnsafeMutableBufferPointer { to -> (Half, Half) in
                // No routes, no arcs: an empty array need not have an address.
                guard let from = from.baseAddress, let to = to.baseAddress else { return (none, none) }
                let (first, second) = Parallel.both(
                    { resolve(0..<m / 2, from, to) }, { resolve(m / 2..<m, from + m / 2, to + m / 2) })
                // Close the gap the first half's orphaned routes left.
                if first.arcs < m / 2 && second.arcs > 0 {
                    (from + first.arcs).update(from: from + m / 2, count: second.arcs)
                    (to + first.arcs).update(from: to + m / 2, count: second.arcs)
                }
                return (first, second)
            }
        }
        readAhead = first.sink &+ second.sink
        let orphans = first.orphans + second.orphans
        arcFrom.removeLast(m - first.arcs - second.arcs)
        arcTo.removeLast(m - first.arcs - second.arcs)
        let graph = ServiceGraph(
            ids: ids, organisation: services.organisation,
            organisationIDs: Array(services.organisations), isEntry: services.isEntry,
            isTerminal: services.isTerminal, arcFrom: arcFrom, arcTo: arcTo)
        // Inbound volume over R, summed by each half.
        var inbound = first.inbound.isEmpty ? second.inbound : first.inbound
        if !first.inbound.isEmpty && !second.inbound.isEmpty {
            for v in 0..<n { inbound[v] += second.inbound[v] }
        }
        if inbound.isEmpty { inbound = [Int](repeating: 0, count: n) }
        let orphanedRoutes = routes.map { $0.routes(orphans, file: routesFile) } ?? []
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

/// What the hash slots read ahead held, kept where the optimiser cannot drop the reads.
nonisolated(unsafe) private var readAhead: UInt64 = 0

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

    /// Whether each byte may be in an id (`[a-z0-9-]`): a table made once, for the process.
    nonisolated(unsafe) private static let idBytes: UnsafePointer<Bool> = {
        let table = UnsafeMutablePointer<Bool>.allocate(capacity: 256)
        for b in 0..<256 { table[b] = Byte.isLowerAlnum(UInt8(b)) || b == Int(Byte.dash) }
        return UnsafePointer(table)
    }()
    private let isIDByte = PlainCSV.idBytes

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

    /// The next field if it is empty or an id's bytes (`[a-z0-9-]`) up to a comma or the end
    /// of the record; nil for anything else (the thorough reader says what), found in the same
    /// pass that finds the field's end.
    @inline(__always)
    mutating func idField() -> Range<Int>? {
        let start = index
        let n = bytes.count
        while index < n && isIDByte[Int(bytes[index])] { index += 1 }
        if index < n {
            let b = bytes[index]
            guard b == Byte.comma || b == Byte.newline || b == Byte.cr else { return nil }
        }
        return start..<index
    }

    /// A route's kind as the format spells it (empty is formal), nil for anything else.
    func kind(_ range: Range<Int>) -> RouteKind? {
        let text = UnsafeBufferPointer(rebasing: bytes[range])
        if text.isEmpty || text.elementsEqual("formal".utf8) { return .formal }
        if text.elementsEqual("informal".utf8) { return .informal }
        return nil
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

    /// true or false as the format spells them (`true`, `True`, `TRUE`, `false`, `False`,
    /// `FALSE`), `.some(nil)` when empty, nil for anything else. Four bytes are compared as
    /// one word (little-endian: `true` is 0x65757274).
    func bool(_ range: Range<Int>) -> Bool?? {
        let n = range.count
        if n == 0 { return .some(nil) }
        guard n == 4 || n == 5 else { return nil }
        let head = UnsafeRawPointer(bytes.baseAddress! + range.lowerBound).loadUnaligned(as: UInt32.self)
        if n == 4 { return head == 0x6575_7274 || head == 0x6575_7254 || head == 0x4555_5254 ? true : nil }
        let end = bytes[range.upperBound - 1]
        let isFalse =
            (head == 0x736C_6166 && end == UInt8(ascii: "e")) || (head == 0x736C_6146 && end == UInt8(ascii: "e"))
            || (head == 0x534C_4146 && end == UInt8(ascii: "E"))
        return isFalse ? false : nil
    }

    /// Whether two ranges hold the same bytes.
    @inline(__always)
    func equal(_ a: Range<Int>, _ b: Range<Int>) -> Bool {
        guard a.count == b.count else { return false }
        var j = 0
        while j < a.count {
            if bytes[a.lowerBound + j] != bytes[b.lowerBound + j] { return false }
            j += 1
        }
        return true
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
        var rowWords: [Int32] = []
        var rowEligibility: [Int32] = []
        // Ids wait in blocks: each block's slots are read together, so that their cache
        // misses (a table of a million ids) overlap instead of following one another, and
        // then the ids are added in file order.
        var sink: UInt64 = 0
        let block = 32
        var pending: [(id: Range<Int>, hash: UInt64)] = []
        pending.reserveCapacity(block)
        func addPending() -> Bool {
            for item in pending { sink &+= ids.slotWord(hash: item.hash) }
            for item in pending {
                guard ids.insert(UnsafeBufferPointer(rebasing: bytes[item.id]), hash: item.hash).inserted else {
                    return false
                }
            }
            pending.removeAll(keepingCapacity: true)
            return true
        }
        let sectors = Self.sectors
        // Rows of one organisation usually come together: the last row's organisation, and
        // its sector's text, are kept to be matched as bytes before the table is asked.
        var lastOrganisation = 0..<0
        var lastSector = 0..<0
        var last: (organisation: Int, sector: UInt8) = (-1, 0)
        while csv.startRecord() {
            var id = 0..<0
            var org = 0..<0
            var sector = 0..<0
            var entry = false
            var terminal = false
            var cap = -1
            rowWords.removeAll(keepingCapacity: true)
            rowEligibility.removeAll(keepingCapacity: true)
            for k in columns.indices {
                switch columns[k] {
                case 0:
                    guard let range = csv.idField() else { return nil }
                    id = range
                case 1: guard csv.skipField() else { return nil }
                case 2:
                    guard let range = csv.idField() else { return nil }
                    org = range
                case 3:
                    guard let range = csv.idField() else { return nil }
                    sector = range
                case 4:
                    guard let range = csv.field(), let value = fields.bool(range) else { return nil }
                    entry = value ?? false
                case 5:
                    guard let range = csv.field(), let value = fields.bool(range) else { return nil }
                    terminal = value ?? false
                case 6:
                    guard let range = csv.field(),
                        fields.forEachItem(
                            range, valid: fields.isKebabWord,
                            { item in
                                let word = Int32(words.insert(UnsafeBufferPointer(rebasing: bytes[item])).position)
                                if !rowWords.contains(word) { rowWords.append(word) }
                            })
                    else { return nil }
                case 7:
                    guard let range = csv.field(), let value = fields.count(range) else { return nil }
                    cap = value
                case 9:
                    guard let range = csv.field(),
                        fields.forEachItem(
                            range, valid: fields.isKebabWord,
                            { item in
                                let word = Int32(
                                    eligibilityTable.insert(UnsafeBufferPointer(rebasing: bytes[item])).position)
                                if !rowEligibility.contains(word) { rowEligibility.append(word) }
                            })
                    else { return nil }
                default:
                    guard let range = csv.field(), fields.forEachItem(range, valid: fields.isID, { _ in }) else {
                        return nil
                    }
                }
                guard csv.separator(after: k, of: columns.count) else { return nil }
            }
            guard !id.isEmpty, !org.isEmpty else { return nil }
            let v = organisation.count
            pending.append((id, IDTable.hash(UnsafeBufferPointer(rebasing: bytes[id]))))
            if pending.count == block { guard addPending() else { return nil } }
            if last.organisation >= 0 && fields.equal(org, lastOrganisation) {
                // The same organisation: its sector must be spelt as before.
                guard fields.equal(sector, lastSector) else { return nil }
            } else {
                let text = UnsafeBufferPointer(rebasing: bytes[sector])
                guard let s = sectors.firstIndex(where: { PlainCSV.matches(text, $0) }) else { return nil }
                let (o, added) = organisations.insert(UnsafeBufferPointer(rebasing: bytes[org]))
                if added {
                    organisationSector.append(UInt8(s))
                } else if organisationSector[o] != UInt8(s) {
                    return nil
                }
                last = (o, UInt8(s))
                lastOrganisation = org
                lastSector = sector
            }
            organisation.append(Int32(last.organisation))
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
        guard addPending(), !ids.isEmpty else { return nil }
        readAhead = sink
        functionWords = Array(words)
        eligibilityWords = Array(eligibilityTable)
    }
}

/// The fields of `routes.csv` that the metrics read, as byte ranges into the file. The ends are
/// hashed when they are resolved, on both cores, not kept: 48 MB less at 3×10^6 routes. A
/// route's purpose, kind and line matter only if it is orphaned, so they are checked here and
/// read again, for orphaned routes alone, by ``routes(_:file:)``.
struct RouteTokens {
    let bytes: [UInt8]
    var fromStart: [UInt32] = []
    var fromEnd: [UInt32] = []
    var toStart: [UInt32] = []
    var toEnd: [UInt32] = []
    /// Referrals a year, -1 when not given.
    var volume: [Int] = []
    let columns: [Int]

    var count: Int { fromStart.count }

    private static let known = ["from", "to", "purpose", "kind", "volume", "note"]
    private static let noteColumn = known.firstIndex(of: "note")!

    init?(_ bytes: [UInt8]) {
        self.bytes = bytes
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { return nil }
        let (header, body) = bytes.withUnsafeBufferPointer { bytes in
            var csv = PlainCSV(bytes: bytes)
            return (csv.header(known: Self.known, required: ["from", "to"]), csv.index)
        }
        guard let header, bytes.count < Int(UInt32.max) else { return nil }
        columns = header
        guard bytes.withUnsafeBufferPointer({ parse($0, from: body) }) else { return nil }
    }

    /// Reads every record into the columns; false when the file needs the thorough reader.
    private mutating func parse(_ bytes: UnsafeBufferPointer<UInt8>, from body: Int) -> Bool {
        var csv = PlainCSV(bytes: bytes, index: body)
        let estimate = bytes.count / 30 + 16
        fromStart.reserveCapacity(estimate)
        fromEnd.reserveCapacity(estimate)
        toStart.reserveCapacity(estimate)
        toEnd.reserveCapacity(estimate)
        volume.reserveCapacity(estimate)
        // Reads field values; `csv` moves through the records.
        let fields = PlainCSV(bytes: bytes)
        let columns = self.columns
        while csv.startRecord() {
            var from = 0..<0
            var to = 0..<0
            var count = -1
            for k in columns.indices {
                switch columns[k] {
                case 0:
                    guard let range = csv.idField() else { return false }
                    from = range
                case 1:
                    guard let range = csv.idField() else { return false }
                    to = range
                case 2:
                    guard let range = csv.idField(), range.isEmpty || fields.isKebabWord(range) else { return false }
                case 3:
                    guard let range = csv.idField(), fields.kind(range) != nil else { return false }
                case 4:
                    guard let range = csv.field(), let value = fields.count(range) else { return false }
                    count = value
                default:
                    guard csv.skipField() else { return false }
                }
                guard csv.separator(after: k, of: columns.count) else { return false }
            }
            guard !from.isEmpty, !to.isEmpty else { return false }
            fromStart.append(UInt32(from.lowerBound))
            fromEnd.append(UInt32(from.upperBound))
            toStart.append(UInt32(to.lowerBound))
            toEnd.append(UInt32(to.upperBound))
            volume.append(count)
        }
        return true
    }

    private func text(_ start: UInt32, _ end: UInt32) -> String {
        String(decoding: bytes[Int(start)..<Int(end)], as: UTF8.self)
    }

    /// The routes at these indices (ascending), as ``Route`` values with their lines: the file
    /// read again as far as the last of them.
    func routes(_ indices: [Int], file: String) -> [Route] {
        guard !indices.isEmpty else { return [] }
        return bytes.withUnsafeBufferPointer { bytes in
            var csv = PlainCSV(bytes: bytes)
            _ = csv.header(known: Self.known, required: ["from", "to"])
            let fields = PlainCSV(bytes: bytes)
            var line = 1
            var counted = 0
            var record = 0
            var routes: [Route] = []
            for r in indices {
                // Step over the records before route r, then read it whole.
                while true {
                    _ = csv.startRecord()
                    if record == r { break }
                    _ = csv.readRecord(columns: columns, freeText: Self.noteColumn) { _, _ in true }
                    record += 1
                }
                while counted < csv.index {
                    if bytes[counted] == Byte.newline { line += 1 }
                    counted += 1
                }
                var purpose: String?
                var kind = RouteKind.formal
                var volume: Int?
                _ = csv.readRecord(columns: columns, freeText: Self.noteColumn) { column, range in
                    switch column {
                    case 2: if !range.isEmpty { purpose = String(decoding: bytes[range], as: UTF8.self) }
                    case 3: kind = fields.kind(range) ?? .formal
                    case 4: volume = fields.count(range).flatMap { $0 < 0 ? nil : $0 }
                    default: break
                    }
                    return true
                }
                record += 1
                routes.append(
                    Route(
                        from: text(fromStart[r], fromEnd[r]), to: text(toStart[r], toEnd[r]), purpose: purpose,
                        kind: kind, volume: volume, note: nil,
                        location: SourceLocation(file: file, line: line, column: 1)))
            }
            return routes
        }
    }
}
