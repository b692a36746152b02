import Foundation
import PathwayCore
import Testing

@testable import PathwayRecords

enum RecordsPaths {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }
    static let oracle = path("Tests/oracle/records_oracle.py")

    static func scratch(_ name: String) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("pathway-\(name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url.path
    }

    static func python(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}

func records(_ text: String, options: RecordOptions = RecordOptions()) throws(PathwayLoadError) -> RecordLog {
    try DelimitedRecordReader.load(bytes: Array(text.utf8), file: "r.csv", options: options)
}

/// The first problem of a read that must fail.
func problem(_ text: String, options: RecordOptions = RecordOptions()) -> PathwayLoadError.Problem? {
    do {
        _ = try records(text, options: options)
        return nil
    } catch {
        return error.problems.first
    }
}

@Suite struct RecordTimeTests {
    func utc(_ text: String) -> String? {
        if case .success(let t) = RecordTime.parse(text) { return RecordTime.format(t.nanoseconds) }
        return nil
    }

    @Test func everyFormOfTheFormatReadsToTheSameMoment() {
        #expect(utc("2024-03-01") == "2024-03-01T00:00:00Z")
        #expect(utc("2024-03-01T09:30") == "2024-03-01T09:30:00Z")
        #expect(utc("2024-03-01 09:30:05") == "2024-03-01T09:30:05Z")
        #expect(utc("2024-03-01T09:30:05.250Z") == "2024-03-01T09:30:05.25Z")
        #expect(utc("2024-02-29T23:59:59.5+01:00") == "2024-02-29T22:59:59.5Z")
        #expect(utc("2024-03-01T00:15:00-05:30") == "2024-03-01T05:45:00Z")
        #expect(utc("2024/03/01 09:30:00.123456789") == "2024-03-01T09:30:00.123456789Z")
        #expect(utc("1970-01-01") == "1970-01-01T00:00:00Z")
        #expect(utc("1969-12-31T23:59:59.9Z") == "1969-12-31T23:59:59.9Z")
        // Every day of four centuries round-trips through the civil calendar.
        for day in Int64(-200_000)...Int64(100_000) where day % 997 == 0 {
            let (y, m, d) = RecordTime.civil(fromDays: day)
            #expect(RecordTime.days(year: y, month: m, day: d) == day)
        }
    }

    @Test func timesOutsideTheFormsOrTheirRangesAreRefused() {
        for text in [
            "", "2024-3-1", "01/03/2024", "2024/03/01", "2024-03-01T09", "2024-03-01T09:30:00+0100", "2024-03-01x",
        ] {
            #expect(RecordTime.parse(text) == .failure(.unreadable), "\(text)")
        }
        for text in [
            "2023-02-29", "2024-13-01", "2024-04-31", "2024-01-01T24:00", "1677-12-31", "2262-01-01",
            "2024-01-01T00:00:60",
        ] {
            guard case .failure(.outOfRange) = RecordTime.parse(text) else {
                Issue.record("\(text) should be out of range")
                continue
            }
        }
        #expect(RecordTime.parse("2024-01-01T00:00:00.1234567891") != .failure(.unreadable))
    }

    /// The fixed-place reading of the common forms gives what the scanner gives, or hands
    /// over: dates and date-times in and out of range (leap days, the ends of the years the
    /// clock holds, hours, minutes and seconds past their last), a byte other than a digit
    /// or the separator at each place, and every valid one read at its places.
    @Test func theCommonFormsReadAtFixedPlacesAsTheScannerReadsThem() {
        var random = RecordsFuzzTests.SplitMix64(state: 29)
        func pad(_ v: Int, _ width: Int) -> String {
            let text = String(v)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        var valid = 0
        for k in 0..<60_000 {
            let year = [1677, 1678, 1900, 2000, 2023, 2024, 2100, 2261, 2262][random.below(9)]
            var text = pad(year, 4) + "-" + pad(random.below(14), 2) + "-" + pad(random.below(33), 2)
            if k % 3 != 0 {
                text += [" ", "T"][random.below(2)] + pad(random.below(25), 2) + ":" + pad(random.below(61), 2)
                text += ":" + pad(random.below(61), 2)
            }
            var bytes = Array(text.utf8)
            if k % 5 == 0 { bytes[random.below(bytes.count)] = Array("x-:T /9".utf8)[random.below(7)] }
            let (fixed, scanned) = bytes.withUnsafeBufferPointer { (RecordTime.fixed($0), RecordTime.scanned($0)) }
            if let fixed {
                #expect(scanned == .success(fixed), "\(text)")
                valid += 1
            } else if case .success(let time) = scanned, !time.hasZone {
                Issue.record("\(String(decoding: bytes, as: UTF8.self)) reads but not at fixed places")
            }
        }
        #expect(valid > 10_000)
    }
}

@Suite struct FastReaderTests {
    /// The cache in front of a table gives every id the position the table alone gives it:
    /// ids of 1 to 20 bytes that share their first or last eight bytes or differ only in
    /// length, asked for again and again in no order, more of them than the cache has entries
    /// (so that entries are taken over), with some inserted into the table behind its back.
    @Test func theCacheInFrontOfATableGivesTheTablesPositions() {
        var ids: [String] = []
        for n in 1...20 {
            for k in 0..<150 {
                let tail = String(k * 7_919 % 100_000)
                let body = String(repeating: "x", count: max(0, n - tail.count)) + tail
                ids += [String(body.suffix(n)), String(("y" + body).prefix(n))]
            }
        }
        ids += ["abcdefgh", "abcdefgh1", "abcdefgh12", "1abcdefgh", "12345678abcdefgh", "12345678abcdefgX"]
        // Ids whose words agree and whose lengths do not (a run of one letter, a pattern of two).
        for n in 1...20 {
            ids += [String(repeating: "a", count: n), String(String(repeating: "ab", count: 10).prefix(n))]
        }
        ids = Array(Set(ids)).sorted()
        // With 1,024 entries, and with 2, where every entry is taken over again and again.
        for bits in [10, 1] {
            var random = RecordsFuzzTests.SplitMix64(state: 19)
            var cached = IDTable()
            var plain = IDTable()
            let cache = IDCache(bits: bits)
            var wrong: [String] = []
            // Every id once (7,919 is prime to their number), then at random.
            #expect(ids.count % 7_919 != 0)
            for step in 0..<40_000 {
                let name = ids[step < ids.count ? step * 7_919 % ids.count : Int(random.next() % UInt64(ids.count))]
                var id = name
                id.withUTF8 { key in
                    // Now and then straight into the table, as the thorough reader does.
                    let got = step % 97 == 0 ? cached.insert(key).position : cache.insert(key, into: &cached)
                    if got != plain.insert(key).position { wrong.append(name) }
                }
            }
            #expect(wrong.isEmpty, "\(bits) bits: \(wrong.prefix(5))")
            #expect(Array(cached) == Array(plain))
            #expect(cached.count == ids.count)
        }
    }

