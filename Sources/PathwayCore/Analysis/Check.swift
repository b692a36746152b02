/// How much a finding matters: an error makes `pathway check` fail; a warning does under
/// `--strict`; info never does.
public enum Severity: String, Sendable, Comparable, CaseIterable {
    case error, warning, info

    private var rank: Int {
        switch self {
        case .error: 0
        case .warning: 1
        case .info: 2
        }
    }

    public static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }
}

/// One thing `pathway check` found in a pathway.
public struct Finding: Sendable, Equatable {
    public var severity: Severity
    /// A stable rule name, e.g. `orphaned-route`.
    public var rule: String
    public var message: String
    public var file: String
    public var line: Int?
    public var column: Int?
    /// The ids of the services involved.
    public var services: [String]

    public init(
        severity: Severity, rule: String, message: String, file: String, line: Int?,
        column: Int? = nil, services: [String]
    ) {
        self.severity = severity
        self.rule = rule
        self.message = message
        self.file = file
        self.line = line
        self.column = column
        self.services = services
    }

    /// The `check` finding object of `shared/pathway-format.md` section 3.
    public var json: JSONValue {
        .object([
            "severity": .string(severity.rawValue), "rule": .string(rule), "message": .string(message),
            "file": .string(file), "line": .optionalInt(line), "services": .strings(services),
        ])
    }
}

/// The rules of `pathway check`, each named as in `shared/pathway-format.md` section 3.
public enum PathwayCheck {
    /// One rule of `pathway check`: its stable name, how much it matters, what it means, and
    /// what a pathway's author can do about a finding.
    public struct Rule: Sendable, Equatable {
        public var name: String
        public var severity: Severity
        public var meaning: String
        public var remedy: String
    }

    /// The rules, their severity and what they mean, for help texts and SARIF's rule list.
    public static let rules: [Rule] = [
        Rule(
            name: "invalid-file", severity: .error,
            meaning: "the file does not load: it breaks the pathway format at the place given",
            remedy: "Mend the file at the line and column the message names; it says what was expected there."),
        Rule(
            name: "orphaned-route", severity: .error,
            meaning: "a route names a service the pathway does not have",
            remedy:
                "Point the route at a service that exists (a merged service's new id), or remove it; a service"
                + " that took over another's work can say so with 'replaces'."),
        Rule(
            name: "no-entry-point", severity: .warning,
            meaning: "no service is marked entry: true, so nothing is reachable",
            remedy: "Mark the services where patients first present (GP practices, A&E, self-referral) 'entry: true'."),
        Rule(
            name: "unreachable-service", severity: .warning,
            meaning: "no entry reaches the service by any route",
            remedy: "Add the route by which patients are referred to it, mark it an entry, or remove it."),
        Rule(
            name: "dead-end", severity: .warning,
            meaning: "the service refers nowhere and is not marked terminal",
            remedy: "Add its onward referrals (discharge back to the GP counts), or mark it 'terminal: true'."),
        Rule(
            name: "duplicate-route", severity: .warning,
            meaning: "the same from, to and purpose is given twice",
            remedy: "Keep one of the two routes, with the volumes added together."),
        Rule(
            name: "over-capacity", severity: .warning,
            meaning: "inbound referral volume exceeds the service's capacity",
            remedy: "Check the volumes and the capacity; if both are right, the service is a queue to plan for."),
        Rule(
            name: "multiple-points-of-entry", severity: .info,
            meaning: "patients can first reach a function at several services",
            remedy: "Nothing to mend: a redesign towards a single point of entry would route these through one service."
        ),
        Rule(
            name: "referral-loop", severity: .info,
            meaning: "services that can refer patients round in a circle",
            remedy:
                "Nothing to mend when the loop is a review cycle; otherwise look for patients passed back and forth."),
        Rule(
            name: "unserved-profile", severity: .warning,
            meaning: "a patient profile has no journey: the message names the first need it cannot meet",
            remedy: "Add a route to a service that meets the need and accepts the profile, or widen its eligibility."),
    ]

    /// What checking a set of pathway files found.
    public struct Outcome: Sendable {
        /// Every finding, file by file; a file that did not load gives one `invalid-file` error
        /// per problem, at its place.
        public var findings: [Finding] = []
        /// Each file that loaded, with its metrics, in order.
        public var measured: [(file: String, metrics: PathwayMetrics)] = []
        /// Some file did not load.
        public var loadFailed = false

        /// The check fails: it found an error, or under `strict` a warning.
        public func fails(strict: Bool) -> Bool {
            findings.contains { $0.severity == .error || (strict && $0.severity == .warning) }
        }
    }

    /// Loads and checks each of `files` in turn, with `profiles` (from `--profiles`) added to
    /// each pathway; a file that does not load is a finding, not the end of the check. A
    /// profiles file among `files` is checked on its own: that it loads.
    public static func check(_ files: [String], profiles: [Profile] = []) -> Outcome {
        var outcome = Outcome()
        for file in files {
            do throws(PathwayLoadError) {
                if file.hasSuffix(".yaml") || file.hasSuffix(".yml"), PathwayFiles.isProfilesFile(file) {
                    _ = try YAMLPathwayLoader.loadProfiles(path: file)
                    continue
                }
                let pathway = try PathwayFiles.load(file).adding(profiles: profiles)
                let metrics = PathwayMetrics(pathway, betweenness: false)
                outcome.findings += findings(pathway, metrics: metrics)
                outcome.measured.append((file, metrics))
            } catch {
                outcome.loadFailed = true
                for problem in error.problems {
                    outcome.findings.append(
                        Finding(
                            severity: .error, rule: "invalid-file", message: problem.message,
                            file: problem.file, line: problem.line, column: problem.column,
                            services: []))
                }
            }
        }
        return outcome
    }

