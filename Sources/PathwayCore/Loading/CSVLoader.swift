import Foundation

/// Loads a large pathway from the CSV pair of `shared/pathway-format.md` section 1:
/// `services.csv` (`id,name,organisation,sector,entry,terminal,functions,capacity`, functions
/// separated by `;`) and `routes.csv` (`from,to,purpose,kind,volume`).
///
/// Columns may come in any order; `id`, `organisation`, `sector` and `from`, `to` are required,
/// the others optional. Two extra columns are accepted: `replaces` (ids separated by `;`) in
/// `services.csv` and `note` in `routes.csv`. An organisation is named by its id and takes its
/// sector from its services, which must agree. The same rules as YAML apply, with errors at
/// file, line and column. The pathway's title is the folder's name.
public enum CSVPathwayLoader {
    public static let maximumFileSize = 4 * 1024 * 1024 * 1024

    /// Loads `folder/services.csv` and `folder/routes.csv` (routes are optional).
    public static func load(folder: String) throws(PathwayLoadError) -> Pathway {
        let servicesPath = (folder as NSString).appendingPathComponent("services.csv")
        let routesPath = (folder as NSString).appendingPathComponent("routes.csv")
        let servicesBytes = try TextInput.readBytes(servicesPath, limit: maximumFileSize)
        let routesBytes: [UInt8]? =
            FileManager.default.fileExists(atPath: routesPath)
            ? try TextInput.readBytes(routesPath, limit: maximumFileSize) : nil
        let title = URL(fileURLWithPath: folder).standardizedFileURL.lastPathComponent
        // Read by TextInput, so already checked to be text.
        return try load(
            services: servicesBytes, servicesFile: servicesPath, routes: routesBytes,
            routesFile: routesPath, title: title, folder: folder, checked: true)
    }

    /// Loads the pair from bytes, checked to be UTF-8 text unless `checked` says they were.
    public static func load(
        services: [UInt8], servicesFile: String, routes: [UInt8]?, routesFile: String,
        title: String, folder: String? = nil, checked: Bool = false
    ) throws(PathwayLoadError) -> Pathway {
        if !checked {
            try TextInput.validate(services, file: servicesFile)
            if let routes { try TextInput.validate(routes, file: routesFile) }
        }
        var problems: [PathwayLoadError.Problem] = []
        var organisations: [Organisation] = []
        let serviceList = readServices(
            services, file: servicesFile, organisations: &organisations, problems: &problems)
        let routeList = routes.map { readRoutes($0, file: routesFile, problems: &problems) } ?? []
        if !problems.isEmpty {
            throw PathwayLoadError(problems: Array(problems.prefix(YAMLPathwayLoader.maximumProblems)))
        }
        return Pathway(
            title: title, organisations: organisations, services: serviceList, routes: routeList,
            file: folder ?? servicesFile)
    }

    private static func readServices(
        _ bytes: [UInt8], file: String, organisations: inout [Organisation],
        problems: inout [PathwayLoadError.Problem]
    ) -> [Service] {
        var table = CSVTable(bytes: bytes, file: file)
        let known = [
            "id", "name", "organisation", "sector", "entry", "terminal", "functions", "capacity",
            "replaces", "eligibility",
        ]
        guard let columns = table.header(known: known, required: ["id", "organisation", "sector"], problems: &problems)
        else { return [] }
        var services: [Service] = []
        var serviceLines: [String: Int] = [:]
        var organisationIndex: [String: Int] = [:]
        table.forEachRow(columns: columns, problems: &problems) { row in
            let id = row.id("id")
            let name = row.text("name")
            let organisation = row.id("organisation")
            let sectorText = row.text("sector")
            var sector: Sector?
            if let sectorText {
                sector = Sector(rawValue: sectorText)
                if sector == nil {
                    row.report(
                        "sector",
                        "unknown sector '\(sectorText)'; expected one of: "
                            + Sector.allCases.map(\.rawValue).joined(separator: ", "))
                }
            } else if row.has("sector") {
                row.report("sector", "missing 'sector'")
            }
            let entry = row.bool("entry")
            let terminal = row.bool("terminal")
            let functions = row.list("functions", word: true)
            let capacity = row.count("capacity")
            let replaces = row.list("replaces", word: false)
            let eligibility = row.list("eligibility", word: true)
            guard let id, let organisation, let sector, row.isClean else {
                if id == nil && row.text("id") == nil { row.report("id", "missing 'id'") }
                if organisation == nil && row.text("organisation") == nil {
                    row.report("organisation", "missing 'organisation'")
                }
                return
            }
            if let first = serviceLines[id] {
                row.report("id", "duplicate service id '\(id)' (first defined at line \(first))")
                return
            }
            if let index = organisationIndex[organisation] {
                if organisations[index].sector != sector {
                    row.report(
                        "sector",
                        "organisation '\(organisation)' is given sector '\(sector.rawValue)' here"
                            + " but '\(organisations[index].sector.rawValue)' at line"
                            + " \(organisations[index].location?.line ?? 0)")
                    return
                }
            } else {
                organisationIndex[organisation] = organisations.count
                organisations.append(
                    Organisation(id: organisation, sector: sector, location: row.location("organisation")))
            }
            serviceLines[id] = row.record.line
            services.append(
                Service(
                    id: id, name: name, organisation: organisation, entry: entry ?? false,
                    terminal: terminal ?? false, functions: functions, capacity: capacity,
                    replaces: replaces, eligibility: eligibility, location: row.location(nil)))
        }
        if services.isEmpty && problems.isEmpty {
            problems.append(.init(file: file, line: 1, column: 1, message: "no services: at least one is required"))
        }
        return services
    }