    /// A file of several read windows (a megabyte each) whose lines are mostly plain, with
    /// lines the fast reader hands over (quoted fields, CRLF, spaces to trim, blank lines,
    /// UTF-8) scattered so that some straddle a window's end: the log is the thorough
    /// reader's, row for row; a bad time deep in the file gets the same message from both.
    /// The fast reader steps over plain bytes eight at a time: a byte it must not take (a
    /// quote, a lone carriage return, a tab or space to trim, UTF-8, a stray delimiter) is
    /// found at every place in a word and in every field, and the log or the messages are the
    /// thorough reader's.
    @Test func aByteTheFastReaderMustNotTakeIsFoundAtEveryPlaceInAWord() throws {
        func read(_ bytes: [UInt8], thorough: Bool) -> Result<RecordLog, PathwayLoadError> {
            Result { () throws(PathwayLoadError) in
                try DelimitedRecordReader.load(bytes: bytes, file: "case.csv", thorough: thorough)
            }
        }
        // And bytes the word scan stops at that a field may hold (0x01, `!`: below 0x23), or
        // just past them (`#`), or that no file may hold (NUL).
        let odd: [[UInt8]] = [
            [0x22], [0x0D], [0x09], [0x20], [0xC3, 0xA9], [0x2C], [0x3B], [0x00], [0x01], [0x21], [0x23],
        ]
        var cases = 0
        for bytes in odd {
            for field in 0..<3 {
                for place in 0..<20 {
                    var lines = ["patient,service,time"]
                    // Lines of every length before the odd one, so that it falls at every
                    // offset from a word's start.
                    for k in 0..<9 {
                        lines.append("p\(String(repeating: "1", count: k)),s1,2024-01-0\(k + 1)T08:00:00")
                    }
                    var fields = [
                        "patient\(String(repeating: "x", count: 14))", "service\(String(repeating: "y", count: 12))",
                        "2024-02-03T04:05:06",
                    ]
                    var chars = Array(fields[field].utf8)
                    chars.insert(contentsOf: bytes, at: min(place, chars.count))
                    fields[field] = String(decoding: chars, as: UTF8.self)
                    lines.append(fields.joined(separator: ","))
                    lines.append("p1,s2,2024-03-01T00:00:00")
                    let text = Array((lines.joined(separator: "\n") + "\n").utf8)
                    let (fast, thorough) = (read(text, thorough: false), read(text, thorough: true))
                    switch (fast, thorough) {
                    case (.success(let a), .success(let b)): #expect(a == b, "\(bytes) in field \(field) at \(place)")
                    case (.failure(let a), .failure(let b)):
                        #expect(a.problems == b.problems, "\(bytes) in field \(field) at \(place)")
                    default:
                        Issue.record("\(bytes) in field \(field) at \(place): one reader failed, the other did not")
                    }
                    cases += 1
                }
            }
        }
        #expect(cases == odd.count * 3 * 20)
    }

