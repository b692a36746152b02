import Foundation
import PathwayCore

#if canImport(Glibc)
    import Glibc
    private let systemRead = Glibc.read
    private let systemClose = Glibc.close
#elseif canImport(Darwin)
    import Darwin
    private let systemRead = Darwin.read
    private let systemClose = Darwin.close
#endif

/// Reads a delimited records file (event rows or referral rows) in one pass over the file, a
/// megabyte at a time: memory grows with the rows (a few integers each), never with the
/// length of a line, which may be at most ``maximumRecordLength`` bytes.
///
/// Fields follow RFC 4180 (double quotes around a field, `""` for a quote inside), separated by
/// the delimiter found from the header line (`,`, `;` or tab, the one that occurs most outside
/// quotes; `,` when none does) unless one is given. Values are trimmed of spaces. Every problem
/// names the file, line and column; nothing is returned unless the whole file is good.
public enum DelimitedRecordReader {
    /// The longest record (a row, with any quoted line breaks in it) that is read.
    public static let maximumRecordLength = 1 << 20
    static let chunk = 1 << 20
    static let maximumProblems = 50

    /// - Parameter thorough: read every line with the thorough reader, never the fast one
    ///   (tests compare the two).
    public static func load(
        _ path: String, options: RecordOptions = RecordOptions(), progress: RunProgress? = nil,
        thorough: Bool = false
    ) throws(PathwayLoadError) -> RecordLog {
        var source = try ByteSource(path: path)
        defer { source.close() }
        var reader = DelimitedReader(file: path, options: options)
        reader.progress = progress
        reader.thorough = thorough
        try reader.run(&source)
        return reader.log
    }

    /// Reads records from bytes in memory (tests).
    public static func load(
        bytes: [UInt8], file: String, options: RecordOptions = RecordOptions(), thorough: Bool = false
    ) throws(PathwayLoadError) -> RecordLog {
        var source = ByteSource(bytes: bytes)
        var reader = DelimitedReader(file: file, options: options)
        reader.thorough = thorough
        try reader.run(&source)
        return reader.log
    }
}

/// A file read a chunk at a time into a window that keeps the record being read.
struct ByteSource {
    var fd: Int32 = -1
    var buffer: [UInt8] = []
    /// The bytes from `start` to `buffer.count` are not yet consumed.
    var start = 0
    var ended = false
    var path = ""
    /// The file's size in bytes, when known.
    var size = 0

    init(path: String) throws(PathwayLoadError) {
        self.path = path
        fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            let reason = errno
            if reason == ENOENT || reason == ENOTDIR { throw PathwayLoadError(file: path, "no such file") }
            throw PathwayLoadError(file: path, "cannot be read: " + String(cString: strerror(reason)))
        }
        var info = stat()
        if fstat(fd, &info) == 0 { size = Int(info.st_size) }
        if info.st_mode & S_IFMT == S_IFDIR {
            _ = systemClose(fd)
            fd = -1
            throw PathwayLoadError(file: path, "is a folder, not a records file")
        }
        buffer.reserveCapacity(DelimitedRecordReader.chunk * 2)
    }

    init(bytes: [UInt8]) {
        buffer = bytes
        ended = true
    }

    mutating func close() {
        if fd >= 0 { _ = systemClose(fd) }
        fd = -1
    }

    private static let zeros = [UInt8](repeating: 0, count: DelimitedRecordReader.chunk)

    /// Reads another chunk, first dropping what was consumed; false at the end of the file.
    mutating func more() throws(PathwayLoadError) -> Bool {
        if ended { return false }
        if start > 0 {
            buffer.removeSubrange(0..<start)
            start = 0
        }
        let old = buffer.count
        // Room for the read, copied from a chunk of zeros: appending a repeated element goes
        // element by element in a build without optimisation (a fifth of a second a chunk).
        buffer.append(contentsOf: Self.zeros)
        while true {
            let got = buffer.withUnsafeMutableBytes {
                systemRead(fd, $0.baseAddress! + old, DelimitedRecordReader.chunk)
            }
            if got < 0 {
                if errno == EINTR { continue }
                buffer.removeSubrange(old...)
                throw PathwayLoadError(file: path, "cannot be read: " + String(cString: strerror(errno)))
            }
            buffer.removeSubrange((old + got)...)
            if got == 0 { ended = true }
            return got > 0
        }
    }
}

