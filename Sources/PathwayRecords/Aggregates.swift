import Foundation
import PathwayCore

/// `pathway discover --aggregates DIR`: the results of ``RecordsSQL``'s queries, exported by
/// the engine as `DIR/NAME.csv` (or as a folder `DIR/NAME/` of Spark's `part-*.csv` files),
/// read into the same ``Discovery`` a local run makes.
public enum Aggregates {
    public struct Loaded: Sendable {
        public var discovery: Discovery
        /// The services by the index the discovery's services and routes carry.
        var serviceNames: [String]
        var organisationNames: [String]
        /// How many records name each (service, organisation); empty without the column.
        var organisationRows: [(service: Int32, organisation: Int32, rows: Int)]

        /// The observed pathway, as a local run's `observedPathway(log:design:disclosure:)`.
        public func observedPathway(design: Pathway? = nil, disclosure: Disclosure = .exact) -> Pathway {
            discovery.observedPathway(
                serviceNames: serviceNames, organisationNames: organisationNames, organisationRows: organisationRows,
                design: design, disclosure: disclosure)
        }
    }

    public static func load(_ folder: String) throws(PathwayLoadError) -> Loaded {
        func table(_ name: String, required: Bool = true) throws(PathwayLoadError) -> [[String: String?]]? {
            let file = (folder as NSString).appendingPathComponent(name + ".csv")
            let part = (folder as NSString).appendingPathComponent(name)
            var paths: [String] = []
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: file) {
                paths = [file]
            } else if FileManager.default.fileExists(atPath: part, isDirectory: &isFolder), isFolder.boolValue {
                paths = ((try? FileManager.default.contentsOfDirectory(atPath: part)) ?? [])
                    .filter { $0.hasSuffix(".csv") }.sorted().map { (part as NSString).appendingPathComponent($0) }
            }
            if paths.isEmpty {
                if !required { return nil }
                throw PathwayLoadError(
                    file: file, "no such file: save the result of the '\(name)' query of 'discover --sql' here")
            }
            var rows: [[String: String?]] = []
            for path in paths { rows += try read(path) }
            return rows
        }
        let summary = try table("summary")!
        guard let head = summary.first else {
            throw PathwayLoadError(file: folder + "/summary.csv", line: 2, column: 1, "expected one row")
        }
        func text(_ row: [String: String?], _ key: String, _ file: String) throws(PathwayLoadError) -> String {
            guard let value = row[key] ?? nil else {
                throw PathwayLoadError(file: folder + "/\(file).csv", "missing the value '\(key)'")
            }
            return value
        }
        func int(_ row: [String: String?], _ key: String, _ file: String) throws(PathwayLoadError) -> Int {
            let value = try text(row, key, file)
            guard let n = Int(value) ?? Double(value).flatMap({ $0 == $0.rounded() ? Int($0) : nil }) else {
                throw PathwayLoadError(file: folder + "/\(file).csv", "'\(key)' is '\(value)': expected a whole number")
            }
            return n
        }
        func double(_ row: [String: String?], _ key: String) -> Double? { (row[key] ?? nil).flatMap(Double.init) }
        func time(_ row: [String: String?], _ key: String) throws(PathwayLoadError) -> Int64 {
            let value = try text(row, key, "summary")
            guard case .success(let t) = RecordTime.parse(value) else {
                throw PathwayLoadError(file: folder + "/summary.csv", "'\(key)' is '\(value)': \(RecordTime.expected)")
            }
            return t.nanoseconds
        }
        let shape = RecordShape(rawValue: try text(head, "shape", "summary")) ?? .events
        var names = Interner()
        func intern(_ name: String) -> Int32 { names.intern(name) }
        var services: [Discovery.ServiceCount] = []
        for row in try table("services")! {
            let id = try text(row, "id", "services")
            var s = Discovery.ServiceCount(id: id, index: intern(id))
            s.events = try int(row, "events", "services")
            s.patients = try int(row, "patients", "services")
            s.starts = try int(row, "starts", "services")
            s.ends = try int(row, "ends", "services")
            services.append(s)
        }
        var routes: [Discovery.RouteStats] = []
        for row in try table("routes")! {
            let from = try text(row, "from_id", "routes")
            let to = try text(row, "to_id", "routes")
            var r = Discovery.RouteStats(from: from, to: to, fromIndex: intern(from), toIndex: intern(to))
            r.transitions = try int(row, "transitions", "routes")
            r.patients = try int(row, "patients", "routes")
            r.meanSeconds = double(row, "mean_seconds")
            r.medianSeconds = double(row, "median_seconds")
            r.p90Seconds = double(row, "p90_seconds")
            routes.append(r)
        }
        var variants: [Discovery.Variant] = []
        for row in try table("variants")! {
            let path = try text(row, "path", "variants").split(separator: "\u{1F}", omittingEmptySubsequences: false)
                .map(String.init)
            variants.append(Discovery.Variant(path: path, patients: try int(row, "patients", "variants")))
        }
        var continuity = Discovery.Continuity()
        if let k = try table("continuity")!.first {
            continuity.patients = try int(k, "patients", "continuity")
            if continuity.patients > 0 {
                continuity.upc = .init(mean: double(k, "upc_mean"), median: double(k, "upc_median"))
                continuity.coc = .init(mean: double(k, "coc_mean"), median: double(k, "coc_median"))
                continuity.secon = .init(mean: double(k, "secon_mean"), median: double(k, "secon_median"))
                continuity.boundaryCrossings = .init(
                    mean: double(k, "crossings_mean"), median: double(k, "crossings_median"))
                continuity.maximumCrossings = try int(k, "crossings_max", "continuity")
            }
        }
        var organisationNames = Interner()
        var organisationRows: [(Int32, Int32, Int)] = []
        if let rows = try table("organisations", required: false) {
            continuity.overOrganisations = true
            for row in rows {
                let organisation = organisationNames.intern(try text(row, "organisation", "organisations"))
                organisationRows.append(
                    (
                        intern(try text(row, "service", "organisations")), organisation,
                        try int(row, "records", "organisations")
                    ))
            }
        }
        let discovery = Discovery(
            file: folder, shape: shape, events: try int(head, "events", "summary"),
            patients: try int(head, "patients", "summary"), from: try time(head, "period_from"),
            to: try time(head, "period_to"), services: services, routes: routes,
            variants: variants, continuity: continuity)
        return Loaded(
            discovery: discovery, serviceNames: names.names, organisationNames: organisationNames.names,
            organisationRows: organisationRows)
    }

    /// An RFC 4180 file with a header: each row by column name, an empty field as nil.
    static func read(_ path: String) throws(PathwayLoadError) -> [[String: String?]] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw PathwayLoadError(file: path, "cannot be read")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw PathwayLoadError(file: path, "invalid UTF-8: save the file as UTF-8 text")
        }
        var records: [[String]] = []
        var field = ""
        var record: [String] = []
        var quoted = false
        var wasQuoted = false
        var iterator = text.unicodeScalars.makeIterator()
        var pending: Unicode.Scalar? = nil
        func end() {
            record.append(field)
            field = ""
            wasQuoted = false
        }
        while let c = pending ?? iterator.next() {
            pending = nil
            if quoted {
                if c == "\"" {
                    if let next = iterator.next() {
                        if next == "\"" {
                            field.unicodeScalars.append("\"")
                        } else {
                            quoted = false
                            pending = next
                        }
                    } else {
                        quoted = false
                    }
                } else {
                    field.unicodeScalars.append(c)
                }
            } else if c == "\"" && field.isEmpty {
                quoted = true
                wasQuoted = true
            } else if c == "," {
                end()
            } else if c == "\n" || c == "\r" {
                if c == "\r", let next = iterator.next(), next != "\n" { pending = next }
                if !(record.isEmpty && field.isEmpty && !wasQuoted) {
                    end()
                    records.append(record)
                }
                record = []
            } else {
                field.unicodeScalars.append(c)
            }
        }
        if !record.isEmpty || !field.isEmpty || wasQuoted {
            end()
            records.append(record)
        }
        guard let header = records.first else {
            throw PathwayLoadError(file: path, line: 1, column: 1, "the file is empty")
        }
        return records.dropFirst().enumerated().map { k, values in
            var row: [String: String?] = [:]
            for (j, name) in header.enumerated() {
                let value = j < values.count ? values[j] : ""
                row[name] = value.isEmpty ? nil : value
            }
            _ = k
            return row
        }
    }
}

extension Discovery {
    /// A discovery made from its figures (``Aggregates``), put in the same order as a local run.
    public init(
        file: String, shape: RecordShape, events: Int, patients: Int, from: Int64, to: Int64,
        services: [ServiceCount], routes: [RouteStats], variants: [Variant],
        continuity: Continuity
    ) {
        // Services and routes keep the indices they were given: into the caller's names.
        self.file = file
        self.shape = shape
        self.events = events
        self.patients = patients
        self.from = from
        self.to = to
        func less(_ a: String, _ b: String) -> Bool { a.utf8.lexicographicallyPrecedes(b.utf8) }
        self.services = services.sorted { less($0.id, $1.id) }
        self.routes = routes.sorted { $0.from != $1.from ? less($0.from, $1.from) : less($0.to, $1.to) }
        self.variants = VariantList(
            variants.sorted { a, b in
                if a.patients != b.patients { return a.patients > b.patients }
                for (x, y) in zip(a.path, b.path) where x != y { return less(x, y) }
                return a.path.count < b.path.count
            })
        self.continuity = continuity
    }
}