    private static func readRoutes(
        _ bytes: [UInt8], file: String, problems: inout [PathwayLoadError.Problem]
    ) -> [Route] {
        var table = CSVTable(bytes: bytes, file: file)
        guard
            let columns = table.header(
                known: ["from", "to", "purpose", "kind", "volume", "note"], required: ["from", "to"],
                problems: &problems)
        else { return [] }
        var routes: [Route] = []
        table.forEachRow(columns: columns, problems: &problems) { row in
            let from = row.id("from")
            let to = row.id("to")
            var purpose: String?
            if let word = row.text("purpose") {
                if Identifiers.isKebabWord(word) {
                    purpose = word
                } else {
                    row.report("purpose", "'\(word)' is not a function word: use kebab-case")
                }
            }
            var kind = RouteKind.formal
            if let text = row.text("kind") {
                if let parsed = RouteKind(rawValue: text) {
                    kind = parsed
                } else {
                    row.report("kind", "unknown route kind '\(text)'; expected formal or informal")
                }
            }
            let volume = row.count("volume")
            let note = row.text("note")
            guard let from, let to, row.isClean else {
                if from == nil && row.text("from") == nil { row.report("from", "missing 'from'") }
                if to == nil && row.text("to") == nil { row.report("to", "missing 'to'") }
                return
            }
            routes.append(
                Route(
                    from: from, to: to, purpose: purpose, kind: kind, volume: volume, note: note,
                    location: row.location(nil)))
        }
        return routes
    }
}

/// One CSV record: each field's byte range in the file, whether it was quoted, and where it
/// starts.
struct CSVRecord {
    var fields: [Range<Int>] = []
    var quoted: [Bool] = []
    /// Each field's start, as a byte offset in the file; ``CSVTable/column(_:_:)`` turns it
    /// into the column an editor shows (in Unicode scalars) only when a problem is reported.
    var columns: [Int] = []
    var line = 0
}

/// An RFC 4180 reader over the bytes of a file: fields separated by commas, records by LF or
/// CRLF, fields optionally in double quotes with `""` for a quote. It keeps byte ranges, not
/// strings, so a large file is read without an allocation per field.
struct CSVTable {
    let bytes: [UInt8]
    let file: String
    var index = 0
    var line = 1
    var lineStart = 0
    var width = 0

