/// The rules that join profiles to a pathway (`shared/pathway-format.md` section 4): profile
/// ids are unique across the pathway's own and every profiles file added, and a profile's
/// `entry` names services of the pathway.
public enum ProfileRules {
    /// The problems of adding `profiles` after `existing`, each at its place in its file.
    /// Entries are checked only when `hasService` is given (a profiles file on its own has no
    /// services to check them against).
    static func problems(
        adding profiles: [Profile], to existing: [Profile], hasService: ((String) -> Bool)?,
        serviceIDs: () -> [String] = { [] }
    ) -> [PathwayLoadError.Problem] {
        var problems: [PathwayLoadError.Problem] = []
        var first: [String: Profile] = [:]
        for profile in existing where first[profile.id] == nil { first[profile.id] = profile }
        for profile in profiles {
            let place = profile.location ?? SourceLocation(file: "", line: 1, column: 1)
            if let earlier = first[profile.id] {
                var message = "duplicate profile id '\(profile.id)'"
                if let at = earlier.location {
                    message +=
                        at.file == place.file ? " (first defined at line \(at.line))" : " (first defined at \(at))"
                }
                problems.append(.init(place, message))
                continue
            }
            first[profile.id] = profile
            guard let hasService, let entry = profile.entry else { continue }
            for (k, id) in entry.enumerated() where !hasService(id) {
                var message = "entry '\(id)' of profile '\(profile.id)' names no service of the pathway"
                if let guess = Identifiers.closest(to: id, in: serviceIDs()) {
                    message += " (did you mean '\(guess)'?)"
                }
                problems.append(.init(profile.entryLocations?[k] ?? place, message))
            }
        }
        return problems
    }

    static func problems(adding profiles: [Profile], to existing: [Profile], services: Set<String>?)
        -> [PathwayLoadError.Problem]
    {
        guard let services else { return problems(adding: profiles, to: existing, hasService: nil) }
        return problems(
            adding: profiles, to: existing, hasService: services.contains, serviceIDs: { services.sorted() })
    }
}

extension Pathway {
    /// The pathway with `profiles` (from a profiles file) after its own.
    ///
    /// - Throws: ``PathwayLoadError`` at the place in the profiles file of a profile id the
    ///   pathway (or an earlier file) has already, or an entry that names no service.
    public func adding(profiles extra: [Profile]) throws(PathwayLoadError) -> Pathway {
        let problems = ProfileRules.problems(
            adding: extra, to: profiles, services: Set(services.map(\.id)))
        if !problems.isEmpty {
            throw PathwayLoadError(problems: Array(problems.prefix(YAMLPathwayLoader.maximumProblems)))
        }
        var result = self
        result.profiles += extra
        return result
    }
}
