import Foundation
import Testing

@testable import PathwayCore

/// The columnar CSV reader must accept exactly the files the thorough reader accepts, give the
/// same metrics, and hand every file it cannot read plainly to the thorough reader, so that
/// errors are the same too.
@Suite struct NetworkLoaderTests {
    static let header = "id,name,organisation,sector,entry,terminal,functions,capacity"

    /// Valid CSV pairs, each with whether the fast reader should take it itself.
    static let valid: [(name: String, services: String, routes: String?, fast: Bool)] = [
        (
            "plain",
            """
            \(header)
            gp,GP practice,gps,primary-care,true,false,triage,
            clinic,Memory clinic,trust,mental-health,false,false,diagnosis;assessment,10
            ward,Ward,trust,mental-health,false,true,treatment,
            care,Care team,council,social-care,false,false,social-support;assessment,2

            """,
            """
            from,to,purpose,kind,volume
            gp,clinic,diagnosis,formal,12
            clinic,ward,,informal,
            ward,clinic,treatment,formal,3
            clinic,clinic,,,
            gp,nowhere,diagnosis,formal,4
            gone,care,,,
            gp,clinic,diagnosis,formal,5
            care,care,,,

            """, true
        ),
        (
            "quoted names and notes, CRLF, blank lines, columns reordered, spellings",
            "organisation,id,sector,name,functions,entry,terminal,capacity,replaces\r\n"
                + "gps,gp,primary-care,\"Practice, \"\"the\"\" one\nwith a newline\",triage; diagnosis ;triage,True,FALSE,,\r\n"
                + "\r\n\r\n"
                + "trust,clinic,mental-health,Clinic,diagnosis,false,True,0,old-a; old-b\r\n"
                + "trust,ward,mental-health,\"\",treatment,,,0,\r\n",
            "to,from,note\r\nclinic,gp,\"a note, with \"\"quotes\"\"\"\r\nward,clinic,\r\n", true
        ),
        ("no routes file", "\(header)\nsolo,Solo,org,other,true,false,,\n", nil, true),
        ("only required columns", "id,organisation,sector\na,o,acute\nb,o,acute\n", "from,to\na,b\nb,a\n", true),
        ("a byte-order mark", "\u{FEFF}\(header)\na,A,o,acute,true,false,f,\n", "from,to\na,a\n", false),
        ("a plus sign", "\(header)\na,A,o,acute,true,false,f,+5\n", "from,to,volume\na,a,+7\n", true),
        ("a quoted id", "\(header)\n\"a\",A,o,acute,true,false,f,\n", "from,to\n\"a\",a\n", false),
        (
            "non-ASCII names",
            "\(header)\nא,x,o,acute,true,false,f,\n".replacingOccurrences(of: "א,x", with: "a,Ünïcödé שלום"),
            "from,to\na,a\n", true
        ),
    ]

    /// Invalid CSV pairs: the fast reader must give way, and both entry points the same error.
    static let invalid: [(name: String, services: String, routes: String?)] = [
        ("bad id", "\(header)\nBad Id,x,o,acute,true,false,,\n", nil),
        ("duplicate id", "\(header)\na,x,o,acute,true,false,,\na,y,o,acute,false,false,,\n", nil),
        ("unknown sector", "\(header)\na,x,o,hospital,true,false,,\n", nil),
        ("missing sector", "\(header)\na,x,o,,true,false,,\n", nil),
        ("sectors disagree", "\(header)\na,x,o,acute,true,false,,\nb,y,o,other,false,false,,\n", nil),
        ("bad bool", "\(header)\na,x,o,acute,yes,false,,\n", nil),
        ("negative capacity", "\(header)\na,x,o,acute,true,false,,-3\n", nil),
        ("capacity not a number", "\(header)\na,x,o,acute,true,false,,12x\n", nil),
        ("a lone plus sign", "\(header)\na,x,o,acute,true,false,,+\n", nil),
        ("plus then minus", "\(header)\na,x,o,acute,true,false,,+-5\n", nil),
        ("huge capacity", "\(header)\na,x,o,acute,true,false,,99999999999999\n", nil),
        ("bad function word", "\(header)\na,x,o,acute,true,false,Diagnosis,\n", nil),
        ("bad eligibility word", "id,organisation,sector,eligibility\na,o,acute,Over 65\n", nil),
        ("empty function item", "\(header)\na,x,o,acute,true,false,diagnosis; ;triage,\n", nil),
        ("too few fields", "\(header)\na,x,o,acute,true\n", nil),
        ("too many fields", "\(header)\na,x,o,acute,true,false,,,extra\n", nil),
        ("unknown column", "id,organisation,sector,colour\na,o,acute,red\n", nil),
        ("missing column", "id,organisation\na,o\n", nil),
        ("empty file", "", nil),
        ("header only", "\(header)\n", nil),
        ("unclosed quote", "\(header)\na,\"x,o,acute,true,false,,\n", nil),
        ("quote inside a field", "\(header)\na,x\"y,o,acute,true,false,,\n", nil),
        ("NUL byte", "\(header)\na,x\0,o,acute,true,false,,\n", nil),
        ("bad route id", "\(header)\na,x,o,acute,true,false,,\n", "from,to\na,B\n"),
        ("bad purpose", "\(header)\na,x,o,acute,true,false,,\n", "from,to,purpose\na,a,Triage\n"),
        ("bad kind", "\(header)\na,x,o,acute,true,false,,\n", "from,to,kind\na,a,urgent\n"),
        ("bad volume", "\(header)\na,x,o,acute,true,false,,\n", "from,to,volume\na,a,many\n"),
        ("missing from", "\(header)\na,x,o,acute,true,false,,\n", "from,to\n,a\n"),
    ]

