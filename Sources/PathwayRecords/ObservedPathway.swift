import Foundation
import PathwayCore

/// Record services matched to a design's: by id, else by exact name (the first in file order).
enum ServiceMatch {
    static func match(_ names: [String], design: Pathway) -> [String?] {
        var byID: Set<String> = []
        var byName: [String: String] = [:]
        for service in design.services {
            byID.insert(service.id)
            if byName[service.name] == nil { byName[service.name] = service.id }
        }
        return names.map { byID.contains($0) ? $0 : byName[$0] }
    }
}

extension Discovery {
    /// The observed pathway as a pathway file (`shared/pathway-format.md` sections 1 and 5):
    /// the services and organisations seen, `entry: true` where journeys start, one route per
    /// observed (from, to) with its volume a year. With `design`, a service that matches one
    /// of the design's takes its id, name, functions, terminal and capacity, and organisations
    /// their sector; every other organisation's sector is `other`. Without an organisation
    /// column, a matched service keeps the design's organisation and the others are run by
    /// `unrecorded`.
    public func observedPathway(log: RecordLog, design: Pathway? = nil, disclosure: Disclosure = .exact) -> Pathway {
        observedPathway(
            serviceNames: log.serviceNames, organisationNames: log.organisationNames,
            organisationRows: Self.organisationRows(log), design: design, disclosure: disclosure)
    }

    /// How many of the log's rows name each (service, organisation) pair: all that the observed
    /// pathway needs of the rows besides the discovery. Empty without an organisation column.
    public static func organisationRows(_ log: RecordLog) -> [(service: Int32, organisation: Int32, rows: Int)] {
        var tally: [UInt64: Int] = [:]
        for row in 0..<log.organisation.count {
            tally[UInt64(UInt32(log.service[row])) << 32 | UInt64(UInt32(log.organisation[row])), default: 0] += 1
        }
        return tally.map {
            (Int32(truncatingIfNeeded: $0.key >> 32), Int32(truncatingIfNeeded: $0.key & 0xFFFF_FFFF), $0.value)
        }
    }

    /// The observed pathway from the services' names (as the routes' and services' indices
    /// name them), and how many rows name each (service, organisation) pair.
    public func observedPathway(
        serviceNames names: [String], organisationNames: [String],
        organisationRows: [(service: Int32, organisation: Int32, rows: Int)], design: Pathway? = nil,
        disclosure: Disclosure = .exact
    ) -> Pathway {
        let matched = design.map { ServiceMatch.match(names, design: $0) } ?? names.map { _ in nil }
        let designServices = Dictionary(design?.services.map { ($0.id, $0) } ?? [], uniquingKeysWith: { a, _ in a })
        let designOrganisations = design?.organisations ?? []
        // Ids: matched services keep the design's; the others get ids that clash with none.
        var maker = Identifiers.Maker(reserved: Set(designServices.keys), fallback: "service")
        var ids = [String](repeating: "", count: names.count)
        for k in names.indices.sorted(by: { names[$0].utf8.lexicographicallyPrecedes(names[$1].utf8) }) {
            ids[k] = matched[k] ?? maker.make(names[k])
        }
        // Each service's organisation: the one most of its rows name, ties by name.
        var organisationOf: [String: String] = [:]
        var organisationName: [String: String] = [:]
        if !organisationRows.isEmpty {
            var byDesign: [String: Organisation] = [:]
            for o in designOrganisations {
                byDesign[o.id] = o
                if byDesign[o.name] == nil { byDesign[o.name] = o }
            }
            var orgMaker = Identifiers.Maker(reserved: Set(designOrganisations.map(\.id)), fallback: "organisation")
            // Made in byte order of the names, so that the ids do not hang on the order rows came in.
            var orgIDs = [String](repeating: "", count: organisationNames.count)
            for k in organisationNames.indices.sorted(by: {
                organisationNames[$0].utf8.lexicographicallyPrecedes(organisationNames[$1].utf8)
            }) {
                orgIDs[k] = byDesign[organisationNames[k]]?.id ?? orgMaker.make(organisationNames[k])
            }
            var tally: [String: [String: Int]] = [:]
            for (service, organisation, rows) in organisationRows {
                tally[ids[Int(service)], default: [:]][orgIDs[Int(organisation)], default: 0] += rows
            }
            for (service, counts) in tally {
                organisationOf[service] =
                    counts.max { a, b in a.value != b.value ? a.value < b.value : a.key > b.key }!.key
            }
            for (k, id) in orgIDs.enumerated() where organisationName[id] == nil {
                organisationName[id] = byDesign[organisationNames[k]]?.name ?? organisationNames[k]
            }
        }
        var starts: [String: Int] = [:]
        for s in services { starts[ids[Int(s.index)], default: 0] += s.starts }
        var serviceList: [Service] = []
        var organisationsUsed: [String] = []
        var seen: Set<String> = []
        for s in services {
            let id = ids[Int(s.index)]
            guard seen.insert(id).inserted else { continue }
            let designed = designServices[id]
            let organisation = organisationOf[id] ?? designed?.organisation ?? "unrecorded"
            if !organisationsUsed.contains(organisation) { organisationsUsed.append(organisation) }
            serviceList.append(
                Service(
                    id: id, name: designed?.name ?? s.id, organisation: organisation,
                    entry: (starts[id] ?? 0) > 0, terminal: designed?.terminal ?? false,
                    functions: designed?.functions ?? [], capacity: designed?.capacity))
        }
        serviceList.sort { $0.id.utf8.lexicographicallyPrecedes($1.id.utf8) }
        let organisations = organisationsUsed.sorted().map { id -> Organisation in
            let designed = designOrganisations.first { $0.id == id }
            return Organisation(
                id: id, name: designed?.name ?? organisationName[id] ?? (id == "unrecorded" ? "Not recorded" : id),
                sector: designed?.sector ?? .other)
        }
        // One route per observed (from, to) in pathway ids.
        var transitions: [String: (from: String, to: String, count: Int)] = [:]
        for r in routes {
            let from = ids[Int(r.fromIndex)]
            let to = ids[Int(r.toIndex)]
            transitions["\(from)\u{0}\(to)", default: (from, to, 0)].count += r.transitions
        }
        let routeList = transitions.values.sorted {
            $0.from != $1.from
                ? $0.from.utf8.lexicographicallyPrecedes($1.from.utf8)
                : $0.to.utf8.lexicographicallyPrecedes($1.to.utf8)
        }.map { t -> Route in
            switch disclosure.derived(annualised(t.count), basis: t.count) {
            case .value(let volume):
                return Route(from: t.from, to: t.to, volume: volume)
            case .below(let n):
                return Route(
                    from: t.from, to: t.to, note: "fewer than \(n) a year or in the records: volume not published")
            }
        }
        let source = (file as NSString).lastPathComponent
        var notes =
            "Discovered from referral records (\(source), \(shape == .events ? "event" : "referral") rows):"
            + " the services and routes patients took. A route's volume is its transitions a year over the"
            + " period (\(String(format: "%.1f", days)) days); entry marks where journeys start."
        if let explanation = disclosure.explanation { notes += " " + explanation }
        return Pathway(
            title: "Observed pathway" + (design.map { ": \($0.title)" } ?? " from \(source)"),
            condition: design?.condition, area: design?.area,
            asOf: String(RecordTime.format(from).prefix(10)) + " to " + String(RecordTime.format(to).prefix(10)),
            source: "referral records, \(source)", notes: notes, organisations: organisations,
            services: serviceList, routes: routeList)
    }
}