    init(bytes: [UInt8], file: String) {
        self.bytes = bytes
        self.file = file
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            index = 3
            lineStart = 3
        }
    }

    func column(at offset: Int, lineStart: Int) -> Int {
        TextInput.column(bytes, lineStart: lineStart, offset: offset)
    }

    /// The editor column (in Unicode scalars) of field `k` of `record`, for a message.
    func column(_ record: CSVRecord, _ k: Int) -> Int {
        let offset = record.columns[k]
        var start = offset
        while start > 0 && bytes[start - 1] != 0x0A { start -= 1 }
        if start == 0 && bytes.starts(with: [0xEF, 0xBB, 0xBF]) { start = 3 }
        return column(at: offset, lineStart: start)
    }

    func string(_ record: CSVRecord, _ field: Int) -> String {
        let range = record.fields[field]
        if record.quoted[field] {
            var out: [UInt8] = []
            out.reserveCapacity(range.count)
            var k = range.lowerBound
            while k < range.upperBound {
                out.append(bytes[k])
                k += bytes[k] == UInt8(ascii: "\"") ? 2 : 1
            }
            return String(decoding: out, as: UTF8.self)
        }
        return String(decoding: bytes[range], as: UTF8.self)
    }

    /// Reads the next non-empty record into `record`; false at the end of the file.
    mutating func next(_ record: inout CSVRecord) throws(PathwayLoadError) -> Bool {
        record.fields.removeAll(keepingCapacity: true)
        record.quoted.removeAll(keepingCapacity: true)
        record.columns.removeAll(keepingCapacity: true)
        let n = bytes.count
        // Skip blank lines.
        while index < n && (bytes[index] == 0x0A || bytes[index] == 0x0D) {
            if bytes[index] == 0x0A {
                line += 1
                lineStart = index + 1
            }
            index += 1
        }
        if index >= n { return false }
        record.line = line
        while true {
            record.columns.append(index)
            if index < n && bytes[index] == UInt8(ascii: "\"") {
                let openLine = line
                let openColumn = column(at: index, lineStart: lineStart)
                index += 1
                let start = index
                while true {
                    guard index < n else {
                        throw PathwayLoadError(
                            file: file, line: openLine, column: openColumn,
                            "a quoted field is never closed: expected a closing '\"'")
                    }
                    let b = bytes[index]
                    if b == UInt8(ascii: "\"") {
                        if index + 1 < n && bytes[index + 1] == UInt8(ascii: "\"") {
                            index += 2
                            continue
                        }
                        break
                    }
                    if b == 0x0A {
                        line += 1
                        lineStart = index + 1
                    }
                    index += 1
                }
                record.fields.append(start..<index)
                record.quoted.append(true)
                index += 1
                if index < n && bytes[index] != UInt8(ascii: ",") && bytes[index] != 0x0A
                    && bytes[index] != 0x0D
                {
                    throw PathwayLoadError(
                        file: file, line: line, column: column(at: index, lineStart: lineStart),
                        "unexpected text after a closing quote: expected ',' or the end of the line")
                }
            } else {
                let start = index
                while index < n {
                    let b = bytes[index]
                    if b == UInt8(ascii: ",") || b == 0x0A || b == 0x0D { break }
                    if b == UInt8(ascii: "\"") {
                        throw PathwayLoadError(
                            file: file, line: line, column: column(at: index, lineStart: lineStart),
                            "a '\"' inside an unquoted field: quote the whole field and double the quote")
                    }
                    index += 1
                }
                record.fields.append(start..<index)
                record.quoted.append(false)
            }
            if index < n && bytes[index] == UInt8(ascii: ",") {
                index += 1
                continue
            }
            if index < n && bytes[index] == 0x0D { index += 1 }
            if index < n && bytes[index] == 0x0A {
                index += 1
                line += 1
                lineStart = index
            }
            break
        }
        if width > 0 && record.fields.count != width {
            throw PathwayLoadError(
                file: file, line: record.line, column: 1,
                "this row has \(record.fields.count) fields but the header has \(width)")
        }
        return true
    }

    /// Calls `body` with each data row until the end of the file or too many problems; the
    /// problems the row reports are added to `problems`.
    mutating func forEachRow(
        columns: [String: Int], problems: inout [PathwayLoadError.Problem], _ body: (inout Row) -> Void
    ) {
        var record = CSVRecord()
        while problems.count < YAMLPathwayLoader.maximumProblems {
            do throws(PathwayLoadError) {
                guard try next(&record) else { return }
            } catch {
                problems.append(contentsOf: error.problems)
                return
            }
            var row = Row(record: record, table: self, columns: columns, problems: problems)
            body(&row)
            problems = row.problems
        }
    }

    /// Reads the header row, mapping known column names to their positions.
    mutating func header(
        known: [String], required: [String], problems: inout [PathwayLoadError.Problem]
    ) -> [String: Int]? {
        var record = CSVRecord()
        do throws(PathwayLoadError) {
            guard try next(&record) else {
                problems.append(
                    .init(
                        file: file, line: 1, column: 1,
                        message: "the file is empty: expected a header row with "
                            + required.joined(separator: ",")))
                return nil
            }
        } catch {
            problems.append(contentsOf: error.problems)
            return nil
        }
        var columns: [String: Int] = [:]
        var ok = true
        for k in record.fields.indices {
            let name = string(record, k).trimmingCharacters(in: .whitespaces)
            // Past the problems that are reported, a column is only checked: finding the
            // column of each of 100,000 fields would take time with the square of their number.
            if problems.count >= YAMLPathwayLoader.maximumProblems {
                if !known.contains(name) || columns[name] != nil { ok = false } else { columns[name] = k }
                continue
            }
            if !known.contains(name) {
                var message = "unknown column '\(name)'; expected columns: " + known.joined(separator: ",")
                if let guess = Identifiers.closest(to: name, in: known) {
                    message += " (did you mean '\(guess)'?)"
                }
                problems.append(.init(file: file, line: record.line, column: column(record, k), message: message))
                ok = false
            } else if columns[name] != nil {
                problems.append(
                    .init(
                        file: file, line: record.line, column: column(record, k),
                        message: "column '\(name)' appears twice"))
                ok = false
            } else {
                columns[name] = k
            }
        }
        for name in required where columns[name] == nil {
            problems.append(
                .init(file: file, line: record.line, column: 1, message: "missing the required column '\(name)'"))
            ok = false
        }
        width = record.fields.count
        return ok ? columns : nil
    }
}

