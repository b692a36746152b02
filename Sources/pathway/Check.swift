import ArgumentParser
import PathwayCore
import PathwayReports

extension PathwayCommand {
    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check pathway files for broken or doubtful routes.",
            discussion: """
                Loads each pathway (a YAML file, a folder of them, or a folder holding the CSV
                pair services.csv + routes.csv) and reports what a commissioner should look at:

                \(PathwayCheck.rules.map { "  \($0.name) (\($0.severity.rawValue)): \($0.meaning)" }.joined(separator: "\n"))

                Example: pathway check pathways/
                         pathway check --strict --json pathways/dementia-london-after.yaml

                \(Exit.help) For check, 1 means an error was found (an orphaned route),
                or, with --strict, a warning.
                """
        )

        @Argument(help: "Pathway files, or folders to search for them.")
        var paths: [String]

        @Flag(help: "Fail (exit 1) on warnings as well as errors: for use in CI of pathway repositories.")
        var strict = false

        @OptionGroup var profileOptions: ProfilesOption
        @OptionGroup var output: OutputOptions

        func run() throws {
            let profiles = try profileOptions.load()
            let files = PathwayFiles.expand(paths, profiles: true)
            if files.isEmpty {
                printError("error: no pathway files found in \(paths.joined(separator: ", "))")
                throw Exit.dataError
            }
            let outcome = PathwayCheck.check(files, profiles: profiles)
            if output.json {
                try emit(CheckReport.json(outcome.findings).serialized())
            } else {
                let summaries = outcome.measured.map { CheckReport.summary($0.metrics, file: $0.file) }
                try emit(CheckReport.text(outcome.findings, files: files.count, summaries: summaries))
            }
            if outcome.loadFailed { throw Exit.dataError }
            if outcome.fails(strict: strict) { throw Exit.found }
        }
    }
}
