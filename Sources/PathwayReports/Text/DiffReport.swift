import PathwayCore

/// The report of `pathway diff`: the `diff` JSON of `shared/pathway-format.md` section 3, and a
/// summary a board can read, the headline changes first.
public enum DiffReport {
    /// The section 3 keys (`services`, `routes`, `merged`, `metrics`, `orphanedRoutes`,
    /// `lostReach`), plus `before`/`after` (the titles), `organisations`, `routes.redirected`,
    /// `unmatchedReplaces`, and each lost reach's evidence `path` and `reason`.
    public static func json(_ diff: PathwayDiff) -> JSONValue {
        func changes(_ list: [PathwayDiff.FieldChange]) -> JSONValue {
            .object(
                Dictionary(
                    uniqueKeysWithValues: list.map { ($0.field, .object(["before": $0.before, "after": $0.after])) }))
        }
        func routes(_ list: [Route]) -> JSONValue { .array(list.map { PathwayDiff.RouteKey($0).json }) }
        return .object([
            "before": .string(diff.before.title),
            "after": .string(diff.after.title),
            "services": .object([
                "added": .strings(diff.addedServices),
                "removed": .strings(diff.removedServices),
                "changed": .array(
                    diff.changedServices.map { .object(["id": .string($0.id), "changes": changes($0.changes)]) }),
            ]),
            "organisations": .object([
                "added": .strings(diff.addedOrganisations),
                "removed": .strings(diff.removedOrganisations),
                "changed": .array(
                    diff.changedOrganisations.map { .object(["id": .string($0.id), "changes": changes($0.changes)]) }),
            ]),
            "routes": .object([
                "added": routes(diff.addedRoutes),
                "removed": routes(diff.removedRoutes),
                "changed": .array(
                    diff.changedRoutes.map {
                        var object: [String: JSONValue] = ["changes": changes($0.changes)]
                        if case .object(let key) = $0.route.json { object.merge(key) { a, _ in a } }
                        return .object(object)
                    }),
                "redirected": .array(
                    diff.redirectedRoutes.map { .object(["before": $0.before.json, "after": $0.after.json]) }),
            ]),
            "merged": .array(diff.merged.map { .object(["into": .string($0.into), "from": .strings($0.from)]) }),
            "unmatchedReplaces": .array(
                diff.unmatchedReplaces.map {
                    .object(["service": .string($0.service), "replaces": .string($0.replaces)])
                }),
            "metrics": .object(
                Dictionary(
                    uniqueKeysWithValues: diff.metrics.map {
                        ($0.key, .object(["before": $0.before, "after": $0.after]))
                    })),
            "orphanedRoutes": routes(diff.orphanedRoutes),
            "lostReach": .array(
                diff.lostReach.map {
                    .object([
                        "service": .string($0.service), "function": .string($0.function),
                        "path": .strings($0.path), "reason": .string($0.reason),
                    ])
                }),
            "profiles": .object(
                Dictionary(
                    uniqueKeysWithValues: diff.profiles.map { change in
                        func side(_ j: ProfileJourney?) -> JSONValue {
                            guard let j else { return .null }
                            return .object([
                                "served": .bool(j.served), "minReferrals": .optionalInt(j.minReferrals),
                                "minBoundaries": .optionalInt(j.minBoundaries),
                            ])
                        }
                        return (change.id, .object(["before": side(change.before), "after": side(change.after)]))
                    })),
            "lostProfiles": .strings(diff.lostProfiles),
        ])
    }

    /// A headline for each profile whose journey changed: "dementia with physical health
    /// problems: 1 → 2 referrals", "no longer served: …", "now served: …".
    static func profileHeadlines(_ diff: PathwayDiff) -> [String] {
        var lines: [String] = []
        for change in diff.profiles {
            guard let before = change.before, let after = change.after else { continue }
            let who = change.name.split(whereSeparator: \.isNewline).joined(separator: " ")
            let lower = who.prefix(1).lowercased() + who.dropFirst()
            if before.served && !after.served {
                lines.append("no longer served: \(lower) (no journey meets \(after.unmet ?? "?"))")
            } else if !before.served && after.served {
                lines.append("now served: \(lower) (\(count(after.minReferrals ?? 0, "referral")))")
            } else if let a = before.minReferrals, let b = after.minReferrals {
                var parts: [String] = []
                if a != b { parts.append("\(a) → \(count(b, "referral"))") }
                if let c = before.minBoundaries, let d = after.minBoundaries, c != d {
                    parts.append("\(c) → \(d) organisation \(d == 1 ? "boundary" : "boundaries")")
                }
                if !parts.isEmpty { lines.append("\(lower): " + parts.joined(separator: ", ")) }
            }
        }
        return lines
    }

