import PathwayCore

extension Discovery {
    /// The JSON of `pathway discover --json`: every count as `disclosure` publishes it.
    public func json(variants limit: Int = 20, disclosure: Disclosure = .exact) -> JSONValue {
        func seconds(_ value: Double?) -> JSONValue { value.map { .double($0) } ?? .null }
        func summary(_ s: Summary) -> [String: JSONValue] {
            ["mean": seconds(s.mean), "median": seconds(s.median)]
        }
        var crossings = summary(continuity.boundaryCrossings)
        // The most crossings of one patient describes one person: safe output treats it as a count.
        crossings["max"] = continuity.maximumCrossings.map { disclosure.count($0).json } ?? .null
        let eventTotal: JSONValue =
            disclosure.isExact ? .int(events) : disclosure.total(services.map(\.events)).json
        return .object([
            "events": eventTotal,
            "patients": disclosure.count(patients).json,
            "period": .object(["from": .string(RecordTime.format(from)), "to": .string(RecordTime.format(to))]),
            "services": .array(
                services.map { s in
                    .object([
                        "id": .string(s.id), "events": disclosure.count(s.events).json,
                        "patients": disclosure.count(s.patients).json, "starts": disclosure.count(s.starts).json,
                        "ends": disclosure.count(s.ends).json,
                    ])
                }),
            "routes": .array(
                routes.map { r in
                    .object([
                        "from": .string(r.from), "to": .string(r.to),
                        "transitions": disclosure.count(r.transitions).json,
                        "patients": disclosure.count(r.patients).json, "meanSeconds": seconds(r.meanSeconds),
                        "medianSeconds": seconds(r.medianSeconds), "p90Seconds": seconds(r.p90Seconds),
                    ])
                }),
            "variants": .array(
                variants.prefix(limit).map { v in
                    .object(["path": .strings(v.path), "patients": disclosure.count(v.patients).json])
                }),
            "variantCount": disclosure.count(variants.count).json,
            "continuity": .object([
                "patients": disclosure.count(continuity.patients).json,
                "upc": .object(summary(continuity.upc)), "coc": .object(summary(continuity.coc)),
                "secon": .object(summary(continuity.secon)), "boundaryCrossings": .object(crossings),
            ]),
        ])
    }
}

extension Conformance {
    /// The JSON of `pathway conform --json`.
    public func json(disclosure: Disclosure = .exact) -> JSONValue {
        func pair(_ p: Pair) -> JSONValue { .object(["from": .string(p.from), "to": .string(p.to)]) }
        return .object([
            "fitness": .double(fitness),
            "coverage": .double(coverage),
            "patientsOnDesign": .double(patientsOnDesign),
            "dormantRoutes": .array(dormantRoutes.map(pair)),
            "undesignedRoutes": .array(
                undesignedRoutes.map { r in
                    .object([
                        "from": .string(r.from), "to": .string(r.to),
                        "transitions": disclosure.count(r.transitions).json,
                        "patients": disclosure.count(r.patients).json,
                    ])
                }),
            "unknownServices": .array(
                unknownServices.map { .object(["id": .string($0.id), "events": disclosure.count($0.count).json]) }),
            "unexpectedStarts": .array(
                unexpectedStarts.map { .object(["id": .string($0.id), "patients": disclosure.count($0.count).json]) }),
            "volumes": .array(
                volumes.map { v in
                    .object([
                        "from": .string(v.from), "to": .string(v.to), "purpose": .optionalString(v.purpose),
                        "designed": .int(v.designed),
                        "observed": disclosure.derived(v.observed, basis: v.transitions).json,
                    ])
                }),
            "overCapacity": .array(
                overCapacity.map { c in
                    .object([
                        "id": .string(c.id), "inbound": disclosure.derived(c.inbound, basis: c.transitions).json,
                        "capacity": .int(c.capacity),
                    ])
                }),
        ])
    }
}