    @Test func theFastReaderReadsAsTheThoroughOneDoes() throws {
        var random = RecordsFuzzTests.SplitMix64(state: 5)
        var text = "patient,service,time\n"
        for row in 0..<120_000 {
            let patient = "p\(random.below(30_000))"
            let service = "s\(random.below(50))"
            let time = String(
                format: "2024-%02d-%02dT%02d:%02d:00", 1 + random.below(12), 1 + random.below(28),
                random.below(24), random.below(60))
            switch row % 97 == 0 ? random.below(5) : 5 {
            case 0: text += "\"\(patient)\",\"\(service)\",\(time)\n"
            case 1: text += "\(patient),\(service),\(time)\r\n"
            case 2: text += " \(patient) ,\(service), \(time)\n"
            case 3: text += "\n\(patient),\(service)é,\(time)\n"
            case 4: text += "\(patient),\(service),\(time.prefix(10))\n"
            default: text += "\(patient),\(service),\(time)\n"
            }
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fast-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let good = folder.appendingPathComponent("good.csv").path
        try text.write(toFile: good, atomically: true, encoding: .utf8)
        #expect(text.utf8.count > 3 * DelimitedRecordReader.chunk)
        let fast = try DelimitedRecordReader.load(good)
        let thorough = try DelimitedRecordReader.load(good, thorough: true)
        #expect(fast.count == 120_000 && fast == thorough)
        // Split as bytes: a CRLF is one Character to a String.
        var lines = text.utf8.split(separator: 0x0A, omittingEmptySubsequences: false).map(Array.init)
        lines[90_001] = Array("p1,s1,2024-13-01T00:00:00".utf8)
        let bad = folder.appendingPathComponent("bad.csv").path
        try Data(Array(lines.joined(separator: [0x0A]))).write(to: URL(fileURLWithPath: bad))
        func problems(_ thorough: Bool) -> [PathwayLoadError.Problem] {
            do {
                _ = try DelimitedRecordReader.load(bad, thorough: thorough)
                return []
            } catch { return error.problems }
        }
        #expect(problems(false).count == 1 && problems(false) == problems(true))
        #expect(problems(false).first?.line == 90_002)
    }

    /// Long runs of plain rows have their ids interned on a second core (``IDFeed``), a few
    /// rows for the thorough reader between them: every id is numbered as the thorough reader
    /// numbers it, in both shapes and with an organisation column, from a file read a chunk at
    /// a time and from bytes in memory; and a bad row far into a long run has the thorough
    /// reader's message.
    @Test(arguments: [false, true])
    func idsInternedOnASecondCoreAreNumberedAsOnOne(referrals: Bool) throws {
        var random = RecordsFuzzTests.SplitMix64(state: referrals ? 11 : 7)
        var lines = [referrals ? "patient,from,to,time,organisation" : "patient,service,time,organisation"]
        for row in 0..<150_000 {
            // Patients and services new and old all the way through, so that every batch
            // adds to the tables as well as finding in them.
            let patient = "p\(random.below(1 + row / 2))"
            let service = "s\(random.below(2 + row / 500))"
            let organisation = "o\(random.below(40))"
            let time = String(
                format: "2024-%02d-%02dT%02d:00:00", 1 + random.below(12), 1 + random.below(28), random.below(24))
            var line =
                referrals
                ? "\(patient),s\(random.below(90)),\(service),\(time),\(organisation)"
                : "\(patient),\(service),\(time),\(organisation)"
            // Now and then a row for the thorough reader, far apart: the runs between are long.
            if row % 40_000 == 39_999 { line = "\"\(patient)\"" + line.dropFirst(patient.count) }
            lines.append(line)
        }
        let text = Array((lines.joined(separator: "\n") + "\n").utf8)
        #expect(text.count > 4 * DelimitedRecordReader.chunk)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("feed-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("rows.csv").path
        try Data(text).write(to: URL(fileURLWithPath: file))
        let thorough = try DelimitedRecordReader.load(file, thorough: true)
        #expect(thorough.count == 150_000 && thorough.shape == (referrals ? .referrals : .events))
        #expect(thorough.organisationNames.count == 40)
        #expect(try DelimitedRecordReader.load(file) == thorough)
        #expect(try DelimitedRecordReader.load(bytes: text, file: file) == thorough)
        var bad = lines
        bad[120_001] = bad[120_001].replacingOccurrences(of: "2024-", with: "2024-13-")
        let badText = Array((bad.joined(separator: "\n") + "\n").utf8)
        func problems(_ thorough: Bool) -> [PathwayLoadError.Problem] {
            do {
                _ = try DelimitedRecordReader.load(bytes: badText, file: "bad.csv", thorough: thorough)
                return []
            } catch { return error.problems }
        }
        #expect(problems(false).count == 1 && problems(false) == problems(true))
        #expect(problems(false).first?.line == 120_002)
    }
    /// A file of hundreds of thousands of rows has its patient table sized from its first rows
    /// (``DelimitedReader/sizePatients()``), the patients seen by then placed again in the
    /// larger table: every patient is numbered as when the table grows as it goes (bytes in
    /// memory, whose size is not known ahead) and as by the thorough reader; so is a file of
    /// few patients, whose table stays small.
    @Test(arguments: [80_000, 300])
    func aPatientTableSizedFromTheFirstRowsNumbersPatientsAsOneThatGrew(patients: Int) throws {
        var random = RecordsFuzzTests.SplitMix64(state: UInt64(patients))
        var text = "patient,service,time\n"
        var seen = Set<Int>()
        for _ in 0..<400_000 {
            let patient = random.below(patients)
            seen.insert(patient)
            text += "patient-\(patient),s\(random.below(50)),2024-03-0\(1 + random.below(9))T10:00:00\n"
        }
        let folder = try RecordsPaths.scratch("sized")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let file = folder + "/rows.csv"
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        let fromFile = try DelimitedRecordReader.load(file)
        let grown = try DelimitedRecordReader.load(bytes: Array(text.utf8), file: file)
        #expect(fromFile.count == 400_000 && fromFile.patientCount == seen.count)
        #expect(fromFile == grown)
        #expect(try DelimitedRecordReader.load(file, thorough: true) == grown)
    }
}

@Suite struct DiscoveryTests {
    /// The journeys of a log large enough to be ordered on two cores (each core half the
    /// rows, then the buckets of half the rows) are those of sorting every row by (patient,
    /// time, row): times out of order and tied, every column moved with its row. So are they
    /// with buckets of one patient, of 2^16 patients, and with buckets too large to copy
    /// placed from the log; patients with more than 32 rows are sorted the long way.
    @Test(arguments: [(1 << 15, 1 << 20), (1, 1 << 20), (1 << 30, 1 << 20), (1 << 12, 100), (1 << 15, 0)])
    func journeysOrderedOnTwoCoresAreEachPatientsRowsByTimeThenRow(bucketRows: Int, largestCopied: Int) throws {
        var random = RecordsFuzzTests.SplitMix64(state: 17)
        var text = "patient,from,to,time,organisation\n"
        for k in 0..<100_000 {
            // Patient 0 has a row in ten: thousands, in time order and out of it.
            let patient = k % 10 == 0 ? 0 : random.below(9_000)
            text += "p\(patient),s\(random.below(30)),s\(random.below(30)),"
            text += "2024-01-\(10 + random.below(3))T0\(random.below(2)):00:00,o\(random.below(7))\n"
        }
        let log = try DelimitedRecordReader.load(bytes: Array(text.utf8), file: "j.csv")
        let journeys = PatientJourneys(log, bucketRows: bucketRows, largestCopied: largestCopied)
        let order = log.patient.indices.sorted {
            (log.patient[$0], log.time[$0], $0) < (log.patient[$1], log.time[$1], $1)
        }
        #expect(journeys.rows == 100_000 && journeys.patients == log.patientCount)
        #expect(journeys.service == order.map { log.service[$0] })
        #expect(journeys.time == order.map { log.time[$0] })
        #expect(journeys.from == order.map { log.from[$0] })
        #expect(journeys.provider == order.map { log.organisation[$0] })
        // Patient p's rows end where the sorted order's last row of p is.
        var starts = [Int](repeating: 0, count: log.patientCount + 1)
        for (k, row) in order.enumerated() { starts[Int(log.patient[row]) + 1] = k + 1 }
        #expect(journeys.starts == starts)
    }

