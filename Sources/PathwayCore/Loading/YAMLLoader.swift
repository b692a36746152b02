import Foundation
import Yams

/// Loads a pathway from the YAML format of `shared/pathway-format.md` section 1.
///
/// Every rule of the format is checked, and every problem found is reported with its file,
/// line and column, up to ``maximumProblems``; nothing is returned unless all is well.
/// Routes that name no service load: they are orphaned routes, reported by the analyses.
public enum YAMLPathwayLoader {
    /// YAML files above this size are refused before parsing; the CSV pair serves large networks.
    public static let maximumFileSize = 16 * 1024 * 1024
    static let maximumProblems = 50

    public static func load(path: String) throws(PathwayLoadError) -> Pathway {
        let text = try TextInput.read(
            path, limit: maximumFileSize,
            hint: " (large networks load faster as the CSV pair services.csv + routes.csv)")
        return try load(text: text, file: path)
    }

    public static func load(text: String, file: String) throws(PathwayLoadError) -> Pathway {
        let root = try compose(
            text, file: file, expecting: "a pathway with 'pathway', 'organisations' and 'services'")
        var reader = Reader(file: file)
        let pathway = reader.pathway(root)
        if !reader.problems.isEmpty {
            throw PathwayLoadError(problems: Array(reader.problems.prefix(maximumProblems)))
        }
        return pathway!
    }

    /// Loads a profiles file (section 4): a file whose only top-level key is `profiles`.
    /// Entries are checked against a pathway when the profiles are added to one
    /// (``Pathway/adding(profiles:)``).
    public static func loadProfiles(path: String) throws(PathwayLoadError) -> [Profile] {
        let text = try TextInput.read(path, limit: maximumFileSize)
        return try loadProfiles(text: text, file: path)
    }

    public static func loadProfiles(text: String, file: String) throws(PathwayLoadError) -> [Profile] {
        let root = try compose(text, file: file, expecting: "a profiles file with 'profiles'")
        var reader = Reader(file: file)
        let profiles = reader.profilesFile(root)
        if !reader.problems.isEmpty {
            throw PathwayLoadError(problems: Array(reader.problems.prefix(maximumProblems)))
        }
        return profiles
    }

    /// Whether the YAML text is a profiles file: its only top-level key is `profiles`. Read
    /// from the lines that start a top-level key, without parsing, to sort the files of a
    /// folder; loading says what is wrong with a file that only looks like one.
    public static func isProfilesFile(text: Substring) -> Bool {
        var keys: Set<Substring> = []
        for line in text.split(whereSeparator: \.isNewline) {
            guard let first = line.first, first.isLetter || first == "\"" || first == "'",
                let colon = line.firstIndex(of: ":")
            else { continue }
            keys.insert(line[..<colon].trimmingCharacters(in: .whitespaces).trimmingCharacters(in: ["\"", "'"])[...])
            if keys.count > 1 { return false }
        }
        return keys == ["profiles"]
    }

