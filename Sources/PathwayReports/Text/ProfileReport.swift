import PathwayCore

/// How each patient profile gets through a pathway, told for people: a sentence each for the
/// metrics report, and step by step for `pathway journeys`.
public enum ProfileReport {
    /// Names and organisations of a pathway's services, to tell journeys by.
    struct Names {
        let service: [String: Service]
        let organisation: [String: Organisation]

        init(_ pathway: Pathway) {
            service = Dictionary(pathway.services.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
            organisation = Dictionary(pathway.organisations.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        }

        func name(_ id: String) -> String { service[id].map { oneLine($0.name) } ?? id }

        /// "Memory service (memory)", or the id alone when it is the name.
        func label(_ id: String) -> String {
            let name = name(id)
            return name == id ? id : "\(name) (\(id))"
        }

        func organisationName(of id: String) -> String {
            guard let o = service[id]?.organisation else { return "?" }
            return organisation[o].map { oneLine($0.name) } ?? o
        }

        /// The organisation boundaries the steps cross.
        func crossings(_ steps: [ProfileJourney.Step]) -> Int {
            zip(steps, steps.dropFirst()).filter {
                service[$0.service]?.organisation != service[$1.service]?.organisation
            }
            .count
        }
    }

    static func oneLine(_ text: String) -> String { text.split(whereSeparator: \.isNewline).joined(separator: " ") }

    /// A need word as words: `physical-assessment` → "physical assessment".
    static func words(_ need: String) -> String { need.replacingOccurrences(of: "-", with: " ") }

    static func plural(_ n: Int, _ noun: String) -> String { "\(n) \(noun)\(n == 1 ? "" : "s")" }

    static func boundaries(_ n: Int) -> String { "\(n) organisation \(n == 1 ? "boundary" : "boundaries")" }

    static func and(_ items: [String]) -> String {
        items.count <= 1 ? items.joined() : items.dropLast().joined(separator: ", ") + " and " + items.last!
    }

    /// "Dementia with physical health problems: diagnosis at Memory service (MH trust), then
    /// physical assessment and treatment at Geriatric clinic (Acute trust): 2 referrals, 2
    /// organisation boundaries."
    /// Without `named`, the sentence leaves out the profile's name (for a table row that shows
    /// it already): "Diagnosis at …".
    public static func sentence(
        _ profile: Profile, _ journey: ProfileJourney, pathway: Pathway, named: Bool = true
    ) -> String {
        let told = sentence(profile, journey, names: Names(pathway))
        guard !named else { return told }
        let rest = told.dropFirst(oneLine(profile.name).count + 2)
        return rest.prefix(1).uppercased() + rest.dropFirst()
    }

    static func sentence(_ profile: Profile, _ journey: ProfileJourney, names: Names) -> String {
        let who = oneLine(profile.name)
        guard let referrals = journey.minReferrals else {
            let met = profile.needs.prefix(journey.needsMet).map(words)
            return "\(who): not served: no journey meets \(words(journey.unmet ?? "?"))"
                + (met.isEmpty ? "" : " after \(and(met))") + "."
        }
        let parts = journey.journey.filter { !$0.meets.isEmpty }.map { step in
            "\(and(step.meets.map(words))) at \(names.name(step.service)) (\(names.organisationName(of: step.service)))"
        }
        let fewest = journey.minBoundaries ?? 0
        let shown = names.crossings(journey.journey)
        var counts = "\(plural(referrals, "referral")), \(boundaries(shown))"
        if shown != fewest {
            counts += " (a longer journey crosses \(fewest))"
        }
        return "\(who): \(parts.joined(separator: ", then ")): \(counts)."
    }

    /// The "Patients" section of the metrics report: a sentence per profile, or nothing when
    /// the pathway has none.
    public static func section(_ m: PathwayMetrics, pathway: Pathway) -> String {
        guard !pathway.profiles.isEmpty else { return "" }
        let names = Names(pathway)
        var out = "\nPatients (each profile's needs, met in order, with the fewest referrals):\n"
        for profile in pathway.profiles {
            guard let journey = m.profiles[profile.id] else { continue }
            out += "  " + sentence(profile, journey, names: names) + "\n"
        }
        return out
    }

    /// `pathway journeys`: each profile's journey step by step, or where it stops.
    public static func text(_ m: PathwayMetrics, pathway: Pathway) -> String {
        let names = Names(pathway)
        var out = "\(m.title): patient journeys\n"
        out += String(repeating: "=", count: min(m.title.count + 18, 78)) + "\n"
        if pathway.profiles.isEmpty {
            out += "\nNo patient profiles: add 'profiles' to the pathway file, or give --profiles FILE.\n"
        }
        for profile in pathway.profiles {
            guard let journey = m.profiles[profile.id] else { continue }
            let title = profile.name == profile.id ? profile.id : "\(oneLine(profile.name)) (\(profile.id))"
            out += "\n\(title)\n"
            out += "  needs, in order: \(profile.needs.map(words).joined(separator: ", "))"
            if !profile.attributes.isEmpty { out += "; is: \(profile.attributes.joined(separator: ", "))" }
            out += "\n"
            guard let referrals = journey.minReferrals else {
                let met = profile.needs.prefix(journey.needsMet).map(words)
                out += "  not served: no journey meets \(words(journey.unmet ?? "?"))"
                out += met.isEmpty ? " (no need is met first).\n" : " after \(and(met)).\n"
                if !journey.furthest.isEmpty {
                    out += "  furthest it gets (where \(words(profile.needs[journey.needsMet - 1])) is met): "
                    out += journey.furthest.prefix(10).map(names.label).joined(separator: ", ")
                    out += journey.furthestCount > 10 ? " and \(journey.furthestCount - 10) more.\n" : ".\n"
                    out += "  on the way: "
                    out +=
                        journey.partial.map { step in
                            names.label(step.service) + (step.meets.isEmpty ? "" : " (\(and(step.meets.map(words))))")
                        }.joined(separator: " → ") + "\n"
                }
                // Who offers the need that is not met, and what keeps these patients out.
                let unmet = journey.unmet ?? ""
                let offering = pathway.services.filter { $0.functions.contains(unmet) }
                if offering.isEmpty {
                    out += "  no service offers \(words(unmet)).\n"
                } else {
                    out += "  \(words(unmet)) is offered by: "
                    out += offering.prefix(10).map { service in
                        let missing = service.eligibility.filter { !profile.attributes.contains($0) }
                        return names.label(service.id)
                            + (missing.isEmpty ? "" : " (takes only \(missing.joined(separator: ", ")))")
                    }.joined(separator: ", ")
                    out += offering.count > 10 ? " and \(offering.count - 10) more.\n" : ".\n"
                }
                continue
            }
            for (k, step) in journey.journey.enumerated() {
                let crossed =
                    k > 0
                    && names.service[journey.journey[k - 1].service]?.organisation
                        != names.service[step.service]?.organisation
                let what = step.meets.isEmpty ? (k == 0 ? "presents" : "passes through") : and(step.meets.map(words))
                out += "  \(k + 1). \(names.label(step.service)), \(names.organisationName(of: step.service))"
                out += crossed ? " [across a boundary]" : ""
                out += ": \(what)\n"
            }
            let shown = names.crossings(journey.journey)
            out += "  \(plural(referrals, "referral")), \(boundaries(shown))"
            if let fewest = journey.minBoundaries, fewest != shown {
                out += "; the fewest boundaries on any journey: \(fewest)"
            }
            out += ".\n"
        }
        return out
    }

    /// `pathway journeys --json`: the pathway's title and, by profile id, the profile's
    /// metrics of section 4 with, beside them, its name, needs and attributes, the needs met
    /// and the furthest services when not served, and each journey step's service name,
    /// organisation and whether the referral into it crosses a boundary.
    public static func json(_ m: PathwayMetrics, pathway: Pathway) -> JSONValue {
        let names = Names(pathway)
        var profiles: [String: JSONValue] = [:]
        for profile in pathway.profiles {
            guard let journey = m.profiles[profile.id], profiles[profile.id] == nil else { continue }
            var previous: String?
            let steps: [JSONValue] = journey.journey.map { step in
                let organisation = names.service[step.service]?.organisation ?? ""
                defer { previous = organisation }
                return .object([
                    "service": .string(step.service), "name": .string(names.name(step.service)),
                    "organisation": .string(organisation), "meets": .strings(step.meets),
                    "crossesBoundary": .bool(previous.map { $0 != organisation } ?? false),
                ])
            }
            profiles[profile.id] = .object([
                "name": .string(profile.name), "needs": .strings(profile.needs),
                "attributes": .strings(profile.attributes), "served": .bool(journey.served),
                "minReferrals": .optionalInt(journey.minReferrals),
                "minBoundaries": .optionalInt(journey.minBoundaries),
                "journey": .array(steps), "unmet": .optionalString(journey.unmet), "needsMet": .int(journey.needsMet),
                "furthest": .strings(journey.furthest), "furthestCount": .int(journey.furthestCount),
                "partial": .array(
                    journey.partial.map { .object(["service": .string($0.service), "meets": .strings($0.meets)]) }),
            ])
        }
        return .object(["pathway": .string(m.title), "profiles": .object(profiles)])
    }
}