    /// Buckets hold about the rows asked for, never more than 2^16 patients, at least one.
    @Test func bucketsHoldAboutTheRowsAskedFor() {
        #expect(PatientJourneys.bucketShift(patients: 2_500_000, rows: 10_000_000, bucketRows: 1 << 15) == 13)
        #expect(PatientJourneys.bucketShift(patients: 10, rows: 10_000_000, bucketRows: 1 << 15) == 0)
        #expect(PatientJourneys.bucketShift(patients: 1 << 30, rows: 1 << 30, bucketRows: 1 << 20) == 16)
        #expect(PatientJourneys.bucketShift(patients: 0, rows: 0, bucketRows: 1 << 15) == 0)
    }

    /// The radix sort behind the continuity summaries sorts as `sorted()` does: negative and
    /// positive numbers, fractions, duplicates, zero, on either side of its threshold.
    @Test func theSummariesRadixSortSortsAsSortedDoes() {
        var random = RecordsFuzzTests.SplitMix64(state: 3)
        for n in [10, 4_095, 4_096, 50_000] {
            let values = (0..<n).map { _ -> Double in
                switch random.below(4) {
                case 0: return Double(random.below(7)) / Double(1 + random.below(5))
                case 1: return -Double(random.next() % 1_000_000) / 977
                case 2: return 0
                default: return Double(random.next() % (1 << 52)) * 1e-9
                }
            }
            #expect(Statistics.ascending(values) == values.sorted())
        }
    }

    /// The radix sort of the variants and summaries is a stable sort of the keys carrying their
    /// values: keys whose digits differ only in the top pass (64 is not a multiple of its
    /// eleven bits), in one middle digit (the others skipped), and at random, many tied.
    @Test func theRadixSortIsAStableSortOfTheKeys() {
        var random = RecordsFuzzTests.SplitMix64(state: 11)
        let shapes: [(UInt64) -> UInt64] = [{ $0 << 55 }, { ($0 & 0x7FF) << 22 | 5 }, { $0 }]
        for shape in shapes {
            var keys = (0..<20_000).map { _ in shape(random.next() % 1_000) }
            var values = keys.indices.map { Int32($0) }
            let expected = keys.indices.sorted { (keys[$0], $0) < (keys[$1], $1) }
            IDTable.radixSort(&keys, carrying: &values)
            #expect(values == expected.map { Int32($0) })
            #expect(keys == keys.sorted())
        }
    }

    /// Variants by brute force: paths over three services (two bits a place, so a path's first
    /// 32 services fill the packed sort key) up to 40 long, so that keys tie and paths differ
    /// past them, and many patients share a path. Counted with a dictionary of paths and ordered
    /// (most patients first, then path, service by service in byte order, a prefix first).
    @Test func variantsAgreeWithCountingEveryPath() throws {
        var random = RecordsFuzzTests.SplitMix64(state: 17)
        let names = ["b", "a", "c"]
        var text = "patient,service,time\n"
        var paths: [[String]] = []
        for p in 0..<400 {
            let length = 1 + random.below(40)
            // A few shared stems, so paths tie on the first 32 services and part after.
            let stem = random.below(3)
            let path = (0..<length).map { k in names[k < 33 ? (stem + k) % 3 : random.below(2)] }
            paths.append(path)
            for (k, service) in path.enumerated() {
                text += "p\(p),\(service),2024-01-01T00:00:\(String(format: "%02d", k))\n"
            }
        }
        let d = Discovery(try records(text))
        let counted = Dictionary(paths.map { ($0, 1) }, uniquingKeysWith: +)
        let expected = counted.sorted {
            $0.value != $1.value ? $0.value > $1.value : $0.key.lexicographicallyPrecedes($1.key)
        }
        #expect(d.variants.count == expected.count && expected.count < 400)
        #expect(d.variants.map(\.path) == expected.map(\.key))
        #expect(d.variants.map(\.patients) == expected.map(\.value))
    }

