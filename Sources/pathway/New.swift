import ArgumentParser
import Foundation
import PathwayCore

extension PathwayCommand {
    struct New: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a starter pathway file to change into your own.",
            discussion: paragraphs(
                """
                Writes a small pathway that loads (three organisations, three services, three
                routes), with a comment on every key, titled TITLE. Change it into your own
                pathway, then run 'pathway check' on it. With --schema, its first line points
                editors at that JSON Schema (see 'pathway schema'). An existing file is not
                overwritten unless --force is given.

                Example: pathway new "Memory services, after the redesign" -o memory-after.yaml
                         pathway new "Urgent care" --schema pathway.schema.json -o urgent-care.yaml

                \(Exit.help)
                """)
        )

        @Argument(help: "The pathway's title.")
        var title: String

        @Option(name: .shortAndLong, help: "The file to write (standard output if not given).")
        var output: String?

        @Option(help: "A JSON Schema (a path relative to the file, or a URL) for the first line to name.")
        var schema: String?

        @Flag(help: "Overwrite the output file if it exists.")
        var force = false

        func validate() throws {
            if title.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                throw ValidationError("the title is empty: give the pathway a title, e.g. \"Memory services\"")
            }
        }

        func run() throws {
            let bytes = Array(StarterPathway.yaml(title: title, schema: schema).utf8)
            guard let output else { return try emit(bytes) }
            if !force && FileManager.default.fileExists(atPath: output) {
                printError("error: \(output) exists already: choose another name, or give --force to overwrite it")
                throw Exit.outputError
            }
            try writeWhole(bytes, to: output, inputs: [])
            printError("wrote \(output); next: pathway check \(output)")
        }
    }
}
