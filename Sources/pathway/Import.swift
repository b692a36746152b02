import ArgumentParser
import Foundation
import GraphvizRenderer
import PathwayCore

extension PathwayCommand {
    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Turn a Graphviz DOT drawing into a pathway file.",
            discussion: """
                Reads the DOT with Graphviz's own parser. Clusters become organisations, nodes
                services, edges routes. Known attributes are mapped: on nodes label (the name),
                entry, terminal, functions, capacity; on clusters label and sector; on edges
                purpose, volume, kind (a dashed edge is informal) and label (the note). Other
                attributes are kept in the pathway's notes. Attributes that make Graphviz read
                local files (image, shapefile, imagepath, fontpath and the like) are refused.

                Example: pathway import old-diagram.dot -o pathways/area.yaml

                \(Exit.help)
                """
        )

        @Argument(help: "The DOT file.")
        var path: String

        @Option(name: .shortAndLong, help: "The pathway file to write (YAML).")
        var output: String

        func run() throws {
            guard let data = FileManager.default.contents(atPath: path) else {
                printError("\(path): error: no such file")
                throw Exit.dataError
            }
            guard !data.contains(0), let text = String(data: data, encoding: .utf8) else {
                printError("\(path): error: not UTF-8 text: expected a DOT file")
                throw Exit.dataError
            }
            let graph: DOTGraph
            do throws(GraphvizError) {
                graph = try Graphviz.shared.read(dot: text)
            } catch {
                printError("\(path)\(error.line.map { ":\($0)" } ?? ""): error: \(error.message)")
                throw Exit.dataError
            }
            let title = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
            let pathway: Pathway
            do throws(DOTImport.Refusal) {
                pathway = try DOTImport.pathway(from: graph, title: title)
            } catch {
                printError("\(path): error: \(error.description)")
                throw Exit.dataError
            }
            let yaml = PathwayYAMLWriter.yaml(pathway)
            // What is written must load: check before writing anything.
            do {
                _ = try YAMLPathwayLoader.load(text: yaml, file: output)
            } catch {
                printError("\(path): error: the converted pathway does not load: \(error.description)")
                throw Exit.dataError
            }
            try writeWhole(Array(yaml.utf8), to: output)
            print("wrote \(output): \(pathway.services.count) services, \(pathway.organisations.count) organisations, \(pathway.routes.count) routes")
        }
    }
}