    /// Route figures by brute force over a log of 1,600 possible routes (seven groups of 256
    /// for the waits' second walk) in both shapes: each route's transitions, patients and
    /// sorted waits gathered from each patient's rows sorted by (time, row).
    @Test(arguments: [false, true])
    func routeFiguresAgreeWithGatheringEveryWait(referrals: Bool) throws {
        var random = RecordsFuzzTests.SplitMix64(state: 23)
        var text = referrals ? "patient,from,to,time\n" : "patient,service,time\n"
        var rows: [(patient: Int, from: String, to: String, time: Int)] = []
        for _ in 0..<30_000 {
            let row = (random.below(3_000), "s\(random.below(40))", "s\(random.below(40))", random.below(500_000))
            rows.append(row)
            let time = RecordTime.format(Int64(row.3) * RecordTime.nanosecondsPerSecond)
            text += "p\(row.0)," + (referrals ? "\(row.1)," : "") + "\(row.2),\(time)\n"
        }
        let d = Discovery(try records(text))
        var waits: [String: [Int]] = [:]
        var transitions: [String: Int] = [:]
        var patients: [String: Set<Int>] = [:]
        let byPatient = Dictionary(grouping: rows.indices, by: { rows[$0].patient })
        for (patient, indices) in byPatient {
            let ordered = indices.sorted { (rows[$0].time, $0) < (rows[$1].time, $1) }
            for (k, i) in ordered.enumerated() {
                guard referrals || k > 0 else { continue }
                let from = referrals ? rows[i].from : rows[ordered[k - 1]].to
                let key = from + ">" + rows[i].to
                transitions[key, default: 0] += 1
                patients[key, default: []].insert(patient)
                if k > 0 { waits[key, default: []].append(rows[i].time - rows[ordered[k - 1]].time) }
            }
        }
        #expect(d.routes.count == transitions.count && d.routes.count > 1_000)
        for route in d.routes {
            let key = route.from + ">" + route.to
            let seconds = (waits[key] ?? []).sorted().map(Double.init)
            #expect(route.transitions == transitions[key] && route.patients == patients[key]?.count, "\(key)")
            #expect(route.meanSeconds == Statistics.mean(seconds), "\(key)")
            #expect(route.medianSeconds == Statistics.median(sorted: seconds), "\(key)")
            #expect(route.p90Seconds == Statistics.percentile(sorted: seconds, 0.9), "\(key)")
        }
    }

    /// Worked by hand: ties keep file order, rows come unsorted, self-transitions count.
    @Test func aSmallLogWorkedByHand() throws {
        let log = try records(
            """
            patient,service,time
            p1,a,2024-01-01
            p2,b,2024-01-05
            p1,b,2024-01-03
            p1,a,2024-01-02
            p2,b,2024-01-05
            """)
        let d = Discovery(log)
        #expect(d.events == 5 && d.patients == 2)
        #expect(
            RecordTime.format(d.from) == "2024-01-01T00:00:00Z" && RecordTime.format(d.to) == "2024-01-05T00:00:00Z")
        #expect(d.services.map(\.id) == ["a", "b"])
        #expect(d.services.map { [$0.events, $0.patients, $0.starts, $0.ends] } == [[2, 1, 1, 0], [3, 2, 1, 2]])
        #expect(d.routes.map { "\($0.from)>\($0.to)" } == ["a>a", "a>b", "b>b"])
        #expect(d.routes.map(\.medianSeconds) == [86_400, 86_400, 0])
        #expect(d.variants == [.init(path: ["a", "a", "b"], patients: 1), .init(path: ["b", "b"], patients: 1)])
        let c = d.continuity
        #expect(c.patients == 2)
        #expect(abs(c.upc.mean! - 5.0 / 6) < 1e-12 && abs(c.coc.mean! - 2.0 / 3) < 1e-12)
        #expect(c.secon.mean == 0.75 && c.boundaryCrossings.mean == 0.5 && c.maximumCrossings == 1)
        #expect(c.crossingsHistogram == [1, 1])
        // Four days: three transitions a year is 274 (273.9375, rounded).
        #expect(d.annualised(3) == 274)
    }

    @Test func referralRowsNameTheirEdges() throws {
        let log = try records(
            """
            patient;from;to;time;organisation
            p1;gp;memory;2024-01-10T00:00:00;mh
            p1;memory;clinic;2024-01-20T12:00:00;acute
            p2;gp;clinic;2024-01-11T00:00:00;acute
            """)
        #expect(log.shape == .referrals)
        let d = Discovery(log)
        #expect(d.services.map(\.id) == ["clinic", "gp", "memory"])
        // gp is named only as a referrer: no events there, but journeys start there.
        #expect(d.services.map { [$0.events, $0.starts, $0.ends] } == [[2, 0, 2], [0, 2, 0], [1, 0, 0]])
        // The first row of a patient has no wait.
        let waits = d.routes.map { [$0.from, $0.to, $0.meanSeconds.map { String($0) } ?? "none"] }
        #expect(waits == [["gp", "clinic", "none"], ["gp", "memory", "none"], ["memory", "clinic", "907200.0"]])
        #expect(d.variants.first == .init(path: ["gp", "clinic"], patients: 1))
        // Continuity over the receiving organisations: p1 saw mh then acute.
        #expect(d.continuity.patients == 1 && d.continuity.boundaryCrossings.mean == 1)
    }

    @Test func numpyPercentilesAndMedians() {
        #expect(Statistics.percentile(sorted: [1, 2, 3, 4], 0.9) == 3.7)
        #expect(Statistics.median(sorted: [1, 2, 3, 4]) == 2.5)
        #expect(Statistics.percentile(sorted: [5], 0.9) == 5)
        let many = (0..<1000).map { Double($0) * 0.1 }
        #expect(abs(Statistics.mean(many)! - 49.95) < 1e-12)
    }

