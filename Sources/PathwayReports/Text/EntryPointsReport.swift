import PathwayCore

/// The report of `pathway entry-points`.
public enum EntryPointsReport {
    /// `{"pathway": title, "functions": {F: {"pointsOfEntry": [{"id", "path"}],
    /// "singlePointOfEntry", "bottlenecks"}}}`.
    public static func json(_ entries: [FunctionEntry], pathway: Pathway) -> JSONValue {
        .object([
            "pathway": .string(pathway.title),
            "functions": .object(Dictionary(uniqueKeysWithValues: entries.map { ($0.function, $0.json) })),
        ])
    }

    public static func text(_ entries: [FunctionEntry], pathway: Pathway) -> String {
        let names = Dictionary(pathway.services.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        func named(_ id: String) -> String { names[id].map { $0 == id ? id : "\($0) (\(id))" } ?? id }
        var out = "\(pathway.title): points of entry\n"
        for entry in entries {
            out += "\n\(entry.function): "
            switch entry.doors.count {
            case 0: out += "no entry reaches a service offering it\n"
            case 1: out += "single point of entry\n"
            default: out += "\(entry.doors.count) points of entry\n"
            }
            for door in entry.doors {
                out += "  \(named(door.id))\n"
                out += "    " + (door.path.count == 1 ? "an entry itself" : door.path.joined(separator: " → ")) + "\n"
            }
            if !entry.bottlenecks.isEmpty {
                out += "  every route to it passes: " + entry.bottlenecks.map(named).joined(separator: ", ") + "\n"
            }
        }
        return out
    }
}