    func folder(_ name: String, services: String, routes: String?) throws -> String {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("pathway-network-\(ProcessInfo.processInfo.processIdentifier)")
            .appendingPathComponent(
                name.replacingOccurrences(of: " ", with: "-").replacingOccurrences(of: ",", with: "")
            )
            .path
        try? FileManager.default.removeItem(atPath: folder)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try Data(services.utf8).write(to: URL(fileURLWithPath: folder + "/services.csv"))
        if let routes { try Data(routes.utf8).write(to: URL(fileURLWithPath: folder + "/routes.csv")) }
        return folder
    }

    @Test func bothReadersGiveTheSameMetrics() throws {
        for c in Self.valid {
            let path = try folder(c.name, services: c.services, routes: c.routes)
            let thorough = PathwayMetrics(try PathwayFiles.load(path)).json.serialized()
            let columns = PathwayMetrics(try PathwayFiles.loadNetwork(path)).json.serialized()
            #expect(columns == thorough, "\(c.name)")
            #expect((CSVNetworkLoader.fastLoad(folder: path) != nil) == c.fast, "\(c.name)")
        }
        // The plain case by hand: two orphaned routes in file order, parallel and self routes
        // counted, loops of the self routes, capacity exceeded by the parallel routes.
        let m = PathwayMetrics(
            try PathwayFiles.loadNetwork(
                try folder("plain", services: Self.valid[0].services, routes: Self.valid[0].routes)))
        #expect(m.routes == 6)
        #expect(
            m.orphanedRoutes.map { "\($0.from)>\($0.to):\($0.purpose ?? "-"):\($0.location?.line ?? 0)" } == [
                "gp>nowhere:diagnosis:6", "gone>care:-:7",
            ])
        #expect(m.loops == [["care"], ["clinic", "ward"]])
        #expect(m.overCapacity.map(\.id) == ["clinic"] && m.overCapacity.first?.inbound == 20)
        #expect(m.unreachable == ["care"])
        #expect(m.functions["assessment"]?.providers == ["care", "clinic"])
        #expect(m.functions["assessment"]?.pointsOfEntry == ["clinic"])
        #expect(m.sectors == 3 && m.organisations == 3)
    }

    /// Eligibility in the CSV pair gates patient profiles the same way in both readers: a
    /// profile without the attribute the only memory clinic requires is not served.
    @Test func eligibilityGatesProfilesTheSameInBothReaders() throws {
        let path = try folder(
            "eligibility",
            services: """
                id,organisation,sector,entry,functions,eligibility
                gp,gps,primary-care,true,triage,
                clinic,trust,mental-health,false,diagnosis,age-65-plus; dementia ;age-65-plus
                young,trust,mental-health,false,assessment,under-65

                """,
            routes: "from,to\ngp,clinic\ngp,young\nclinic,gp\n")
        let profiles = path + "/profiles.yaml"
        try """
        profiles:
          - {id: older, needs: [triage, diagnosis], attributes: [age-65-plus, dementia]}
          - {id: younger, needs: [triage, diagnosis], attributes: [under-65]}
          - {id: assessed, needs: [assessment], attributes: [under-65]}
        """.write(toFile: profiles, atomically: true, encoding: .utf8)
        let added = try YAMLPathwayLoader.loadProfiles(path: profiles)
        #expect(CSVNetworkLoader.fastLoad(folder: path) != nil, "the fast reader takes the column")
        let thorough = PathwayMetrics(try PathwayFiles.load(path).adding(profiles: added))
        let columns = PathwayMetrics(try PathwayFiles.loadNetwork(path).adding(profiles: added))
        #expect(columns.json.serialized() == thorough.json.serialized())
        #expect(thorough.profiles["older"]?.served == true)
        #expect(thorough.profiles["younger"]?.served == false, "the clinic requires age-65-plus")
        #expect(columns.profiles["younger"]?.served == false)
        #expect(columns.profiles["assessed"]?.served == true)
        #expect(try PathwayFiles.load(path).services[1].eligibility == ["age-65-plus", "dementia"])
    }

    @Test func filesTheFastReaderCannotTakeGetTheThoroughReadersErrors() throws {
        for c in Self.invalid {
            let path = try folder(c.name, services: c.services, routes: c.routes)
            #expect(CSVNetworkLoader.fastLoad(folder: path) == nil, "\(c.name)")
            var expected = ""
            do { _ = try PathwayFiles.load(path) } catch { expected = error.description }
            var got = ""
            do { _ = try PathwayFiles.loadNetwork(path) } catch { got = error.description }
            #expect(!expected.isEmpty, "\(c.name) should not load")
            #expect(got == expected, "\(c.name)")
            #expect(got.contains(path), "\(c.name): \(got)")
        }
    }

    /// A generated network of 20,000 services: the fast reader takes it and agrees with the
    /// thorough one on every metric.
    @Test func generatedNetworkLoadsFastAndAgrees() throws {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("pathway-network-generated-\(ProcessInfo.processInfo.processIdentifier)").path
        try? FileManager.default.removeItem(atPath: path)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "python3", Paths.packageRoot.appendingPathComponent("Benchmarks/generate_network.py").path,
            "--services", "20000", "--seed", "7", path,
        ]
        try process.run()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0)
        let network = try #require(CSVNetworkLoader.fastLoad(folder: path))
        let fast = PathwayMetrics(network, betweenness: false)
        let thorough = PathwayMetrics(try PathwayFiles.load(path), betweenness: false)
        #expect(fast.json.serialized() == thorough.json.serialized())
        #expect(fast.jsonBytes() == fast.json.serializedBytes())
        var streamed: [UInt8] = []
        try fast.writeJSON { streamed += $0 }
        #expect(streamed == fast.jsonBytes())
        // A write that fails (a full disk) ends the writing with its error, after the members
        // being written have finished.
        struct Full: Error {}
        var calls = 0
        #expect(throws: Full.self) {
            try fast.writeJSON { _ in
                calls += 1
                if calls == 3 { throw Full() }
            }
        }
        #expect(calls == 3)
        // Sampled betweenness too (over 10,000 services), and every key.
        let sampled = PathwayMetrics(network)
        #expect(sampled.jsonBytes() == sampled.json.serializedBytes())
        #expect(sampled.betweennessSources == 1000)
        #expect(fast.services == 20_000 && fast.routes > 50_000)
        #expect(fast.functions.values.contains { $0.pointsOfEntry.count > 1 })
    }

    /// Many functions at once give the same points of entry as one search per function: in
    /// each width of word the search packs them into (up to 7, 15 and 31), and in groups of 31;
    /// and the same fewest referrals and boundaries as full searches, in groups of 64.
    @Test func pointsOfEntryOfManyFunctionsMatchOneSearchEach() throws {
        var random = SplitMix64(seed: 64)
        for trial in 0..<60 {
            let words = [3, 7, 8, 15, 16, 31, 70][trial % 7]
            // Every third service offers each function, or (so that the nearest are some routes
            // away) one in twenty-five.
            let rarity = UInt64(trial % 2 == 0 ? 3 : 25)
            let n = Int(random.next() % 60) + 20
            let m = Int(random.next() % UInt64(4 * n))
            let services = (0..<n).map { v in
                Service(
                    id: "s\(v)", organisation: "o\(v % 3)", entry: random.next() % 6 == 0,
                    functions: (0..<words).filter { _ in random.next() % rarity == 0 }.map { "f\($0)" })
            }
            let routes = (0..<m).map { _ in
                Route(from: "s\(random.next() % UInt64(n))", to: "s\(random.next() % UInt64(n))")
            }
            let p = Pathway(
                title: "t", organisations: (0..<3).map { Organisation(id: "o\($0)", sector: .acute) },
                services: services, routes: routes)
            let network = PathwayNetwork(p)
            let together = network.graph.pointsOfEntry(functions: network.functions.map(\.providers))
            for (k, function) in network.functions.enumerated() {
                let alone = network.graph.pointsOfEntry(providers: function.providers)
                let parent = network.graph.firstReach(providers: function.providers.map { Int($0) })
                #expect(together[k] == alone, "\(function.word)")
                #expect(alone == function.providers.filter { parent[Int($0)] != ServiceGraph.unseen })
            }
            if rarity == 3 { #expect(network.functions.count > words - 3) }
            // The searches that stop once every function is reached agree with full ones.
            let nearest = network.graph.nearestProviders(network.functions.map(\.providers))
            let hops = network.graph.referralsFromEntries().distance
            let crossings = network.graph.boundariesFromEntries()
            for (k, function) in network.functions.enumerated() {
                let reached = function.providers.filter { hops[Int($0)] >= 0 }
                #expect(nearest.referrals[k] == reached.map { Int(hops[Int($0)]) }.min(), "\(function.word)")
                #expect(nearest.boundaries[k] == reached.map { Int(crossings[Int($0)]) }.min(), "\(function.word)")
            }
        }
    }

    @Test func idTableFindsEveryIdAndSortsLikeStrings() {
        var random = SplitMix64(seed: 5)
        let alphabet = Array("ab-09z".utf8)
        var ids = Set<String>()
        while ids.count < 5000 {
            let length = Int(random.next() % 20) + 1
            ids.insert(String(decoding: (0..<length).map { _ in alphabet[Int(random.next() % 6)] }, as: UTF8.self))
        }
        let list = Array(ids)
        let table = IDTable(list)
        #expect(table.count == list.count)
        for (k, id) in list.enumerated() {
            #expect(table.index(of: id) == k)
            #expect(table[k] == id)
        }
        #expect(table.index(of: "not-there-at-all") == nil)
        #expect(table.index(of: "") == nil)
        #expect(table.sortedOrder().map { table[Int($0)] } == list.sorted())
    }

    /// Room reserved part way keeps every id at its place and findable, whether the table grows
    /// for it or already has room, and ids added after go on from there.
    @Test func idTableReservedPartWayKeepsEveryId() {
        let ids = (0..<20_000).map { "patient-\($0 * 7919 % 20_000)" }
        var table = IDTable()
        for id in ids[..<3000] {
            var id = id
            _ = id.withUTF8 { table.insert($0) }
        }
        table.reserve(50_000, bytesEach: 14)
        table.reserve(10)
        for (k, id) in ids.enumerated() {
            var id = id
            let (position, inserted) = id.withUTF8 { table.insert($0) }
            #expect(position == k && inserted == (k >= 3000))
        }
        #expect(table.count == ids.count)
        for (k, id) in ids.enumerated() { #expect(table.index(of: id) == k) }
        #expect(table.index(of: "patient-20000") == nil)
    }

    /// The id read ahead for a key its slot cannot decide (over eight bytes, not all digits) is
    /// the key itself when it sits near its slot, always one of the key's length when there
    /// is one, and none for short keys or keys of 9 to 16 digits, which their slots decide.
    @Test func idTableReadsAheadTheIdMostLikelyTheKey() {
        let numbers = (0..<30_000).map { ($0 * 7919) % 100_000 + 9_000_000_000 }
        let ids = numbers.map { "p\($0)" } + numbers.map { "\($0)" } + ["short"]
        let table = IDTable(ids)
        var found = 0
        for (k, id) in ids.enumerated() {
            var id = id
            let hash = id.withUTF8 { IDTable.hash($0, seed: table.hashSeed) }
            #expect(hash == id.withUTF8 { IDTable.hash($0) })
            let candidate = id.withUTF8 { table.candidate($0, hash: hash) }
            if id.utf8.count <= 8 || id.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) {
                #expect(candidate == -1)
                continue
            }
            if candidate == k { found += 1 }
            if candidate >= 0 {
                #expect(table[candidate].utf8.count == id.utf8.count)
                #expect(table.byteWord(at: table.start(of: candidate)) == UInt64(table[candidate].utf8.first!))
            }
        }
        #expect(found > 29_000)
    }

    /// Ids of 9 to 16 digits are told apart by their slots alone (four bits a digit and the
    /// length): with leading zeros, beside ids of the same digits and one letter, of 17 digits
    /// (too many to pack) and of any length around them, each is found at its own position
    /// and no other id is found.
    @Test func numericIdsAreToldApartByTheirSlots() {
        var ids: [String] = []
        for n in 1...18 {
            for k in 0..<300 {
                let digits = String(String((k * 7_919 + n * 104_729) % 1_000_000_007).suffix(n))
                let padded = String(repeating: "0", count: n - digits.count) + digits
                ids += [padded, padded + "a", "a" + padded, "0" + padded]
            }
        }
        // 17 digits that agree but for the first: packed, the first digit would be lost.
        ids += ["10000000000000000", "20000000000000000", "1234567890123456", "2234567890123456"]
        ids = Array(Set(ids)).sorted()
        // A slot decides an id only by a word and length that no other id shares, and its tag
        // keeps such ids apart from those whose bytes must be compared.
        var decided: [String: String] = [:]
        for name in ids {
            var id = name
            id.withUTF8 { key in
                let (word, decides) = IDTable.slotWord(key)
                let digits = key.allSatisfy { $0 >= 48 && $0 <= 57 }
                #expect(decides == (key.count <= 8 || (key.count <= 16 && digits)), "\(name)")
                let byte = IDTable.meta(0, key.count, decides: decides) & 0xFF
                #expect(decides && key.count > 8 ? (137...144).contains(byte) : byte <= 127, "\(name)")
                if decides {
                    let both = "\(word) \(key.count)"
                    #expect(decided[both] == nil, "\(name) and \(decided[both] ?? "")")
                    decided[both] = name
                }
            }
        }
        let table = IDTable(ids)
        #expect(table.count == ids.count)
        for (k, id) in ids.enumerated() { #expect(table.index(of: id) == k, "\(id)") }
        for id in ["00000000000000000", "99999999999999999", "0000000000", "123456789b", "1234567890123456"]
        where !ids.contains(id) {
            #expect(table.index(of: id) == nil, "\(id)")
        }
    }

    /// Lists of services in id order, by a comparison sort when short, a radix sort of their
    /// ranks when longer, and by marking when they hold a large share: for numbers of services
    /// whose ranks need one pass and two.
    @Test(arguments: [300, 2048, 2049, 5000, 300_000])
    func listsOfServicesSortLikeTheirIds(count: Int) {
        var random = SplitMix64(seed: UInt64(count))
        let ids = (0..<count).map { "s\($0 * 7919 % count)-\(random.next() % 1000)" }
        let order = IDOrder(IDTable(ids))
        for size in [0, 1, 255, 256, 257, count / 9, count / 7, count] {
            var chosen = Set<Int32>()
            while chosen.count < min(size, count) { chosen.insert(Int32(random.next() % UInt64(count))) }
            let vertices = Array(chosen)
            #expect(order.sorted(vertices).map { ids[Int($0)] } == vertices.map { ids[Int($0)] }.sorted())
        }
    }

    /// The radix sort steps over bytes every id shares; ids like `s123` share their first,
    /// and one or no id is sorted already.
    @Test(arguments: [0, 1, 2, 3000])
    func idsSharingTheirFirstBytesSortLikeStrings(count: Int) {
        var random = SplitMix64(seed: UInt64(count))
        let list = (0..<count).map { _ in "s\(random.next() % 100_000_000)" }.reduce(into: [String]()) {
            if !$0.contains($1) { $0.append($1) }
        }
        let table = IDTable(list)
        #expect(table.sortedOrder().map { table[Int($0)] } == list.sorted())
        let padded = IDTable(list.map { "service-\($0)" })
        #expect(padded.sortedOrder().map { padded[Int($0)] } == list.map { "service-\($0)" }.sorted())
    }
}