    @Test func safeOutputSuppressesRoundsAndLeavesSuppressedCountsOutOfTotals() {
        let safe = Disclosure(suppressBelow: 10, roundTo: 5)
        #expect(safe.count(0) == .below(10) && safe.count(9) == .below(10))
        #expect(safe.count(12) == .value(10) && safe.count(13) == .value(15) && safe.count(10) == .value(10))
        #expect(safe.derived(40, basis: 3) == .below(10))
        #expect(safe.total([3, 20, 30]) == .value(50))
        #expect(safe.count(4).json == .string("<10"))
        #expect(Disclosure.exact.count(3) == .value(3))
    }
}

@Suite struct RecordReaderTests {
    @Test func theDelimiterIsFoundFromTheHeaderAndColumnsMayBeMapped() throws {
        var options = RecordOptions()
        options.columns.patient = "Person_ID"
        options.columns.time = "ReferralRequestReceivedDate"
        let log = try records(
            "\u{FEFF}ReferralRequestReceivedDate\tPerson_ID\tservice\tother\r\n2024-01-01\t\"p, 1\"\tgp\tx;y\r\n\r\n2024-01-02\t\"p, 1\"\t\"Memory \"\"Clinic\"\"\"\t\n",
            options: options)
        #expect(log.patientCount == 1 && log.patient == [0, 0] && log.serviceNames == ["gp", "Memory \"Clinic\""])
        #expect(log.time.count == 2)
    }

    @Test func aLastRowWithoutALineBreakIsRead() throws {
        #expect(try records("patient,service,time\np,a,2024-01-01\np,b,2024-01-02").count == 2)
    }

    @Test func badInputIsRefusedAtItsLineAndColumn() {
        let cases: [(String, Int, Int, String)] = [
            ("", 1, 1, "the file is empty"),
            ("patient,service,time\n", 2, 1, "no records after the header"),
            ("patient,time\np,2024-01-01\n", 1, 1, "missing the column 'service' (event rows) or 'from' and 'to'"),
            ("patient,from,time\np,a,2024-01-01\n", 1, 1, "missing the column 'to'"),
            ("patient,service,tme\np,a,2024-01-01\n", 1, 1, "missing the column 'time' (the time); the header has"),
            ("patient,service,time\np,a,2024-01-01\np,a\n", 3, 1, "this row has 2 fields but the header has 3"),
            ("patient,service,time\n,a,2024-01-01\n", 2, 1, "empty patient"),
            ("patient,service,time\np, ,2024-01-01\n", 2, 3, "empty service"),
            ("patient,service,time\np,a,01/02/2024\n", 2, 5, "'01/02/2024' is not a time: expected a date"),
            (
                "patient,service,time\np,a,2024-02-30\n", 2, 5,
                "the time '2024-02-30' has a day past the end of the month"
            ),
            (
                "patient,service,time\np,a,2024-01-01T00:00Z\np,b,2024-01-02T00:00\n", 3, 5,
                "has no time zone but the time at line 2"
            ),
            ("patient,service,time\np,\u{E9}<FF>x,2024-01-01\n", 2, 4, "invalid UTF-8"),
            ("patient,service,time\np,a\u{0}b,2024-01-01\n", 2, 4, "NUL byte"),
            ("patient,service,time\np,\"a,2024-01-01\n", 2, 3, "a quoted field is never closed"),
            ("patient,service,time\np,a\"b,2024-01-01\n", 2, 4, "a '\"' inside an unquoted field"),
        ]
        for (text, line, column, message) in cases {
            // `<FF>` stands for a stray byte 0xFF, which no UTF-8 text holds.
            var bytes: [UInt8] = []
            for part in text.components(separatedBy: "<FF>") {
                if !bytes.isEmpty || part != text.components(separatedBy: "<FF>")[0] { bytes.append(0xFF) }
                bytes += Array(part.utf8)
            }
            do {
                _ = try DelimitedRecordReader.load(bytes: bytes, file: "r.csv")
                Issue.record("loaded: \(text.debugDescription)")
            } catch {
                let p = error.problems[0]
                #expect(p.line == line && p.column == column, "\(p) for \(text.debugDescription)")
                #expect(p.description.contains(message), "\(p) for \(text.debugDescription)")
                #expect(p.description.hasPrefix("r.csv:"))
            }
        }
    }

    /// A line of many megabytes is refused when the reader has read a little past its limit,
    /// without holding the whole line.
    @Test func aHugeLineIsRefusedInBoundedMemory() throws {
        let folder = try RecordsPaths.scratch("huge")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/huge.csv"
        FileManager.default.createFile(atPath: path, contents: Data("patient,service,time\n".utf8))
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.seekToEnd()
        let block = Data(repeating: UInt8(ascii: "x"), count: 1 << 20)
        for _ in 0..<64 { try handle.write(contentsOf: block) }
        try handle.close()
        do {
            _ = try DelimitedRecordReader.load(path)
            Issue.record("loaded")
        } catch {
            #expect(error.problems[0].line == 2 && error.description.contains("longer than 1048576 bytes"), "\(error)")
        }
    }

