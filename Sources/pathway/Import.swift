import ArgumentParser
import GraphvizRenderer
import PathwayCore

extension PathwayCommand {
    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Turn a Graphviz DOT drawing into a pathway file.",
            discussion: paragraphs(
                """
                Reads the DOT with Graphviz's own parser. Clusters become organisations, nodes
                services, edges routes. Known attributes are mapped: on nodes label (the name),
                entry, terminal, functions, capacity; on clusters label and sector; on edges
                purpose, volume, kind (a dashed edge is informal) and label (the note). Other
                attributes are kept in the pathway's notes. Attributes that make Graphviz read
                local files (image, shapefile, imagepath, fontpath and the like) are refused.

                Example: pathway import old-diagram.dot -o pathways/area.yaml

                \(Exit.help)
                """)
        )

        @Argument(help: "The DOT file.")
        var path: String

        @Option(name: .shortAndLong, help: "The pathway file to write (YAML).")
        var output: String

        func run() throws {
            let converted: (pathway: Pathway, yaml: String)
            do {
                converted = try DOTImport.importFile(path, as: output)
            } catch {
                printError(error.description)
                throw Exit.dataError
            }
            try writeWhole(Array(converted.yaml.utf8), to: output, inputs: [path])
            let pathway = converted.pathway
            try emit(
                "wrote \(output): \(pathway.services.count) services, \(pathway.organisations.count) organisations, \(pathway.routes.count) routes\n"
            )
        }
    }
}
