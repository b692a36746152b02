import ArgumentParser
import Foundation
import PathwayCore
import PathwayReports

extension PathwayCommand {
    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check pathway files for broken or doubtful routes.",
            discussion: paragraphs(
                """
                Loads each pathway (a YAML file, a folder of them, or a folder holding the CSV
                pair services.csv + routes.csv) and reports what a commissioner should look at:

                \(PathwayCheck.rules.map { "  \($0.name) (\($0.severity.rawValue)): \($0.meaning)" }.joined(separator: "\n"))

                On a terminal, severities are in colour; not with --no-color, when NO_COLOR
                is set, or when the output goes to a file or a pipe.

                --format sarif writes a SARIF 2.1.0 log (every rule, each finding at its
                file, line and column, with a fingerprint that survives edits above it) for
                GitHub code scanning and other CI tools; --format json (or --json) the
                findings as JSON.

                Example: pathway check pathways/
                         pathway check --strict --json pathways/dementia-london-after.yaml
                         pathway check --format sarif pathways/ > pathway.sarif

                \(Exit.help) For check, 1 means an error was found (an orphaned route),
                or, with --strict, a warning.
                """)
        )

        @Argument(help: "Pathway files, or folders to search for them.")
        var paths: [String]

        @Flag(help: "Fail (exit 1) on warnings as well as errors: for use in CI of pathway repositories.")
        var strict = false

        @Option(help: "text (the default), json, or sarif (SARIF 2.1.0, for code scanning).")
        var format: CheckFormat?

        @OptionGroup var profileOptions: ProfilesOption
        @OptionGroup var output: OutputOptions

        func validate() throws { _ = try chosenFormat(format, json: output.json, jsonFormat: .json, otherwise: .text) }

        func run() throws {
            let profiles = try profileOptions.load()
            let files = PathwayFiles.expand(paths, profiles: true)
            if files.isEmpty {
                printError("error: no pathway files found in \(paths.joined(separator: ", "))")
                throw Exit.dataError
            }
            let outcome = PathwayCheck.check(files, profiles: profiles)
            switch try chosenFormat(format, json: output.json, jsonFormat: CheckFormat.json, otherwise: .text) {
            case .json:
                try emit(CheckReport.json(outcome.findings).serialized())
            case .sarif:
                let log = SARIFReport.log(
                    outcome.findings, workingFolder: FileManager.default.currentDirectoryPath,
                    toolVersion: PathwayCommand.version)
                try emit(log.serialized())
            case .text:
                let summaries = outcome.measured.map { CheckReport.summary($0.metrics, file: $0.file) }
                let text = CheckReport.text(outcome.findings, files: files.count, summaries: summaries)
                try emit(Terminal.colours(1) ? Terminal.colourSeverities(text) : text)
            }
            if outcome.loadFailed { throw Exit.dataError }
            if outcome.fails(strict: strict) { throw Exit.found }
        }
    }
}

/// What `check` prints.
enum CheckFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json, sarif
}