    @Test func xesLogsAreReadAsEventRows() throws {
        let folder = try RecordsPaths.scratch("xes")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/log.xes"
        try """
        <?xml version="1.0" encoding="UTF-8"?>
        <log xes.version="1849-2016">
          <global scope="event"><string key="concept:name" value="default"/></global>
          <trace>
            <string key="concept:name" value="p1"/>
            <event><string key="concept:name" value="gp"/><date key="time:timestamp" value="2024-01-02T10:00:00.000+01:00"/><string key="org:group" value="practice"/></event>
            <event><string key="concept:name" value="memory &amp; clinic"/><date key="time:timestamp" value="2024-01-01T10:00:00+00:00"/><string key="org:group" value="trust"/></event>
          </trace>
        </log>
        """.write(toFile: path, atomically: true, encoding: .utf8)
        var options = RecordOptions()
        options.columns.organisation = "org:group"
        options.columns.organisationRequired = true
        let log = try RecordFiles.load(path, options: options)
        let d = Discovery(log)
        #expect(d.variants.first?.path == ["memory & clinic", "gp"])
        #expect(log.organisationNames == ["practice", "trust"])
        try "<log><trace><event></event></trace>".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: PathwayLoadError.self) { try RecordFiles.load(path) }
        try "not xml at all".write(toFile: path, atomically: true, encoding: .utf8)
        do {
            _ = try RecordFiles.load(path)
            Issue.record("loaded")
        } catch {
            #expect(error.description.hasPrefix(path + ":1:"), "\(error)")
        }
    }
}

/// Every key of section 5 against the pandas oracle, and the directly-follows graph against
/// PM4Py's.
@Suite struct RecordsOracleTests {
    func options(_ args: [String]) -> RecordOptions {
        var options = RecordOptions()
        var k = 0
        while k + 1 < args.count {
            if args[k] == "--patient" { options.columns.patient = args[k + 1] }
            if args[k] == "--time" { options.columns.time = args[k + 1] }
            k += 2
        }
        return options
    }

    @Test func everyKeyEqualsThePandasOracleOnSeededLogs() throws {
        let folder = try RecordsPaths.scratch("records-oracle")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let generated = try RecordsPaths.python([
            RecordsPaths.oracle, "generate", "--seed", "20261202", "--count", "80", folder,
        ])
        try #require(generated.status == 0, "python3 with pandas is needed: pip install pandas\n\(generated.output)")
        let cases = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".yaml") }
        #expect(cases.count == 80)
        var shapes: Set<RecordShape> = []
        for name in cases {
            let base = folder + "/" + String(name.dropLast(5))
            let data = FileManager.default.fileExists(atPath: base + ".csv") ? base + ".csv" : base + ".tsv"
            let args = try String(contentsOfFile: base + ".args", encoding: .utf8).split(separator: "\n").map(
                String.init)
            let log = try RecordFiles.load(data, options: options(args))
            shapes.insert(log.shape)
            let design = try PathwayFiles.load(base + ".yaml")
            let journeys = PatientJourneys(log)
            let discovery = Discovery(log, journeys: journeys)
            let conformance = Conformance(design: design, log: log, discovery: discovery, journeys: journeys)
            try discovery.json().serialized().write(toFile: base + ".discover.json", atomically: true, encoding: .utf8)
            try conformance.json().serialized().write(toFile: base + ".conform.json", atomically: true, encoding: .utf8)
        }
        #expect(shapes == [.events, .referrals])
        let compared = try RecordsPaths.python([RecordsPaths.oracle, "compare", folder])
        #expect(
            compared.status == 0 && compared.output.contains("records oracle: 80 passed, 0 failed"),
            "\(compared.output)")
    }

    @Test(arguments: ["dementia-london-after", "urgent-care-after"])
    func theDirectlyFollowsGraphEqualsPM4Py(_ name: String) throws {
        let folder = try RecordsPaths.scratch("pm4py")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let csv = RecordsPaths.path("pathways/records/\(name)-events.csv")
        let discovery = Discovery(try RecordFiles.load(csv))
        try discovery.json().serialized().write(toFile: folder + "/d.json", atomically: true, encoding: .utf8)
        let checked = try RecordsPaths.python([RecordsPaths.oracle, "pm4py", csv, folder + "/d.json"])
        #expect(checked.status == 0 && checked.output.contains("agree"), "pip install pm4py\n\(checked.output)")
        // The same log written as XES by PM4Py reads to the same figures.
        let xes = try RecordsPaths.python([RecordsPaths.oracle, "xes", csv, folder + "/log.xes"])
        try #require(xes.status == 0, "\(xes.output)")
        var options = RecordOptions()
        options.columns.organisation = "org:group"
        options.columns.organisationRequired = true
        let fromXES = Discovery(try RecordFiles.load(folder + "/log.xes", options: options))
        #expect(fromXES.json().serialized() == discovery.json().serialized())
    }

    /// The generator recorded the undesigned jumps and unexpected starts it made: conformance
    /// finds exactly those, from either shape of the records.
    @Test(arguments: ["dementia-london-after", "urgent-care-after"], ["events", "referrals"])
    func conformanceFindsExactlyTheJumpsTheGeneratorMade(_ name: String, _ shape: String) throws {
        let log = try RecordFiles.load(RecordsPaths.path("pathways/records/\(name)-\(shape).csv"))
        let design = try PathwayFiles.load(RecordsPaths.path("pathways/\(name).yaml"))
        let journeys = PatientJourneys(log)
        let x = Conformance(design: design, log: log, discovery: Discovery(log, journeys: journeys), journeys: journeys)
        func rows(_ file: String) throws -> [[String]] {
            try String(contentsOfFile: RecordsPaths.path("pathways/records/\(name)-\(file).csv"), encoding: .utf8)
                .split(separator: "\n").dropFirst().map { $0.split(separator: ",").map(String.init) }
        }
        let jumps = try rows("jumps").sorted { $0[0] + $0[1] < $1[0] + $1[1] }
        let found = x.undesignedRoutes.map { [$0.from, $0.to, String($0.transitions), String($0.patients)] }
            .sorted { $0[0] + $0[1] < $1[0] + $1[1] }
        #expect(!jumps.isEmpty && found == jumps)
        // Referral rows leave out patients with one event, who start at an entry anyway.
        let starts = try rows("starts")
        #expect(x.unexpectedStarts.map { [$0.id, String($0.count)] } == starts)
        #expect(x.unknownServices.isEmpty && x.fitness < 1 && x.fitness > 0.9)
    }
}

