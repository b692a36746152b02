import ArgumentParser
import Foundation
import PathwayDrawing

/// What `metrics` and `entry-points` print.
enum ReportFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json, csv
}

/// `--format text|json|csv`, with `--json` kept as the short way to ask for JSON.
struct FormatOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "text (the readable report, the default), json, or csv (a table for spreadsheets).",
            valueName: "format"))
    var format: ReportFormat?

    @Flag(name: .long, help: "Print JSON (sorted keys, stable order): the same as --format json.")
    var json = false

    func validate() throws { _ = try chosenFormat(format, json: json, jsonFormat: .json, otherwise: .text) }

    /// The format asked for.
    var chosen: ReportFormat { format ?? (json ? .json : .text) }
}

/// The format that `--format` and `--json` ask for, which must not disagree.
func chosenFormat<Format: RawRepresentable<String> & Equatable>(
    _ format: Format?, json: Bool, jsonFormat: Format, otherwise: Format
) throws -> Format {
    if json, let format, format != jsonFormat {
        throw ValidationError("--json asks for JSON but --format asks for \(format.rawValue): give one")
    }
    return format ?? (json ? jsonFormat : otherwise)
}

extension DrawingOutput {
    /// The output `name` names, else the one the extension of `output` does.
    static func named(_ name: String?, output: String) throws -> DrawingOutput {
        if let name {
            guard let kind = DrawingOutput(name: name) else {
                throw ValidationError("unknown format '\(name)': use \(names)")
            }
            return kind
        }
        guard let kind = DrawingOutput(fileExtension: (output as NSString).pathExtension) else {
            throw ValidationError("cannot tell the format from '\(output)': end it in \(extensions), or give --format")
        }
        return kind
    }
}