    /// The composed YAML of `text`, after the safety scan; empty files and files of only
    /// comments are refused, saying what was `expecting`.
    static func compose(_ text: String, file: String, expecting: String) throws(PathwayLoadError) -> Node {
        if text.allSatisfy({ $0.isWhitespace }) {
            throw PathwayLoadError(file: file, line: 1, column: 1, "the file is empty: expected \(expecting)")
        }
        try YAMLSafetyScan.check(text, file: file)
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw PathwayLoadError(problem(from: error, file: file, text: text))
        } catch {
            throw PathwayLoadError(file: file, "could not be read as YAML: \(error)")
        }
        guard let root, !isNull(root) else {
            throw PathwayLoadError(
                file: file, line: 1, column: 1, "the file holds no data (only comments?): expected \(expecting)")
        }
        return root
    }

    static func problem(from error: YamlError, file: String, text: String = "") -> PathwayLoadError.Problem {
        func make(_ problem: String, _ mark: Mark, _ context: YamlError.Context?)
            -> PathwayLoadError
            .Problem
        {
            var message = "invalid YAML: \(problem)"
            if let context, !context.text.isEmpty {
                let problem = problem.hasPrefix("but ") ? problem : "then " + problem
                message = "invalid YAML: \(context.text) (line \(context.mark.line)), \(problem)"
            }
            if problem.contains("cannot start any token") {
                message += "; tabs are not allowed in indentation"
            }
            let (line, column) = withinText(mark)
            return .init(file: file, line: line, column: column, message: message)
        }
        // libyaml reads a line break after the last line of a file that ends without one, and
        // can point past it: such a place is said as the end of the last line.
        func withinText(_ mark: Mark) -> (Int, Int) {
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            guard !text.isEmpty, mark.line > lines.count else { return (mark.line, mark.column) }
            return (lines.count, lines[lines.count - 1].unicodeScalars.count + 1)
        }
        switch error {
        case .scanner(let context, let problem, let mark, _),
            .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            return make(problem, mark, context)
        case .duplicatedKeysInMapping(let duplicates, let context):
            let (line, column) = withinText(context.mark)
            return .init(
                file: file, line: line, column: column,
                message: "a key is given twice in the same mapping: "
                    + duplicates.map { "'\($0)'" }.joined(separator: ", "))
        case .reader(let problem, let offset, _, _):
            // libyaml counts the offset in bytes from the file's start: said as line and column.
            let bytes = Array(text.utf8)
            guard let offset, offset <= bytes.count else {
                return .init(file: file, line: nil, column: nil, message: "invalid text: \(problem)")
            }
            let lineStart = (bytes[..<offset].lastIndex(of: 0x0A) ?? -1) + 1
            let line = bytes[..<offset].reduce(1) { $0 + ($1 == 0x0A ? 1 : 0) }
            return .init(
                file: file, line: line, column: TextInput.column(bytes, lineStart: lineStart, offset: offset),
                message: "invalid text: \(problem)")
        default:
            return .init(file: file, line: nil, column: nil, message: "invalid YAML: \(error)")
        }
    }

    static func isNull(_ node: Node) -> Bool {
        guard case .scalar(let scalar) = node, scalar.style == .plain || scalar.style == .any
        else { return false }
        return ["", "~", "null", "Null", "NULL"].contains(scalar.string)
    }
}

/// Walks the composed YAML, checking shapes and types, collecting problems as it goes.
private struct Reader {
    let file: String
    var problems: [PathwayLoadError.Problem] = []

    init(file: String) { self.file = file }

    func location(_ node: Node) -> SourceLocation {
        let mark = node.mark
        return SourceLocation(file: file, line: mark?.line ?? 1, column: mark?.column ?? 1)
    }

    mutating func report(_ node: Node, _ message: String) {
        problems.append(.init(location(node), message))
    }

    static func describe(_ node: Node) -> String {
        switch node {
        case .mapping: return "a mapping (key: value lines)"
        case .sequence: return "a list"
        case .alias: return "an alias"
        case .scalar(let scalar):
            if YAMLPathwayLoader.isNull(node) { return "nothing" }
            let text = scalar.string.count > 40 ? String(scalar.string.prefix(40)) + "…" : scalar.string
            switch scalar.style {
            case .plain, .any: return "'\(text)'"
            default: return "the string \"\(text)\""
            }
        }
    }

    /// The mapping's entries by key, after checking that keys are known; nil if `node` is not
    /// a mapping.
    mutating func fields(
        _ node: Node, of what: String, allowed: [String]
    ) -> [String: Node]? {
        guard case .mapping(let mapping) = node else {
            report(node, "expected \(what) as a mapping of key: value lines, found \(Self.describe(node))")
            return nil
        }
        var result: [String: Node] = [:]
        for (key, value) in mapping {
            guard case .scalar(let keyScalar) = key else {
                report(key, "expected a key name in \(what), found \(Self.describe(key))")
                continue
            }
            let name = keyScalar.string
            guard allowed.contains(name) else {
                var message =
                    "unknown key '\(name)' in \(what); expected one of: "
                    + allowed.joined(separator: ", ")
                if let guess = Identifiers.closest(to: name, in: allowed) {
                    message += " (did you mean '\(guess)'?)"
                }
                report(key, message)
                continue
            }
            result[name] = value
        }
        return result
    }

    mutating func text(_ node: Node?, key: String, in what: String) -> String? {
        guard let node, !YAMLPathwayLoader.isNull(node) else { return nil }
        guard case .scalar(let scalar) = node else {
            report(node, "expected text for '\(key)' in \(what), found \(Self.describe(node))")
            return nil
        }
        return scalar.string
    }

    mutating func requiredText(
        _ fields: [String: Node], _ key: String, in what: String, at owner: Node
    ) -> String? {
        guard let node = fields[key], !YAMLPathwayLoader.isNull(node) else {
            report(owner, "missing '\(key)' in \(what)")
            return nil
        }
        return text(node, key: key, in: what)
    }