/// The SQL of `discover --sql`, run by DuckDB and by Spark in local mode, gives aggregates that
/// read (`--aggregates`) to the local run's figures and observed pathway, on 10^4-row logs of
/// both shapes. Means and interpolated percentiles are each engine's arithmetic, so they are
/// held to 10^-9 of the local figure; every count, id, period and order is equal.
@Suite struct RecordsSQLTests {
    static let helper = RecordsPaths.path("Tests/oracle/records_sql.py")

    /// Two parsed JSON values equal, numbers to within 10^-9 (relative) when either has a
    /// fraction.
    static func same(_ a: Any, _ b: Any, _ path: String = "") -> [String] {
        switch (a, b) {
        case (let x as [String: Any], let y as [String: Any]):
            guard Set(x.keys) == Set(y.keys) else { return ["\(path): keys \(x.keys.sorted()) vs \(y.keys.sorted())"] }
            return x.keys.sorted().flatMap { same(x[$0]!, y[$0]!, path + "." + $0) }
        case (let x as [Any], let y as [Any]):
            guard x.count == y.count else { return ["\(path): \(x.count) vs \(y.count) items"] }
            return zip(x, y).enumerated().flatMap { same($1.0, $1.1, "\(path)[\($0)]") }
        case (let x as NSNumber, let y as NSNumber):
            let (u, v) = (x.doubleValue, y.doubleValue)
            return abs(u - v) <= 1e-9 * max(1, abs(u), abs(v)) ? [] : ["\(path): \(u) vs \(v)"]
        case (let x as String, let y as String):
            return x == y ? [] : ["\(path): \(x) vs \(y)"]
        case (is NSNull, is NSNull):
            return []
        default:
            return ["\(path): \(a) vs \(b)"]
        }
    }

    @Test(arguments: [RecordsSQL.Dialect.duckdb, .spark])
    func theEnginesAggregatesReadToTheLocalFigures(_ dialect: RecordsSQL.Dialect) throws {
        let folder = try RecordsPaths.scratch("sql-\(dialect.rawValue)")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var jobs: [String] = []
        for shape in [RecordShape.events, .referrals] {
            let records = folder + "/\(shape.rawValue).csv"
            let made = try RecordsPaths.python([
                Self.helper, "generate", "--rows", "10000", "--shape", shape.rawValue, "--seed", "7", records,
            ])
            try #require(made.status == 0, "\(made.output)")
            var columns = RecordColumns()
            columns.organisationRequired = true
            let script = RecordsSQL.script(
                table: "records", shape: shape, columns: columns, row: "row", organisation: true, dialect: dialect)
            try script.write(toFile: folder + "/\(shape.rawValue).sql", atomically: true, encoding: .utf8)
            jobs += [folder + "/\(shape.rawValue).sql", records, folder + "/\(shape.rawValue)-aggregates"]
        }
        let ran = try RecordsPaths.python([Self.helper, "run", dialect.rawValue] + jobs)
        try #require(
            ran.status == 0, "pip install duckdb pyspark (Spark needs a Java runtime)\n\(ran.output.suffix(2000))")
        for shape in [RecordShape.events, .referrals] {
            let log = try RecordFiles.load(folder + "/\(shape.rawValue).csv")
            #expect(log.shape == shape)
            let local = Discovery(log)
            let loaded = try Aggregates.load(folder + "/\(shape.rawValue)-aggregates")
            #expect(loaded.discovery.shape == shape)
            let expected = try JSONSerialization.jsonObject(with: Data(local.json(variants: 1000).serializedBytes()))
            let found = try JSONSerialization.jsonObject(
                with: Data(loaded.discovery.json(variants: 1000).serializedBytes()))
            let differences = Self.same(expected, found)
            #expect(differences.isEmpty, "\(shape): \(differences.prefix(10))")
            // The observed pathway is the same file, but for the name of where it came from.
            let fromLog = PathwayYAMLWriter.yaml(local.observedPathway(log: log))
            let fromAggregates = PathwayYAMLWriter.yaml(loaded.observedPathway())
                .replacingOccurrences(of: "\(shape.rawValue)-aggregates", with: "\(shape.rawValue).csv")
            #expect(fromLog == fromAggregates)
        }
    }

    @Test func theScriptNamesEveryAggregateAndQuotesColumns() {
        var columns = RecordColumns()
        columns.patient = "Person ID"
        for dialect in RecordsSQL.Dialect.allCases {
            let script = RecordsSQL.script(
                table: "mhsds.referrals", shape: .referrals, columns: columns, row: "row", organisation: false,
                dialect: dialect)
            for name in RecordsSQL.names.dropLast() { #expect(script.contains("-- \(name).csv"), "\(dialect)") }
            #expect(!script.contains("-- organisations.csv"))
            #expect(script.contains(dialect == .spark ? "`Person ID`" : "\"Person ID\""))
            #expect(script.contains("FROM mhsds.referrals"))
        }
    }
}
