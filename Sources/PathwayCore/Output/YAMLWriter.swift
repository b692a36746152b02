/// Writes a pathway as a YAML file of `shared/pathway-format.md` section 1, deterministically
/// (fields in the format's order, every text double-quoted with JSON-style escapes), so that
/// the file loads back to the same pathway.
public enum PathwayYAMLWriter {
    public static func yaml(_ p: Pathway) -> String {
        var out = "pathway: \(quote(p.title))\n"
        for (key, value) in [
            ("condition", p.condition), ("area", p.area), ("as-of", p.asOf), ("source", p.source), ("notes", p.notes),
        ] {
            if let value { out += "\(key): \(quote(value))\n" }
        }
        out += "\norganisations:\n"
        for o in p.organisations {
            out += "  - id: \(o.id)\n"
            if o.name != o.id { out += "    name: \(quote(o.name))\n" }
            out += "    sector: \(o.sector.rawValue)\n"
        }
        out += "\nservices:\n"
        for s in p.services {
            out += "  - id: \(s.id)\n"
            if s.name != s.id { out += "    name: \(quote(s.name))\n" }
            out += "    organisation: \(s.organisation)\n"
            if s.entry { out += "    entry: true\n" }
            if s.terminal { out += "    terminal: true\n" }
            if !s.functions.isEmpty { out += "    functions: [\(s.functions.joined(separator: ", "))]\n" }
            if let capacity = s.capacity { out += "    capacity: \(capacity)\n" }
            if !s.replaces.isEmpty { out += "    replaces: [\(s.replaces.joined(separator: ", "))]\n" }
        }
        if !p.routes.isEmpty {
            out += "\nroutes:\n"
            for r in p.routes {
                out += "  - from: \(r.from)\n    to: \(r.to)\n"
                if let purpose = r.purpose { out += "    purpose: \(purpose)\n" }
                if r.kind != .formal { out += "    kind: \(r.kind.rawValue)\n" }
                if let volume = r.volume { out += "    volume: \(volume)\n" }
                if let note = r.note { out += "    note: \(quote(note))\n" }
            }
        }
        return out
    }

    static func quote(_ text: String) -> String {
        guard case .string(let s) = JSONValue.string(text) else { return "\"\"" }
        return JSONValue.string(s).serialized().trimmingCharacters(in: .newlines)
    }
}