    mutating func id(_ node: Node?, key: String, in what: String, at owner: Node) -> String? {
        guard let node, !YAMLPathwayLoader.isNull(node) else {
            report(owner, "missing '\(key)' in \(what)")
            return nil
        }
        guard let value = text(node, key: key, in: what) else { return nil }
        guard Identifiers.isValidID(value) else {
            var message =
                "'\(value)' is not a valid id for '\(key)' in \(what):"
                + " use lower-case letters, digits and '-'"
            if let suggestion = Identifiers.suggestion(for: value) {
                message += " (e.g. '\(suggestion)')"
            }
            report(node, message)
            return nil
        }
        return value
    }

    mutating func word(_ node: Node, key: String, in what: String) -> String? {
        guard let value = text(node, key: key, in: what) else { return nil }
        guard Identifiers.isKebabWord(value) else {
            let kind = ["attributes", "eligibility"].contains(key) ? "a word" : "a function word"
            var message =
                "'\(value)' is not \(kind) for '\(key)' in \(what):"
                + " use kebab-case (lower-case words joined by '-')"
            if let suggestion = Identifiers.suggestion(for: value) {
                message += " (e.g. '\(suggestion)')"
            }
            report(node, message)
            return nil
        }
        return value
    }

    mutating func bool(_ node: Node?, key: String, in what: String) -> Bool? {
        guard let node, !YAMLPathwayLoader.isNull(node) else { return nil }
        if case .scalar(let scalar) = node, scalar.style == .plain {
            switch scalar.string {
            case "true", "True", "TRUE": return true
            case "false", "False", "FALSE": return false
            default: break
            }
        }
        report(node, "expected true or false for '\(key)' in \(what), found \(Self.describe(node))")
        return nil
    }

    /// A whole number from 0 to ``Limits/maximumCount``, written unquoted.
    mutating func count(_ node: Node?, key: String, in what: String) -> Int? {
        guard let node, !YAMLPathwayLoader.isNull(node) else { return nil }
        guard case .scalar(let scalar) = node, scalar.style == .plain else {
            report(node, "expected \(CountText.expected) for '\(key)' in \(what), found \(Self.describe(node))")
            return nil
        }
        let parsed = CountText(Substring(scalar.string))
        if let message = parsed.problem(
            key: key, in: " in \(what)", text: scalar.string, found: Self.describe(node))
        {
            report(node, message)
        }
        if case .value(let value) = parsed { return value }
        return nil
    }

    /// A list (block or flow); a single scalar is not accepted where a list belongs.
    mutating func list(_ node: Node?, key: String, in what: String) -> [Node]? {
        guard let node, !YAMLPathwayLoader.isNull(node) else { return nil }
        guard case .sequence(let sequence) = node else {
            report(node, "expected a list for '\(key)' in \(what), found \(Self.describe(node))")
            return nil
        }
        return Array(sequence)
    }

    mutating func pathway(_ root: Node) -> Pathway? {
        let what = "the pathway file"
        if case .mapping(let mapping) = root, mapping.count == 1, let key = mapping.keys.first,
            key.string == "profiles"
        {
            report(
                key,
                "this is a profiles file (its only key is 'profiles'), not a pathway: give it with"
                    + " --profiles, beside a pathway")
            return nil
        }
        guard
            let top = fields(
                root, of: what,
                allowed: FileShape.pathway.keys)
        else { return nil }
        let title = requiredText(top, "pathway", in: what + " (its title)", at: root)
        let condition = text(top["condition"], key: "condition", in: what)
        let area = text(top["area"], key: "area", in: what)
        let asOf = text(top["as-of"], key: "as-of", in: what)
        let source = text(top["source"], key: "source", in: what)
        let notes = text(top["notes"], key: "notes", in: what)

        var organisations: [Organisation] = []
        var organisationLines: [String: Int] = [:]
        // Ids of organisations given, valid or not, so that one mistake is reported once.
        var declared: [String] = []
        if let nodes = list(top["organisations"], key: "organisations", in: what) {
            for node in nodes {
                if let f = node.mapping, let id = f["id"]?.string { declared.append(id) }
                guard let organisation = organisation(node) else { continue }
                if let first = organisationLines[organisation.id] {
                    report(
                        node,
                        "duplicate organisation id '\(organisation.id)' (first defined at line \(first))")
                    continue
                }
                organisationLines[organisation.id] = organisation.location?.line
                organisations.append(organisation)
            }
            if nodes.isEmpty { report(top["organisations"]!, "'organisations' is empty: at least one is required") }
        } else if top["organisations"] == nil || YAMLPathwayLoader.isNull(top["organisations"]!) {
            report(root, "missing 'organisations': at least one organisation is required")
        }

        var services: [Service] = []
        var serviceLines: [String: Int] = [:]
        let organisationIDs = organisations.map(\.id)
        let ignored = Set(declared).subtracting(organisationIDs)
        if let nodes = list(top["services"], key: "services", in: what) {
            for node in nodes {
                guard let service = service(node, organisations: organisationIDs, ignoring: ignored)
                else { continue }
                if let first = serviceLines[service.id] {
                    report(node, "duplicate service id '\(service.id)' (first defined at line \(first))")
                    continue
                }
                serviceLines[service.id] = service.location?.line
                services.append(service)
            }
            if nodes.isEmpty { report(top["services"]!, "'services' is empty: at least one is required") }
        } else if top["services"] == nil || YAMLPathwayLoader.isNull(top["services"]!) {
            report(root, "missing 'services': at least one service is required")
        }

        var routes: [Route] = []
        if let nodes = list(top["routes"], key: "routes", in: what) {
            for node in nodes {
                if let route = route(node) { routes.append(route) }
            }
        }
        var profiles: [Profile] = []
        if let nodes = list(top["profiles"], key: "profiles", in: what) {
            profiles = self.profiles(nodes)
            problems += ProfileRules.problems(adding: profiles, to: [], services: Set(services.map(\.id)))
        }
        guard let title, problems.isEmpty else { return nil }
        return Pathway(
            title: title, condition: condition, area: area, asOf: asOf, source: source,
            notes: notes, organisations: organisations, services: services, routes: routes,
            profiles: profiles, file: file)
    }