    /// Every finding for `pathway`, in file order (by file, then line, then rule).
    public static func findings(_ pathway: Pathway, metrics: PathwayMetrics? = nil) -> [Finding] {
        let metrics = metrics ?? PathwayMetrics(pathway, betweenness: false)
        let file = pathway.file ?? pathway.title
        var found: [Finding] = []
        let serviceByID = Dictionary(pathway.services.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        func line(of id: String) -> Int? { serviceByID[id]?.location?.line }
        // For the CSV pair, services and routes are in different files.
        let serviceFile = pathway.services.first?.location?.file ?? file
        let routeFile = pathway.routes.first?.location?.file ?? file
        func name(_ id: String) -> String {
            guard let service = serviceByID[id], service.name != id else { return "'\(id)'" }
            // One line a finding: a name written over several lines is joined.
            let oneLine = service.name.split(whereSeparator: \.isNewline).joined(separator: " ")
            return "'\(id)' (\(oneLine))"
        }

        for route in metrics.orphanedRoutes {
            let missing = [route.from, route.to].filter { serviceByID[$0] == nil }
            let what = missing.map { "'\($0)'" }.joined(separator: " and ")
            found.append(
                Finding(
                    severity: .error, rule: "orphaned-route",
                    message: "the route from '\(route.from)' to '\(route.to)'"
                        + (route.purpose.map { " for \($0)" } ?? "")
                        + " names \(what), which is not a service of this pathway",
                    file: routeFile, line: route.location?.line, column: route.location?.column,
                    services: [route.from, route.to]))
        }
        if metrics.entryPoints.isEmpty {
            found.append(
                Finding(
                    severity: .warning, rule: "no-entry-point",
                    message: "no service is marked 'entry: true': patients cannot reach any service",
                    file: serviceFile, line: pathway.services.first?.location?.line, services: []))
        } else {
            for id in metrics.unreachable {
                found.append(
                    Finding(
                        severity: .warning, rule: "unreachable-service",
                        message: "\(name(id)) cannot be reached from any entry point by following routes",
                        file: serviceFile, line: line(of: id), services: [id]))
            }
        }
        for id in metrics.deadEnds {
            found.append(
                Finding(
                    severity: .warning, rule: "dead-end",
                    message: "\(name(id)) refers nowhere and is not marked 'terminal: true'",
                    file: serviceFile, line: line(of: id), services: [id]))
        }
        var seen: [String: Int] = [:]
        for route in pathway.routes {
            let key = "\(route.from)\u{0}\(route.to)\u{0}\(route.purpose ?? "")"
            if let first = seen[key] {
                found.append(
                    Finding(
                        severity: .warning, rule: "duplicate-route",
                        message: "the route from '\(route.from)' to '\(route.to)'"
                            + (route.purpose.map { " for \($0)" } ?? "")
                            + " is given again (first at line \(first))",
                        file: routeFile, line: route.location?.line, column: route.location?.column,
                        services: [route.from, route.to]))
            } else {
                seen[key] = route.location?.line ?? 0
            }
        }
        for excess in metrics.overCapacity {
            found.append(
                Finding(
                    severity: .warning, rule: "over-capacity",
                    message: "\(name(excess.id)) receives \(excess.inbound) referrals a year"
                        + " but has capacity for \(excess.capacity)",
                    file: serviceFile, line: line(of: excess.id), services: [excess.id]))
        }
        for word in metrics.functions.keys.sorted() {
            let poe = metrics.functions[word]!.pointsOfEntry
            guard poe.count > 1 else { continue }
            found.append(
                Finding(
                    severity: .info, rule: "multiple-points-of-entry",
                    message: "\(word) has \(poe.count) points of entry: "
                        + poe.joined(separator: ", "),
                    file: serviceFile, line: poe.compactMap(line(of:)).min(), services: poe))
        }
        for loop in metrics.loops {
            let text =
                loop.count == 1
                ? "\(name(loop[0])) refers to itself" : "referral loop among " + loop.joined(separator: ", ")
            found.append(
                Finding(
                    severity: .info, rule: "referral-loop", message: text, file: serviceFile,
                    line: loop.compactMap(line(of:)).min(), services: loop))
        }
        for profile in pathway.profiles {
            guard let journey = metrics.profiles[profile.id], !journey.served, let unmet = journey.unmet else {
                continue
            }
            let who = profile.name == profile.id ? "'\(profile.id)'" : "'\(profile.id)' (\(profile.name))"
            let before = profile.needs.prefix(journey.needsMet)
            found.append(
                Finding(
                    severity: .warning, rule: "unserved-profile",
                    message: "profile \(who) cannot get through the pathway: no journey meets \(unmet)"
                        + (before.isEmpty ? "" : " after " + before.joined(separator: ", ")),
                    file: profile.location?.file ?? file, line: profile.location?.line,
                    column: profile.location?.column, services: []))
        }
        return found.enumerated().sorted { a, b in
            if a.element.file != b.element.file { return a.element.file < b.element.file }
            let la = a.element.line ?? 0
            let lb = b.element.line ?? 0
            return la != lb ? la < lb : a.offset < b.offset
        }.map(\.element)
    }
}
