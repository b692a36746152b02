import Dispatch

extension PathwayMetrics {
    /// ``json`` serialised: the same bytes as `json.serializedBytes()`, written straight from
    /// the metrics without building the tree of values, its members side by side on the cores.
    ///
    /// A network of a million services has millions of ids in its lists and hundreds of
    /// thousands of small objects (bottlenecks, services over capacity); this writes each with
    /// its keys in their known sorted order instead of a dictionary each.
    public func jsonBytes() -> [UInt8] {
        Array(jsonChunks().joined())
    }

    /// ``jsonBytes()`` in pieces, to be written one after another without joining them.
    public func jsonChunks() -> [[UInt8]] {
        var chunks: [[UInt8]] = []
        writeJSON { chunks.append($0) }
        return chunks
    }

    /// ``jsonBytes()`` handed to `write` in pieces, in order, each member as soon as it and
    /// those before it are ready: the first members go out while the cores write the later,
    /// and each member's bytes are let go once written.
    public func writeJSON(_ write: ([UInt8]) throws -> Void) rethrows {
        let members = jsonMembers()
        let parts = JSONValue.Parts(count: members.count)
        let ready = members.map { _ in DispatchSemaphore(value: 0) }
        let group = DispatchGroup()
        for k in members.indices {
            let writer = members[k].write
            DispatchQueue.global().async(group: group) {
                var part: [UInt8] = []
                writer(&part)
                parts.set(k, part)
                ready[k].signal()
            }
        }
        // Whatever `write` throws, the members still being written finish first.
        defer { group.wait() }
        for k in members.indices {
            try write(Self.before(member: k, of: members))
            ready[k].wait()
            try write(parts.take(k))
        }
        try write(Self.before(member: members.count, of: members))
    }

    /// The text between members: the opening brace and the key before member `k`, the comma
    /// after the one before it, and after the last the closing brace.
    private static func before(member k: Int, of members: [JSONMember]) -> [UInt8] {
        var out: [UInt8] = []
        JSONValue.append(k == 0 ? "{\n" : k < members.count ? ",\n" : "\n", &out)
        if k == members.count {
            JSONValue.append("}\n", &out)
            return out
        }
        JSONValue.indent(2, &out)
        JSONValue.writeString(members[k].key, to: &out)
        JSONValue.append(": ", &out)
        return out
    }

    private typealias JSONMember = (key: String, write: @Sendable (inout [UInt8]) -> Void)

    /// The members of ``json``, sorted by key, each with what writes its value.
    private func jsonMembers() -> [JSONMember] {
        typealias Out = [UInt8]
        var members: [(key: String, write: @Sendable (inout Out) -> Void)] = [
            ("pathway", { [title] in JSONValue.writeString(title, to: &$0) }),
            ("services", { [services] in Self.int(services, &$0) }),
            ("organisations", { [organisations] in Self.int(organisations, &$0) }),
            ("routes", { [routes] in Self.int(routes, &$0) }),
            ("sectors", { [sectors] in Self.int(sectors, &$0) }),
            ("entryPoints", { [entryPoints] in Self.strings(entryPoints, indent: 2, &$0) }),
            ("crossBoundaryRoutes", { [crossBoundaryRoutes] in Self.int(crossBoundaryRoutes, &$0) }),
            ("crossBoundaryShare", { [crossBoundaryShare] in JSONValue.writeDouble(crossBoundaryShare, to: &$0) }),
            ("ownershipHHI", { [ownershipHHI] in JSONValue.writeDouble(ownershipHHI, to: &$0) }),
            ("unreachable", { [unreachable] in Self.strings(unreachable, indent: 2, &$0) }),
            ("deadEnds", { [deadEnds] in Self.strings(deadEnds, indent: 2, &$0) }),
            (
                "loops",
                { [loops] out in
                    Self.array(loops, indent: 2, &out) { loop, out in Self.strings(loop, indent: 4, &out) }
                }
            ),
            (
                "bottlenecks",
                { [bottlenecks] out in
                    Self.array(bottlenecks, indent: 2, &out) { b, out in
                        Self.element(
                            &out,
                            [
                                "dominates": { Self.int(b.dominates, &$0) },
                                "id": { JSONValue.writeString(b.id, to: &$0) },
                            ])
                    }
                }
            ),
            (
                "orphanedRoutes",
                { [orphanedRoutes] out in
                    Self.array(orphanedRoutes, indent: 2, &out) { r, out in
                        Self.element(
                            &out,
                            [
                                "from": { JSONValue.writeString(r.from, to: &$0) },
                                "purpose": { out in
                                    if let purpose = r.purpose {
                                        JSONValue.writeString(purpose, to: &out)
                                    } else {
                                        JSONValue.append("null", &out)
                                    }
                                },
                                "to": { JSONValue.writeString(r.to, to: &$0) },
                            ])
                    }
                }
            ),
            (
                "overCapacity",
                { [overCapacity] out in
                    Self.array(overCapacity, indent: 2, &out) { c, out in
                        Self.element(
                            &out,
                            [
                                "capacity": { Self.int(c.capacity, &$0) },
                                "id": { JSONValue.writeString(c.id, to: &$0) },
                                "inbound": { Self.int(c.inbound, &$0) },
                            ])
                    }
                }
            ),
            ("functions", { [functions] out in Self.functions(functions, &out) }),
            ("profiles", { [profilesJSON] in profilesJSON.write(to: &$0, indent: 2) }),
        ]
        if let betweenness {
            members.append(
                (
                    "betweenness",
                    { out in
                        Self.object(betweenness.keys.sorted(by: Self.byBytes), indent: 2, &out) { id, out in
                            JSONValue.writeDouble(betweenness[id]!, to: &out)
                        }
                    }
                ))
            if let sources = betweennessSources, sources < services {
                members.append(("betweennessSources", { Self.int(sources, &$0) }))
            }
        }
        members.sort { Self.byBytes($0.key, $1.key) }
        return members
    }

