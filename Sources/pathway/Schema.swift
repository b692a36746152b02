import ArgumentParser
import PathwayCore

extension PathwayCommand {
    struct Schema: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the JSON Schema of pathway and profiles files, for editors.",
            discussion: paragraphs(
                """
                Prints a JSON Schema (draft 2020-12) of the pathway file and the profiles file,
                written from the same definitions the loader reads them by: every key, what it
                holds (ids, kebab-case words, whole numbers, the sectors, the route kinds),
                which are required, and nothing else. An editor that knows JSON Schema (VS Code
                with the YAML extension, JetBrains IDEs, Neovim with yaml-language-server) then
                checks a pathway file as it is written and completes its keys. Point a file at
                the schema with its first line:

                  # yaml-language-server: $schema=pathway.schema.json

                (a path relative to the file, or a URL). The schema checks structure only: an id
                given twice or a service whose organisation is not declared is for 'pathway
                check'. The repository keeps a copy in schemas/pathway.schema.json, and its
                sample pathways point at it.

                Example: pathway schema -o schemas/pathway.schema.json
                """)
        )

        @Option(name: .shortAndLong, help: "Write the schema to this file instead of standard output.")
        var output: String?

        func run() throws {
            let bytes = FileShape.jsonSchema().serializedBytes()
            if let output {
                try writeWhole(bytes, to: output, inputs: [])
            } else {
                try emit(bytes)
            }
        }
    }
}