    /// The headline changes, one plain sentence each, most important first.
    public static func headlines(_ diff: PathwayDiff) -> [String] {
        let name = Namer(diff)
        var lines: [String] = []
        for merge in diff.merged {
            let from = merge.from.map(name.plain).joined(separator: ", ")
            lines.append(
                merge.from.count == 1
                    ? "\(name.plain(merge.into)) replaces \(from)"
                    : "\(merge.from.count) services merged into \(name.plain(merge.into)): \(from)")
        }
        var splits: [String: [String]] = [:]
        for merge in diff.merged { for id in merge.from { splits[id, default: []].append(merge.into) } }
        for (id, into) in splits.sorted(by: { $0.key < $1.key }) where into.count > 1 {
            lines.append("\(name.plain(id)) split into \(into.map(name.plain).joined(separator: ", "))")
        }
        let metric = Dictionary(uniqueKeysWithValues: diff.metrics.map { ($0.key, $0) })
        for change in diff.metrics
        where change.key.hasPrefix("functions.") && change.key.hasSuffix(".pointsOfEntry.count") && change.moved {
            let word = String(change.key.dropFirst("functions.".count).dropLast(".pointsOfEntry.count".count))
            var line = "points of entry for \(word): \(describe(change.before)) → \(describe(change.after))"
            if case .array(let doors)? = metric["functions.\(word).pointsOfEntry"]?.after, doors.count == 1,
                case .string(let door) = doors[0]
            {
                line += " (single point of entry: \(name.plain(door)))"
            } else if change.after == .int(0) {
                line += " (no entry reaches it now)"
            }
            lines.append(line)
        }
        for (key, label) in [
            ("crossBoundaryRoutes", "boundary crossings"), ("services", "services"),
            ("organisations", "organisations"), ("routes", "routes"),
        ] {
            if let change = metric[key], change.moved || key == "crossBoundaryRoutes" {
                lines.append("\(label): \(describe(change.before)) → \(describe(change.after))")
            }
        }
        if diff.orphanedRoutes.isEmpty {
            lines.append("no orphaned routes")
        } else {
            lines.append(
                "\(count(diff.orphanedRoutes.count, "orphaned route")) left: "
                    + diff.orphanedRoutes.prefix(3).map { PathwayDiff.RouteKey($0).description }.joined(separator: "; ")
                    + (diff.orphanedRoutes.count > 3 ? "; …" : ""))
        }
        if diff.lostReach.isEmpty {
            lines.append("no onward referrals lost")
        } else {
            let services = Set(diff.lostReach.map(\.service)).count
            let functions = Set(diff.lostReach.map(\.function)).sorted()
            lines.append(
                "onward referrals lost: \(diff.lostReach.count) (\(count(services, "service")) can no longer reach "
                    + "a function they reached before: \(functions.joined(separator: ", ")))")
        }
        lines += profileHeadlines(diff)
        return lines
    }