    /// The `functions` object: each function's object written on the cores, keys in order.
    private static func functions(_ functions: [String: FunctionMetrics], _ out: inout [UInt8]) {
        let words = functions.keys.sorted(by: byBytes)
        let parts = JSONValue.Parts(count: words.count)
        DispatchQueue.concurrentPerform(iterations: words.count) { k in
            let f = functions[words[k]]!
            var part: [UInt8] = []
            element(
                &part,
                [
                    "minBoundaries": { optionalInt(f.minBoundaries, &$0) },
                    "minReferrals": { optionalInt(f.minReferrals, &$0) },
                    "pointsOfEntry": { strings(f.pointsOfEntry, indent: 6, &$0) },
                    "providers": { strings(f.providers, indent: 6, &$0) },
                    "singlePointOfEntry": { JSONValue.append(f.singlePointOfEntry ? "true" : "false", &$0) },
                ])
            parts.set(k, part)
        }
        let values = parts.values
        object(Array(words.indices), keys: words, indent: 2, &out) { k, out in out.append(contentsOf: values[k]) }
    }

    /// A small object inside an array or object at indent 2: members at indent 6, the closing
    /// brace at 4. Its keys must be given in sorted order, as ``JSONValue`` sorts them.
    private static func element(_ out: inout [UInt8], _ members: KeyValuePairs<StaticString, (inout [UInt8]) -> Void>) {
        JSONValue.append("{\n", &out)
        for (k, member) in members.enumerated() {
            JSONValue.indent(6, &out)
            out.append(UInt8(ascii: "\""))
            JSONValue.append(member.key, &out)
            JSONValue.append("\": ", &out)
            member.value(&out)
            JSONValue.append(k + 1 < members.count ? ",\n" : "\n", &out)
        }
        JSONValue.indent(4, &out)
        JSONValue.append("}", &out)
    }

    private static func byBytes(_ a: String, _ b: String) -> Bool { a.utf8.lexicographicallyPrecedes(b.utf8) }

    private static func int(_ value: Int, _ out: inout [UInt8]) { out.append(contentsOf: String(value).utf8) }

    private static func optionalInt(_ value: Int?, _ out: inout [UInt8]) {
        if let value { int(value, &out) } else { JSONValue.append("null", &out) }
    }

    /// An array as ``JSONValue`` writes it: `[]`, or one element a line at `indent + 2`.
    private static func array<T>(
        _ items: [T], indent: Int, _ out: inout [UInt8], _ element: (T, inout [UInt8]) -> Void
    ) {
        if items.isEmpty {
            JSONValue.append("[]", &out)
            return
        }
        JSONValue.append("[\n", &out)
        for (k, item) in items.enumerated() {
            JSONValue.indent(indent + 2, &out)
            element(item, &out)
            JSONValue.append(k + 1 < items.count ? ",\n" : "\n", &out)
        }
        JSONValue.indent(indent, &out)
        JSONValue.append("]", &out)
    }