/// One record's fields: byte ranges in the window, and whether each was quoted.
struct FieldList {
    var ranges: [Range<Int>] = []
    var quoted: [Bool] = []
    /// The record's first byte, and the line it starts on.
    var start = 0
    var line = 0
}

/// The thorough reader: every field scanned, unquoted and checked, every problem named.
struct DelimitedReader {
    let file: String
    let options: RecordOptions
    var log: RecordLog
    var problems: [PathwayLoadError.Problem] = []
    var delimiter: UInt8 = UInt8(ascii: ",")
    var line = 1
    var width = 0
    var patientColumn = -1, serviceColumn = -1, fromColumn = -1, timeColumn = -1, organisationColumn = -1
    var patients = IDTable()
    var services = IDTable()
    var organisations = IDTable()
    /// The services' and organisations' positions most often asked for, in front of their
    /// tables (``fastRows(_:)``).
    let serviceCache = IDCache()
    let organisationCache = IDCache()
    var scratch: [UInt8] = []
    /// Each field's first byte and end, for ``fastRows(_:)``.
    var bounds: [Int] = []
    /// How many rows the last call of ``fastRows(_:)`` read.
    var lastRun = Int.max
    /// The ids of ``fastRows(_:)``'s runs, interned on a second core; one for all the runs.
    var feed: IDFeed?
    /// The rows the file's size and its first lines suggest (0 when unknown), and whether the
    /// patient table has been sized for them (``sizePatients()``).
    var expectedRows = 0
    var patientsSized = false
    /// Never take ``fastRows(_:)``.
    var thorough = false
    var progress: RunProgress?
    /// The first time read, whether it had a zone, and where: a file may not mix the two.
    var zoneSeen: (hasZone: Bool, line: Int, text: String)?

    init(file: String, options: RecordOptions) {
        self.file = file
        self.options = options
        log = RecordLog(file: file, shape: .events)
    }

    mutating func run(_ source: inout ByteSource) throws(PathwayLoadError) {
        var fields = FieldList()
        var first = true
        var sawRow = false
        while true {
            if !first && !thorough && fastRows(&source) { sawRow = true }
            guard try next(&source, &fields) else { break }
            if first {
                source.start = try header(source, fields)
                first = false
                reserve(source)
                continue
            }
            sawRow = true
            row(source, fields)
            if !patientsSized { sizePatients() }
            if let progress, log.patient.count & 0xFFFF == 0 {
                progress.update("reading records", rows: log.patient.count)
            }
            if problems.count >= DelimitedRecordReader.maximumProblems { break }
        }
        if first {
            throw PathwayLoadError(
                file: file, line: 1, column: 1,
                "the file is empty: expected a header row such as patient,service,time (event rows)"
                    + " or patient,from,to,time (referral rows)")
        }
        if !sawRow && problems.isEmpty {
            problems.append(
                .init(
                    file: file, line: line, column: 1,
                    message: "no records after the header: expected at least one row"))
        }
        if !problems.isEmpty { throw PathwayLoadError(problems: problems) }
        log.patientCount = patients.count
        log.serviceNames = Array(services)
        log.organisationNames = Array(organisations)
    }

    /// Room in the columns for the rows the file is likely to hold (its size over the
    /// length of the lines in the first window), so that they grow without copies. Pages not
    /// written cost nothing.
    mutating func reserve(_ source: ByteSource) {
        let window = source.buffer.count - source.start
        guard source.size > DelimitedRecordReader.chunk, window > 0 else { return }
        var lines = 0
        for k in source.start..<source.buffer.count where source.buffer[k] == 0x0A { lines += 1 }
        guard lines > 0 else { return }
        expectedRows = source.size / max(1, window / lines)
        let rows = min(expectedRows * 21 / 20 + 64, source.size / 4)
        log.patient.reserveCapacity(rows)
        log.service.reserveCapacity(rows)
        log.time.reserveCapacity(rows)
        if log.shape == .referrals { log.from.reserveCapacity(rows) }
        if organisationColumn >= 0 { log.organisation.reserveCapacity(rows) }
    }

