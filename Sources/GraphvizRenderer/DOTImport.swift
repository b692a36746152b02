import Foundation
import PathwayCore

/// Turns a DOT graph into a pathway: clusters become organisations, nodes services, edges
/// routes. Known attributes are mapped (`label` to names, `entry`, `terminal`, `sector`,
/// `functions`, `capacity` on nodes and clusters; `purpose`, `volume`, `kind`, `label` on edges,
/// a dashed edge being informal, and one drawn `dir=back` a referral from its head to its tail, as
/// its arrowhead shows); the other attributes of clusters, nodes and edges are kept in
/// the pathway's notes, as text only: none reaches Graphviz when the pathway is drawn, so the
/// attributes that crash its layouts (``Graphviz/crashingAttributes``, huge weights) are dropped
/// with the rest. DOT names that are not valid ids are turned into ids (`Memory Clinic` →
/// `memory-clinic`).
public enum DOTImport {
    public struct Refusal: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    public static func pathway(from graph: DOTGraph, title: String) throws(Refusal) -> Pathway {
        // Graphviz.read has refused every attribute that reads a local file, defaults included.
        var maker = Identifiers.Maker(fallback: "item")
        func id(for name: String) -> String { maker.make(name) }
        var kept: [String] = []
        func keep(_ owner: String, _ attributes: [String: String], except known: Set<String>) {
            let rest = attributes.filter { !known.contains($0.key) }.sorted { $0.key < $1.key }
            if !rest.isEmpty {
                kept.append("\(owner): " + rest.map { "\($0.key)=\($0.value)" }.joined(separator: ", "))
            }
        }

        var organisations: [Organisation] = []
        var organisationID: [String: String] = [:]
        for cluster in graph.clusters {
            let oid = id(
                for: cluster.attributes["label"]
                    ?? String(cluster.name.dropFirst("cluster".count)).trimmingCharacters(
                        in: CharacterSet(charactersIn: "_- ")))
            organisationID[cluster.name] = oid
            let sector = cluster.attributes["sector"].flatMap(Sector.init(rawValue:)) ?? .other
            organisations.append(Organisation(id: oid, name: cluster.attributes["label"], sector: sector))
            keep("organisation \(oid)", cluster.attributes, except: ["label", "sector"])
        }
        var services: [Service] = []
        var serviceID: [String: String] = [:]
        for node in graph.nodes {
            var organisation = node.cluster.flatMap { organisationID[$0] }
            if organisation == nil {
                if organisationID[""] == nil {
                    let oid = id(for: "unassigned")
                    organisationID[""] = oid
                    organisations.append(Organisation(id: oid, name: "Not in any cluster", sector: .other))
                }
                organisation = organisationID[""]
            }
            let sid = id(for: node.name)
            serviceID[node.name] = sid
            let label = node.attributes["label"].flatMap { $0 == "\\N" ? nil : $0 } ?? node.name
            let functions = (node.attributes["functions"] ?? "").split(whereSeparator: {
                $0 == ";" || $0 == "," || $0 == " "
            })
            .map(String.init).filter(Identifiers.isKebabWord)
            services.append(
                Service(
                    id: sid, name: label, organisation: organisation!, entry: node.attributes["entry"] == "true",
                    terminal: node.attributes["terminal"] == "true", functions: functions,
                    capacity: node.attributes["capacity"].flatMap { Int($0) }))
            keep("service \(sid)", node.attributes, except: ["label", "entry", "terminal", "functions", "capacity"])
        }
        var routes: [Route] = []
        for edge in graph.edges {
            let back = edge.attributes["dir"] == "back"
            let (from, to) =
                back ? (serviceID[edge.head]!, serviceID[edge.tail]!) : (serviceID[edge.tail]!, serviceID[edge.head]!)
            let purpose = edge.attributes["purpose"].flatMap { Identifiers.isKebabWord($0) ? $0 : nil }
            let informal = edge.attributes["kind"] == "informal" || (edge.attributes["style"] ?? "").contains("dashed")
            routes.append(
                Route(
                    from: from, to: to, purpose: purpose,
                    kind: informal ? .informal : .formal,
                    volume: edge.attributes["volume"].flatMap { Int($0) }.flatMap { $0 >= 0 ? $0 : nil },
                    note: edge.attributes["label"]))
            keep(
                "route \(from) -> \(to)", edge.attributes,
                except: back ? ["purpose", "kind", "volume", "label", "dir"] : ["purpose", "kind", "volume", "label"])
        }
        var notes = "Imported from DOT (graph \(graph.name))."
        if !kept.isEmpty { notes += " Other attributes kept from the DOT: " + kept.joined(separator: "; ") }
        return Pathway(
            title: graph.attributes["label"] ?? title, notes: notes, organisations: organisations, services: services,
            routes: routes)
    }

    /// Reads the DOT file at `path` with Graphviz's parser and turns it into a pathway and the
    /// YAML of its pathway file, checked to load (as `output`, the file it is to be written to)
    /// before anything is written.
    ///
    /// - Throws: ``Refusal`` naming `path` (and the line, when Graphviz names one): a file that
    ///   cannot be read or is not UTF-8 text, DOT that does not parse, an attribute that reads
    ///   a local file, or a conversion that does not load.
    public static func importFile(_ path: String, as output: String) throws(Refusal) -> (pathway: Pathway, yaml: String)
    {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Refusal(description: "\(path): error: no such file")
        }
        guard !data.contains(0), let text = String(data: data, encoding: .utf8) else {
            throw Refusal(description: "\(path): error: not UTF-8 text: expected a DOT file")
        }
        let graph: DOTGraph
        do throws(GraphvizError) {
            graph = try Graphviz.shared.read(dot: text)
        } catch {
            throw Refusal(description: "\(path)\(error.line.map { ":\($0)" } ?? ""): error: \(error.message)")
        }
        let title = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        let pathway: Pathway
        do throws(Refusal) {
            pathway = try Self.pathway(from: graph, title: title)
        } catch {
            throw Refusal(description: "\(path): error: \(MessageText.oneLine(error.description))")
        }
        let yaml = PathwayYAMLWriter.yaml(pathway)
        do throws(PathwayLoadError) {
            _ = try YAMLPathwayLoader.load(text: yaml, file: output)
        } catch {
            throw Refusal(
                description: "\(path): error: the converted pathway does not load: "
                    + error.problems.map(\.description).joined(separator: "; "))
        }
        return (pathway, yaml)
    }
}