/// Typed access to one CSV row's fields, reporting problems at the field's line and column.
struct Row {
    let record: CSVRecord
    let table: CSVTable
    let columns: [String: Int]
    var problems: [PathwayLoadError.Problem]
    /// How many problems there were before this row.
    private let before: Int

    init(record: CSVRecord, table: CSVTable, columns: [String: Int], problems: [PathwayLoadError.Problem]) {
        self.record = record
        self.table = table
        self.columns = columns
        self.problems = problems
        self.before = problems.count
    }

    /// This row has reported no problem.
    var isClean: Bool { problems.count == before }

    func has(_ column: String) -> Bool { columns[column] != nil }

    func location(_ column: String?) -> SourceLocation {
        let col = column.flatMap { columns[$0] }.map { table.column(record, $0) } ?? 1
        return SourceLocation(file: table.file, line: record.line, column: col)
    }

    mutating func report(_ column: String, _ message: String) {
        problems.append(.init(location(column), message))
    }

    /// The field's text, nil when the column is absent or the field empty.
    func text(_ column: String) -> String? {
        guard let k = columns[column], !record.fields[k].isEmpty else { return nil }
        return table.string(record, k)
    }

    mutating func id(_ column: String) -> String? {
        guard let value = text(column) else { return nil }
        guard Identifiers.isValidID(value) else {
            var message = "'\(value)' is not a valid id for '\(column)': use lower-case letters, digits and '-'"
            if let suggestion = Identifiers.suggestion(for: value) { message += " (e.g. '\(suggestion)')" }
            report(column, message)
            return nil
        }
        return value
    }

    mutating func bool(_ column: String) -> Bool? {
        guard let value = text(column) else { return nil }
        switch value {
        case "true", "True", "TRUE": return true
        case "false", "False", "FALSE": return false
        default:
            report(column, "expected true or false for '\(column)', found '\(value)'")
            return nil
        }
    }

    mutating func count(_ column: String) -> Int? {
        guard let value = text(column) else { return nil }
        let parsed = CountText(Substring(value))
        if let message = parsed.problem(key: column, in: "", text: value, found: "'\(value)'") {
            report(column, message)
        }
        if case .value(let number) = parsed { return number }
        return nil
    }

    /// A `;`-separated list of words (kebab-case) or ids.
    mutating func list(_ column: String, word: Bool) -> [String] {
        guard let value = text(column) else { return [] }
        var items: [String] = []
        for part in value.split(separator: ";", omittingEmptySubsequences: true) {
            let item = part.trimmingCharacters(in: .whitespaces)
            let valid = word ? Identifiers.isKebabWord(item) : Identifiers.isValidID(item)
            if !valid {
                report(column, "'\(item)' in '\(column)' is not \(word ? "a kebab-case word" : "a valid id")")
            } else if !items.contains(item) {
                items.append(item)
            }
        }
        return items
    }
}