    /// Once the first rows are read, room in the patient table for as many patients as they
    /// suggest the file holds, up to one for every five rows; past that it grows as before.
    ///
    /// At millions of patients, growing the table places every patient again at a cache miss
    /// each, about a third of a second over ten million rows. The first rows of a file in no
    /// particular order are nearly all different patients, so the guess goes no higher than
    /// one patient in five rows (a patient's referrals and events are usually several): a table
    /// for one patient a row would hold more than twenty bytes a row. A file of few patients shows
    /// it in its first rows and keeps a small table.
    mutating func sizePatients() {
        let read = log.time.count
        guard read >= 1 << 16 else { return }
        patientsSized = true
        guard expectedRows > read, !patients.isEmpty else { return }
        let share = min(Double(patients.count) / Double(read), 0.2)
        let guess = Int(share * Double(expectedRows))
        patients.reserve(guess, bytesEach: patients.bytes.count / patients.count + 1)
    }

    /// The column (in Unicode scalars, as editors count) of byte `offset` of the window.
    func column(_ bytes: [UInt8], _ offset: Int, recordStart: Int) -> Int {
        var lineStart = offset
        while lineStart > recordStart && bytes[lineStart - 1] != 0x0A { lineStart -= 1 }
        var count = 1
        for k in lineStart..<offset where bytes[k] & 0xC0 != 0x80 { count += 1 }
        return count
    }

    /// The line of byte `offset` in a record that starts at `fields.start` on `fields.line`.
    func lineOf(_ bytes: [UInt8], _ offset: Int, _ fields: FieldList) -> Int {
        var n = fields.line
        for k in fields.start..<offset where bytes[k] == 0x0A { n += 1 }
        return n
    }

    func problem(_ source: ByteSource, _ fields: FieldList, field k: Int, _ message: String)
        -> PathwayLoadError.Problem
    {
        let offset = k < fields.ranges.count ? fields.ranges[k].lowerBound - (fields.quoted[k] ? 1 : 0) : fields.start
        return .init(
            file: file, line: lineOf(source.buffer, offset, fields),
            column: column(source.buffer, offset, recordStart: fields.start), message: message)
    }

    /// Reads the next non-blank record; false at the end of the file.
    mutating func next(_ source: inout ByteSource, _ fields: inout FieldList) throws(PathwayLoadError) -> Bool {
        while true {
            // Skip blank lines and a byte-order mark at the very start.
            if line == 1 && source.start == 0 && source.buffer.count >= 3
                && source.buffer[0] == 0xEF && source.buffer[1] == 0xBB && source.buffer[2] == 0xBF
            {
                source.start = 3
            }
            while source.start < source.buffer.count
                && (source.buffer[source.start] == 0x0A || source.buffer[source.start] == 0x0D)
            {
                if source.buffer[source.start] == 0x0A { line += 1 }
                source.start += 1
            }
            if source.start < source.buffer.count {
                switch try scan(source, &fields) {
                case .some(let end):
                    try checkText(source, fields, end: end)
                    for k in fields.start..<end where source.buffer[k] == 0x0A { line += 1 }
                    source.start = end
                    return true
                case .none:
                    break
                }
                if source.buffer.count - source.start > DelimitedRecordReader.maximumRecordLength {
                    throw PathwayLoadError(
                        file: file, line: line, column: 1,
                        "this row is longer than \(DelimitedRecordReader.maximumRecordLength) bytes:"
                            + " expected one record per line (is a quote left open, or is this not a records file?)")
                }
            }
            if !(try source.more()) {
                if source.start >= source.buffer.count { return false }
                // The last record has no line break after it: scan it as ended.
                guard let end = try scan(source, &fields, atEnd: true) else { return false }
                try checkText(source, fields, end: end)
                source.start = end
                return true
            }
        }
    }