    public static func text(_ diff: PathwayDiff) -> String {
        let name = Namer(diff)
        var out = "\(diff.before.title) → \(diff.after.title)\n\n"
        for line in headlines(diff) { out += "  \(line)\n" }

        out += section("Services")
        if diff.addedServices.isEmpty && diff.removedServices.isEmpty && diff.changedServices.isEmpty {
            out += "  no change\n"
        }
        for id in diff.addedServices { out += "  + \(name.full(id))\n" }
        for id in diff.removedServices { out += "  - \(name.full(id))\n" }
        for change in diff.changedServices {
            out += "  ~ \(name.full(change.id)): " + change.changes.map(describe).joined(separator: "; ") + "\n"
        }
        for (id, replaces) in diff.unmatchedReplaces {
            out += "  note: \(id) replaces '\(replaces)', which is not a service of the before pathway\n"
        }
        if !diff.addedOrganisations.isEmpty || !diff.removedOrganisations.isEmpty || !diff.changedOrganisations.isEmpty
        {
            out += section("Organisations")
            for id in diff.addedOrganisations { out += "  + \(id)\n" }
            for id in diff.removedOrganisations { out += "  - \(id)\n" }
            for change in diff.changedOrganisations {
                out += "  ~ \(change.id): " + change.changes.map(describe).joined(separator: "; ") + "\n"
            }
        }

        out += section("Routes")
        if diff.addedRoutes.isEmpty && diff.removedRoutes.isEmpty && diff.changedRoutes.isEmpty {
            out += "  no change\n"
        }
        let redirectedFrom = Set(diff.redirectedRoutes.map(\.before))
        let redirectedTo = Set(diff.redirectedRoutes.map(\.after))
        for redirect in diff.redirectedRoutes { out += "  > \(redirect.before) now \(redirect.after)\n" }
        for route in diff.addedRoutes where !redirectedTo.contains(PathwayDiff.RouteKey(route)) {
            out += "  + \(PathwayDiff.RouteKey(route))\n"
        }
        for route in diff.removedRoutes where !redirectedFrom.contains(PathwayDiff.RouteKey(route)) {
            out += "  - \(PathwayDiff.RouteKey(route))\n"
        }
        for change in diff.changedRoutes {
            out += "  ~ \(change.route): " + change.changes.map(describe).joined(separator: "; ") + "\n"
        }

        out += section("Metrics that moved")
        let moved = diff.metrics.filter {
            $0.moved && !$0.key.hasSuffix(".count") && !$0.key.hasSuffix(".singlePointOfEntry")
        }
        if moved.isEmpty { out += "  none\n" }
        for change in moved { out += "  \(change.key): \(describeMove(change))\n" }

        out += section("Orphaned routes in the after pathway")
        if diff.orphanedRoutes.isEmpty { out += "  none\n" }
        for route in diff.orphanedRoutes {
            var line = "  \(route.location.map { "\($0): " } ?? "")\(PathwayDiff.RouteKey(route))"
            let missing = [route.from, route.to].filter { id in !diff.after.services.contains { $0.id == id } }
            for id in missing {
                line += diff.replacedBy[id].map { "; \(id) was merged into \($0)" } ?? "; \(id) is not a service"
            }
            out += line + "\n"
        }

        out += section("Onward referrals lost")
        if diff.lostReach.isEmpty { out += "  none\n" }
        for lost in diff.lostReach {
            out += "  \(name.full(lost.service)) can no longer reach \(lost.function)\n"
            out += "    before: \(lost.path.joined(separator: " → "))\n"
            out += "    now: \(lost.reason)\n"
        }
        return out
    }

    static func section(_ title: String) -> String { "\n\(title)\n" }

    static func count(_ n: Int, _ noun: String, plural: String? = nil) -> String {
        "\(n) " + (n == 1 ? noun : plural ?? noun + "s")
    }

    static func describe(_ change: PathwayDiff.FieldChange) -> String {
        "\(change.field) \(describe(change.before)) → \(describe(change.after))"
    }

    static func describeMove(_ change: PathwayDiff.MetricChange) -> String {
        if case .array(let a) = change.before, case .array(let b) = change.after {
            if (a + b).contains(where: { if case .array = $0 { true } else { false } }) {
                return "\(a.count) → \(b.count)" + (a == b ? "" : " (members changed)")
            }
            let x = a.map(describe)
            let y = b.map(describe)
            let gone = x.filter { !y.contains($0) }
            let new = y.filter { !x.contains($0) }
            var parts: [String] = []
            if !new.isEmpty { parts.append("+ " + new.joined(separator: ", ")) }
            if !gone.isEmpty { parts.append("- " + gone.joined(separator: ", ")) }
            return "\(a.count) → \(b.count)" + (parts.isEmpty ? "" : " (" + parts.joined(separator: "; ") + ")")
        }
        if case .int(let a) = change.before, case .int(let b) = change.after {
            return "\(a) → \(b) (\(b >= a ? "+" : "")\(b - a))"
        }
        return "\(describe(change.before)) → \(describe(change.after))"
    }

    static func describe(_ value: JSONValue) -> String {
        switch value {
        case .null: return "none"
        case .bool(let b): return b ? "yes" : "no"
        case .int(let i): return String(i)
        case .double(let d): return MetricsReport.format3(d)
        case .string(let s): return s
        case .array(let items): return "[" + items.map(describe).joined(separator: ", ") + "]"
        case .object(let members):
            if case .string(let id)? = members["id"] { return id }
            if case .string(let from)? = members["from"], case .string(let to)? = members["to"] {
                return "\(from) → \(to)"
            }
            return members.keys.sorted().map { "\($0): \(describe(members[$0]!))" }.joined(separator: ", ")
        }
    }

    /// Service names as readers know them: the after name when the service survives.
    struct Namer {
        var names: [String: String] = [:]

        /// Later pathways' names win.
        init(_ pathways: [Pathway]) {
            for pathway in pathways { for service in pathway.services { names[service.id] = service.name } }
        }

        init(_ diff: PathwayDiff) { self.init([diff.before, diff.after]) }

        func plain(_ id: String) -> String { names[id] ?? id }

        func full(_ id: String) -> String { names[id].map { $0 == id ? id : "\($0) (\(id))" } ?? id }
    }
}
