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
            if !s.eligibility.isEmpty { out += "    eligibility: [\(s.eligibility.joined(separator: ", "))]\n" }
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
        if !p.profiles.isEmpty {
            out += "\nprofiles:\n"
            for q in p.profiles {
                out += "  - id: \(q.id)\n"
                if q.name != q.id { out += "    name: \(quote(q.name))\n" }
                out += "    needs: [\(q.needs.joined(separator: ", "))]\n"
                if !q.attributes.isEmpty { out += "    attributes: [\(q.attributes.joined(separator: ", "))]\n" }
                if let entry = q.entry { out += "    entry: [\(entry.joined(separator: ", "))]\n" }
                if let share = q.share { out += "    share: \(share)\n" }
            }
        }
        return out
    }

    /// `text` double-quoted. JSON's escapes are YAML's, but JSON leaves some characters bare
    /// that YAML cannot hold as they are: DEL and the C1 controls, U+FFFE and U+FFFF are not
    /// allowed, NEL is a line break even inside quotes (folded away; so are U+2028 and U+2029,
    /// which ``JSONValue`` escapes already), and a BOM may be dropped. Those are escaped too.
    static func quote(_ text: String) -> String {
        guard case .string(let s) = JSONValue.string(text) else { return "\"\"" }
        let json = JSONValue.string(s).serialized().trimmingCharacters(in: .newlines)
        guard json.unicodeScalars.contains(where: needsYAMLEscape) else { return json }
        var out = ""
        for scalar in json.unicodeScalars {
            if needsYAMLEscape(scalar) {
                let hex = String(scalar.value, radix: 16, uppercase: true)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    static func needsYAMLEscape(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x7F...0x9F, 0x2028, 0x2029, 0xFEFF, 0xFFFE, 0xFFFF: true
        default: false
        }
    }
}