    /// Finds the fields of the record at `source.start`; nil when it runs past the window
    /// (unless `atEnd`).
    mutating func scan(_ source: ByteSource, _ fields: inout FieldList, atEnd: Bool = false)
        throws(PathwayLoadError) -> Int?
    {
        fields.ranges.removeAll(keepingCapacity: true)
        fields.quoted.removeAll(keepingCapacity: true)
        fields.start = source.start
        fields.line = line
        let bytes = source.buffer
        let n = bytes.count
        var k = source.start
        let quote = UInt8(ascii: "\"")
        while true {
            if k < n && bytes[k] == quote {
                let open = k
                k += 1
                let begin = k
                while true {
                    if k >= n {
                        if !atEnd { return nil }
                        throw PathwayLoadError(
                            file: file, line: lineOf(bytes, open, fields),
                            column: column(bytes, open, recordStart: fields.start),
                            "a quoted field is never closed: expected a closing '\"'")
                    }
                    if bytes[k] == quote {
                        if k + 1 < n && bytes[k + 1] == quote {
                            k += 2
                            continue
                        }
                        if k + 1 >= n && !atEnd { return nil }
                        break
                    }
                    k += 1
                }
                fields.ranges.append(begin..<k)
                fields.quoted.append(true)
                k += 1
                if k < n && bytes[k] != delimiter && bytes[k] != 0x0A && bytes[k] != 0x0D {
                    throw PathwayLoadError(
                        file: file, line: lineOf(bytes, k, fields), column: column(bytes, k, recordStart: fields.start),
                        "unexpected text after a closing quote: expected the delimiter or the end of the line")
                }
            } else {
                let begin = k
                while k < n {
                    let b = bytes[k]
                    if b == delimiter || b == 0x0A || b == 0x0D { break }
                    if b == quote {
                        throw PathwayLoadError(
                            file: file, line: lineOf(bytes, k, fields),
                            column: column(bytes, k, recordStart: fields.start),
                            "a '\"' inside an unquoted field: quote the whole field and double the quote")
                    }
                    k += 1
                }
                if k >= n && !atEnd { return nil }
                fields.ranges.append(begin..<k)
                fields.quoted.append(false)
            }
            if k < n && bytes[k] == delimiter {
                k += 1
                continue
            }
            if k < n && bytes[k] == 0x0D {
                if k + 1 >= n && !atEnd { return nil }
                k += 1
            }
            if k < n && bytes[k] == 0x0A { k += 1 }
            return k
        }
    }

    /// Refuses NUL bytes and invalid UTF-8 in a record, at its line and column.
    func checkText(_ source: ByteSource, _ fields: FieldList, end: Int) throws(PathwayLoadError) {
        let bytes = source.buffer
        var ascii = true
        for k in fields.start..<end {
            let b = bytes[k]
            if b == 0 {
                throw PathwayLoadError(
                    file: file, line: lineOf(bytes, k, fields), column: column(bytes, k, recordStart: fields.start),
                    "found a NUL byte: this is binary data, not a text records file")
            }
            if b >= 0x80 { ascii = false }
        }
        if ascii { return }
        var k = fields.start
        while k < end {
            let length = Self.sequenceLength(bytes, k, end)
            if length == 0 {
                throw PathwayLoadError(
                    file: file, line: lineOf(bytes, k, fields), column: column(bytes, k, recordStart: fields.start),
                    String(format: "invalid UTF-8 (byte 0x%02X): save the file as UTF-8 text", bytes[k]))
            }
            k += length
        }
    }