    /// An array of strings, as ``array(_:indent:_:_:)`` writes it, with each line's indent and
    /// quote written from one prepared prefix and plain strings (every id) copied as they are.
    private static func strings(_ items: [String], indent: Int, _ out: inout [UInt8]) {
        if items.isEmpty {
            JSONValue.append("[]", &out)
            return
        }
        if let plain = plainStrings(items, indent: indent) {
            out.append(contentsOf: plain)
            return
        }
        let prefix = [UInt8](repeating: 0x20, count: indent + 2) + [UInt8(ascii: "\"")]
        out.reserveCapacity(out.count + items.count * (indent + 20) + indent + 4)
        JSONValue.append("[\n", &out)
        for (k, item) in items.enumerated() {
            var item = item
            let plain = item.withUTF8 { bytes -> Bool in
                for b in bytes where b < 0x20 || b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") || b >= 0xE2 {
                    return false
                }
                out.append(contentsOf: prefix)
                out.append(contentsOf: bytes)
                return true
            }
            if plain {
                out.append(UInt8(ascii: "\""))
            } else {
                JSONValue.indent(indent + 2, &out)
                JSONValue.writeString(item, to: &out)
            }
            JSONValue.append(k + 1 < items.count ? ",\n" : "\n", &out)
        }
        JSONValue.indent(indent, &out)
        JSONValue.append("]", &out)
    }

    /// ``strings(_:indent:_:)`` of items that need no escape (every id), written straight into
    /// one buffer of the size they take; nil when an item needs escaping, for the general
    /// writer. At 10^6 services the lists hold millions of ids, and appending each piece to a
    /// growing array cost more than the bytes.
    private static func plainStrings(_ items: [String], indent: Int) -> [UInt8]? {
        let pad = indent + 2
        var room = 3 + indent
        for item in items { room += pad + 4 + item.utf8.count }
        var plain = true
        let text = [UInt8](unsafeUninitializedCapacity: room) { buffer, written in
            guard let base = buffer.baseAddress else { return }
            base[0] = UInt8(ascii: "[")
            base[1] = UInt8(ascii: "\n")
            var at = 2
            for (k, item) in items.enumerated() {
                (base + at).initialize(repeating: 0x20, count: pad)
                at += pad
                base[at] = UInt8(ascii: "\"")
                at += 1
                var item = item
                let copied = item.withUTF8 { bytes -> Bool in
                    for b in bytes where b < 0x20 || b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") || b >= 0xE2 {
                        return false
                    }
                    if let source = bytes.baseAddress { (base + at).initialize(from: source, count: bytes.count) }
                    at += bytes.count
                    return true
                }
                guard copied else {
                    plain = false
                    return
                }
                base[at] = UInt8(ascii: "\"")
                at += 1
                if k + 1 < items.count {
                    base[at] = UInt8(ascii: ",")
                    at += 1
                }
                base[at] = UInt8(ascii: "\n")
                at += 1
            }
            (base + at).initialize(repeating: 0x20, count: indent)
            at += indent
            base[at] = UInt8(ascii: "]")
            written = at + 1
        }
        return plain ? text : nil
    }

    /// An object whose keys are `keys` (already sorted), with `value` writing each value.
    private static func object<T>(
        _ items: [T], keys: [String], indent: Int, _ out: inout [UInt8], _ value: (T, inout [UInt8]) -> Void
    ) {
        if items.isEmpty {
            JSONValue.append("{}", &out)
            return
        }
        JSONValue.append("{\n", &out)
        for (k, item) in items.enumerated() {
            JSONValue.indent(indent + 2, &out)
            JSONValue.writeString(keys[k], to: &out)
            JSONValue.append(": ", &out)
            value(item, &out)
            JSONValue.append(k + 1 < items.count ? ",\n" : "\n", &out)
        }
        JSONValue.indent(indent, &out)
        JSONValue.append("}", &out)
    }

    private static func object(
        _ keys: [String], indent: Int, _ out: inout [UInt8], _ value: (String, inout [UInt8]) -> Void
    ) {
        object(keys, keys: keys, indent: indent, &out, value)
    }
}
