import ArgumentParser
import Foundation
import GraphvizRenderer
import PathwayCore
import PathwayDrawing
import PathwayReports

/// Exit codes shared by every command, documented in each command's help.
enum Exit {
    /// The input is not a pathway: a file that does not load (bad YAML or CSV, a broken rule
    /// of the format) or cannot be read.
    static let dataError = ExitCode(65)
    /// The command found something (errors in `check`; under `--strict`, warnings too).
    static let found = ExitCode(1)
    /// An output could not be written: a full disk, a folder that does not exist, an input
    /// named as the output.
    static let outputError = ExitCode(73)

    static let help = paragraphs(
        """
        Exit status: 0 when all is well; 1 when the command found a problem (see above);
        64 for a mistake in the command line; 65 when an input does not load (the message
        names the file, line and column, and what was expected); 73 when an output cannot be
        written (a full disk, a missing folder, or an input named as the output).
        """)
}

/// Options for commands that print a report for people or JSON for programs.
struct OutputOptions: ParsableArguments {
    @Flag(name: .long, help: "Print JSON (sorted keys, stable order) instead of the readable report.")
    var json = false
}

/// Writes to standard error.
func printError(_ text: String) {
    let shown = Terminal.colours(2) ? Terminal.colourSeverities(text) : text
    FileHandle.standardError.write(Data((shown + "\n").utf8))
}

/// Loads one pathway with `profiles` added to its own, or prints why not and exits with the
/// data-error status.
func loadOrExit(_ path: String, profiles: [Profile] = []) throws -> Pathway {
    do {
        return try PathwayFiles.load(path).adding(profiles: profiles)
    } catch {
        printError(error.description)
        throw Exit.dataError
    }
}

/// `--profiles FILE`: patient profiles to hold against the pathway, beside its own.
struct ProfilesOption: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "A profiles file (YAML whose only key is 'profiles'): its patient profiles are added to the"
                + " pathway's own, so one population can be held against both sides of a redesign.",
            valueName: "file"))
    var profiles: String?

    /// The profiles of the file (none without `--profiles`), or prints why not and exits with
    /// the data-error status.
    func load() throws -> [Profile] {
        guard let profiles else { return [] }
        do {
            return try YAMLPathwayLoader.loadProfiles(path: profiles)
        } catch {
            printError(error.description)
            throw Exit.dataError
        }
    }

    /// The file, as an input no output may overwrite.
    var inputs: [String] { profiles.map { [$0] } ?? [] }
}

/// Prints why a diagram of `file` could not be drawn, with the options to try when the command
/// takes them (`advice`), and gives the data-error status to throw.
func drawingFailed(_ error: DrawingError, file: String, advice: Bool = false) -> ExitCode {
    printError("\(file): error: the diagram could not be drawn: \(error.message)\(advice ? error.advice : "")")
    return Exit.dataError
}

/// Writes `bytes` to `path` whole (``OutputFile``), refusing any of the command's `inputs`,
/// or prints why not and exits with the output-error status.
func writeWhole(_ bytes: [UInt8], to path: String, inputs: [String]) throws {
    do {
        try OutputFile.write(bytes, to: path, inputs: inputs)
    } catch {
        printError(error.description)
        throw Exit.outputError
    }
}

/// Writes `text` to standard output, or prints why it could not and exits with the
/// output-error status: a full disk must not pass for an empty report.
func emit(_ text: String) throws {
    try emit(Array(text.utf8))
}

/// Writes `bytes` to standard output, as ``emit(_:)-(String)`` does.
func emit(_ bytes: [UInt8]) throws {
    do {
        try OutputFile.writeStandardOutput(bytes)
    } catch {
        printError("error: cannot write to standard output: \(error.message)")
        throw Exit.outputError
    }
}

extension DiagramFormat {
    /// The format `name` names, else the one the extension of `output` does.
    static func named(_ name: String?, output: String) throws -> DiagramFormat {
        if let name {
            guard let format = DiagramFormat(rawValue: name.lowercased()) else {
                throw ValidationError("unknown format '\(name)': use svg, png, pdf or dot")
            }
            return format
        }
        guard let format = DiagramFormat(fileExtension: (output as NSString).pathExtension) else {
            throw ValidationError(
                "cannot tell the format from '\(output)': end it in .svg, .png, .pdf or .dot, or give --format")
        }
        return format
    }
}