    /// The profiles of a profiles file: a mapping with the one key `profiles`.
    mutating func profilesFile(_ root: Node) -> [Profile] {
        let what = "a profiles file"
        guard let top = fields(root, of: what, allowed: FileShape.profilesFile.keys) else { return [] }
        guard let node = top["profiles"], !YAMLPathwayLoader.isNull(node) else {
            report(root, "missing 'profiles' in \(what): expected a list of profiles")
            return []
        }
        guard let nodes = list(node, key: "profiles", in: what) else { return [] }
        if nodes.isEmpty { report(node, "'profiles' is empty: expected at least one profile") }
        let profiles = self.profiles(nodes)
        problems += ProfileRules.problems(adding: profiles, to: [], services: nil)
        return profiles
    }

    mutating func profiles(_ nodes: [Node]) -> [Profile] {
        nodes.compactMap { profile($0) }
    }

    mutating func profile(_ node: Node) -> Profile? {
        guard let f = fields(node, of: "a profile", allowed: FileShape.profile.keys) else { return nil }
        let id = id(f["id"], key: "id", in: "a profile", at: node)
        let what = id.map { "profile '\($0)'" } ?? "a profile"
        let name = text(f["name"], key: "name", in: what)
        var needs: [String] = []
        if let items = list(f["needs"], key: "needs", in: what) {
            if items.isEmpty { report(f["needs"]!, "'needs' is empty in \(what): expected one or more function words") }
            needs = items.compactMap { word($0, key: "needs", in: what) }
        } else if f["needs"] == nil || YAMLPathwayLoader.isNull(f["needs"]!) {
            report(node, "missing 'needs' in \(what): expected one or more function words, in the order they are met")
        }
        var attributes: [String] = []
        for item in list(f["attributes"], key: "attributes", in: what) ?? [] {
            if let word = word(item, key: "attributes", in: what), !attributes.contains(word) {
                attributes.append(word)
            }
        }
        var entry: [String]?
        if let items = list(f["entry"], key: "entry", in: what) {
            if items.isEmpty {
                report(f["entry"]!, "'entry' is empty in \(what): leave it out for every entry service")
            }
            entry = items.compactMap { self.id($0, key: "entry", in: what, at: $0) }
        }
        let share = fraction(f["share"], key: "share", in: what)
        guard let id, !needs.isEmpty else { return nil }
        return Profile(
            id: id, name: name, needs: needs, attributes: attributes, entry: entry, share: share,
            location: location(node), entryLocations: (f["entry"]?.sequence).map { $0.map(location) })
    }

    /// A number from 0 to 1, written unquoted.
    mutating func fraction(_ node: Node?, key: String, in what: String) -> Double? {
        guard let node, !YAMLPathwayLoader.isNull(node) else { return nil }
        let expected = "expected a number from 0 to 1 for '\(key)' in \(what), found \(Self.describe(node))"
        guard case .scalar(let scalar) = node, scalar.style == .plain, let value = Double(scalar.string),
            value.isFinite, scalar.string.allSatisfy({ "0123456789.eE+-".contains($0) })
        else {
            report(node, expected)
            return nil
        }
        guard (0...1).contains(value) else {
            report(node, expected)
            return nil
        }
        return value
    }