    static func sequenceLength(_ b: [UInt8], _ i: Int, _ end: Int) -> Int {
        let b0 = b[i]
        if b0 < 0x80 { return 1 }
        func c(_ k: Int, _ low: UInt8 = 0x80, _ high: UInt8 = 0xBF) -> Bool {
            i + k < end && b[i + k] >= low && b[i + k] <= high
        }
        switch b0 {
        case 0xC2...0xDF: return c(1) ? 2 : 0
        case 0xE0: return c(1, 0xA0) && c(2) ? 3 : 0
        case 0xE1...0xEC, 0xEE...0xEF: return c(1) && c(2) ? 3 : 0
        case 0xED: return c(1, 0x80, 0x9F) && c(2) ? 3 : 0
        case 0xF0: return c(1, 0x90) && c(2) && c(3) ? 4 : 0
        case 0xF1...0xF3: return c(1) && c(2) && c(3) ? 4 : 0
        case 0xF4: return c(1, 0x80, 0x8F) && c(2) && c(3) ? 4 : 0
        default: return 0
        }
    }

    /// The delimiter that occurs most outside quotes in the header line.
    static func findDelimiter(_ bytes: [UInt8], from start: Int) -> UInt8 {
        var counts: [UInt8: Int] = [:]
        var quoted = false
        var k = start
        while k < bytes.count && (quoted || (bytes[k] != 0x0A && bytes[k] != 0x0D)) {
            let b = bytes[k]
            if b == UInt8(ascii: "\"") {
                quoted.toggle()
            } else if !quoted && (b == UInt8(ascii: ",") || b == UInt8(ascii: ";") || b == 0x09) {
                counts[b, default: 0] += 1
            }
            k += 1
        }
        var best = UInt8(ascii: ",")
        var bestCount = 0
        for candidate in [UInt8(ascii: ","), UInt8(ascii: ";"), 0x09] {
            if let c = counts[candidate], c > bestCount {
                best = candidate
                bestCount = c
            }
        }
        return best
    }

    /// The field's bytes, unquoted and trimmed of spaces, in `scratch`.
    mutating func value(_ bytes: [UInt8], _ fields: FieldList, _ k: Int) {
        scratch.removeAll(keepingCapacity: true)
        var lo = fields.ranges[k].lowerBound
        var hi = fields.ranges[k].upperBound
        if !fields.quoted[k] {
            while lo < hi && (bytes[lo] == 0x20 || (bytes[lo] == 0x09 && delimiter != 0x09)) { lo += 1 }
            while hi > lo && (bytes[hi - 1] == 0x20 || (bytes[hi - 1] == 0x09 && delimiter != 0x09)) { hi -= 1 }
            scratch.append(contentsOf: bytes[lo..<hi])
            return
        }
        var i = lo
        while i < hi {
            scratch.append(bytes[i])
            i += bytes[i] == UInt8(ascii: "\"") ? 2 : 1
        }
    }

    /// Reads the header row, found by `next` with the default delimiter: it is split again
    /// with the delimiter it shows. Returns where the first row starts.
    mutating func header(_ source: ByteSource, _ fields: FieldList) throws(PathwayLoadError) -> Int {
        var fields = fields
        var source = source
        delimiter = options.delimiter ?? Self.findDelimiter(source.buffer, from: fields.start)
        source.start = fields.start
        line = fields.line
        let scanned = try scan(source, &fields, atEnd: true) ?? source.buffer.count
        for k in fields.start..<scanned where source.buffer[k] == 0x0A { line += 1 }
        var names: [String: Int] = [:]
        var headerProblems: [PathwayLoadError.Problem] = []
        for k in fields.ranges.indices {
            value(source.buffer, fields, k)
            let name = String(decoding: scratch, as: UTF8.self)
            if names[name] != nil, !name.isEmpty {
                headerProblems.append(problem(source, fields, field: k, "column '\(name)' appears twice"))
            } else {
                names[name] = k
            }
        }
        width = fields.ranges.count
        let columns = options.columns
        let all = names.keys.sorted().joined(separator: ",")
        func require(_ name: String, _ role: String) -> Int {
            if let k = names[name] { return k }
            var message = "missing the column '\(name)' (\(role)); the header has: \(all)"
            if let guess = Identifiers.closest(to: name, in: Array(names.keys)) {
                message += " (did you mean '\(guess)'? or map it with an option)"
            }
            headerProblems.append(.init(file: file, line: fields.line, column: 1, message: message))
            return -1
        }
        if names[columns.from] != nil || names[columns.to] != nil {
            log.shape = .referrals
            fromColumn = require(columns.from, "the referring service")
            serviceColumn = require(columns.to, "the service referred to")
        } else if names[columns.service] != nil {
            log.shape = .events
            serviceColumn = names[columns.service]!
        } else {
            headerProblems.append(
                .init(
                    file: file, line: fields.line, column: 1,
                    message: "missing the column '\(columns.service)' (event rows) or '\(columns.from)' and"
                        + " '\(columns.to)' (referral rows); the header has: \(all); map a column with"
                        + " --service, --from or --to"))
        }
        patientColumn = require(columns.patient, "the patient")
        timeColumn = require(columns.time, "the time")
        if let k = names[columns.organisation] {
            organisationColumn = k
            log.organisationColumn = true
        } else if columns.organisationRequired {
            organisationColumn = require(columns.organisation, "the organisation")
        }
        if !headerProblems.isEmpty { throw PathwayLoadError(problems: headerProblems) }
        return scanned
    }

    mutating func row(_ source: ByteSource, _ fields: FieldList) {
        let bytes = source.buffer
        if fields.ranges.count != width {
            problems.append(
                .init(
                    file: file, line: fields.line, column: 1,
                    message: "this row has \(fields.ranges.count) field\(fields.ranges.count == 1 ? "" : "s")"
                        + " but the header has \(width)"))
            return
        }
        let before = problems.count
        func need(_ k: Int, _ what: String) -> Bool {
            value(bytes, fields, k)
            if scratch.isEmpty {
                problems.append(problem(source, fields, field: k, "empty \(what): every row needs one"))
                return false
            }
            return true
        }
        var patient: Int32 = 0
        var service: Int32 = 0
        var from: Int32 = 0
        var organisation: Int32 = 0
        if need(patientColumn, "patient") {
            patient = scratch.withUnsafeBufferPointer { Int32(patients.insert($0).position) }
        }
        if need(serviceColumn, log.shape == .events ? "service" : "'to' service") {
            service = scratch.withUnsafeBufferPointer { Int32(services.insert($0).position) }
        }
        if log.shape == .referrals, need(fromColumn, "'from' service") {
            from = scratch.withUnsafeBufferPointer { Int32(services.insert($0).position) }
        }
        if organisationColumn >= 0, need(organisationColumn, "organisation") {
            organisation = scratch.withUnsafeBufferPointer { Int32(organisations.insert($0).position) }
        }
        var time: Int64 = 0
        if need(timeColumn, "time") {
            let parsed = scratch.withUnsafeBufferPointer { RecordTime.parse($0) }
            // The text, only for a message or the first time: not a string a row.
            var text: String { String(decoding: scratch, as: UTF8.self) }
            switch parsed {
            case .success(let t):
                time = t.nanoseconds
                if let seen = zoneSeen {
                    if seen.hasZone != t.hasZone {
                        let this = t.hasZone ? "has a time zone" : "has no time zone"
                        let that = seen.hasZone ? "has one" : "has none"
                        problems.append(
                            problem(
                                source, fields, field: timeColumn,
                                "the time '\(text)' \(this) but the time at line \(seen.line) ('\(seen.text)')"
                                    + " \(that): write every time with a zone (Z or +hh:mm), or none (then all are UTC)"
                            ))
                    }
                } else {
                    zoneSeen = (t.hasZone, lineOf(bytes, fields.ranges[timeColumn].lowerBound, fields), text)
                }
            case .failure(.unreadable):
                problems.append(
                    problem(source, fields, field: timeColumn, "'\(text)' is not a time: \(RecordTime.expected)"))
            case .failure(.outOfRange(let what)):
                problems.append(problem(source, fields, field: timeColumn, "the time '\(text)' has \(what)"))
            }
        }
        guard problems.count == before else { return }
        log.patient.append(patient)
        log.service.append(service)
        if log.shape == .referrals { log.from.append(from) }
        if organisationColumn >= 0 { log.organisation.append(organisation) }
        log.time.append(time)
    }
}