    mutating func organisation(_ node: Node) -> Organisation? {
        let what = "an organisation"
        guard let f = fields(node, of: what, allowed: FileShape.organisation.keys) else { return nil }
        let id = id(f["id"], key: "id", in: what, at: node)
        let name = text(f["name"], key: "name", in: what)
        var sector: Sector?
        if let sectorNode = f["sector"], !YAMLPathwayLoader.isNull(sectorNode) {
            if let word = text(sectorNode, key: "sector", in: what) {
                sector = Sector(rawValue: word)
                if sector == nil {
                    let all = Sector.allCases.map(\.rawValue)
                    var message =
                        "unknown sector '\(word)'; expected one of: "
                        + all.joined(separator: ", ")
                    if let guess = Identifiers.closest(to: word, in: all) {
                        message += " (did you mean '\(guess)'?)"
                    }
                    report(sectorNode, message)
                }
            }
        } else {
            report(node, "missing 'sector' in organisation '\(id ?? "?")'")
        }
        guard let id, let sector else { return nil }
        return Organisation(id: id, name: name, sector: sector, location: location(node))
    }

    mutating func service(_ node: Node, organisations: [String], ignoring broken: Set<String>)
        -> Service?
    {
        guard let f = fields(node, of: "a service", allowed: FileShape.service.keys) else { return nil }
        let id = id(f["id"], key: "id", in: "a service", at: node)
        let what = id.map { "service '\($0)'" } ?? "a service"
        let name = text(f["name"], key: "name", in: what)
        var organisation = self.id(f["organisation"], key: "organisation", in: what, at: node)
        if let given = organisation, broken.contains(given) {
            organisation = nil  // its own problem is reported already
        } else if let given = organisation, !organisations.contains(given),
            let orgNode = f["organisation"]
        {
            var message = "unknown organisation '\(given)' in \(what)"
            if let guess = Identifiers.closest(to: given, in: organisations) {
                message += " (did you mean '\(guess)'?)"
            } else if !organisations.isEmpty {
                message += "; declared: " + organisations.joined(separator: ", ")
            }
            report(orgNode, message)
            organisation = nil
        }
        let entry = bool(f["entry"], key: "entry", in: what)
        let terminal = bool(f["terminal"], key: "terminal", in: what)
        var functions: [String] = []
        for item in list(f["functions"], key: "functions", in: what) ?? [] {
            if let word = word(item, key: "functions", in: what), !functions.contains(word) {
                functions.append(word)
            }
        }
        let capacity = count(f["capacity"], key: "capacity", in: what)
        var replaces: [String] = []
        for item in list(f["replaces"], key: "replaces", in: what) ?? [] {
            if let replaced = self.id(item, key: "replaces", in: what, at: item) {
                replaces.append(replaced)
            }
        }
        var eligibility: [String] = []
        for item in list(f["eligibility"], key: "eligibility", in: what) ?? [] {
            if let word = word(item, key: "eligibility", in: what), !eligibility.contains(word) {
                eligibility.append(word)
            }
        }
        guard let id, let organisation else { return nil }
        return Service(
            id: id, name: name, organisation: organisation, entry: entry ?? false,
            terminal: terminal ?? false, functions: functions, capacity: capacity,
            replaces: replaces, eligibility: eligibility, location: location(node))
    }

    mutating func route(_ node: Node) -> Route? {
        let what = "a route"
        guard
            let f = fields(
                node, of: what, allowed: FileShape.route.keys)
        else { return nil }
        let from = id(f["from"], key: "from", in: what, at: node)
        let to = id(f["to"], key: "to", in: what, at: node)
        let purpose = f["purpose"].flatMap { YAMLPathwayLoader.isNull($0) ? nil : word($0, key: "purpose", in: what) }
        var kind = RouteKind.formal
        if let kindNode = f["kind"], let word = text(kindNode, key: "kind", in: what) {
            if let parsed = RouteKind(rawValue: word) {
                kind = parsed
            } else {
                report(kindNode, "unknown route kind '\(word)'; expected formal or informal")
            }
        }
        let volume = count(f["volume"], key: "volume", in: what)
        let note = text(f["note"], key: "note", in: what)
        guard let from, let to else { return nil }
        return Route(
            from: from, to: to, purpose: purpose, kind: kind, volume: volume, note: note,
            location: location(node))
    }
}
