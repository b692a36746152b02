import ArgumentParser
import Foundation
import PathwayCore
import PathwayRecords
import PathwayReports

/// How to read a records file: the delimiter and which column holds what.
struct RecordsOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "The field separator: ',', ';' or 'tab' (default: found from the header).", valueName: "char"))
    var delimiter: String?
    @Option(
        name: .long,
        help: ArgumentHelp(
            "The column of the patient (default patient; in XES the trace's concept:name).", valueName: "name"))
    var patient: String?
    @Option(
        name: .long,
        help: ArgumentHelp(
            "The column of the service reached, in event rows (default service; in XES concept:name).",
            valueName: "name"))
    var service: String?
    @Option(
        name: .long,
        help: ArgumentHelp("The column of the referring service, in referral rows (default from).", valueName: "name"))
    var from: String?
    @Option(
        name: .long,
        help: ArgumentHelp("The column of the service referred to, in referral rows (default to).", valueName: "name"))
    var to: String?
    @Option(
        name: .long,
        help: ArgumentHelp("The column of the time (default time; in XES time:timestamp).", valueName: "name"))
    var time: String?
    @Option(
        name: .long,
        help: ArgumentHelp(
            "The column of the organisation of the service reached (default organisation, when the header has it; in XES name org:group or org:resource).",
            valueName: "name"))
    var organisation: String?

    func options() throws -> RecordOptions {
        var columns = RecordColumns()
        if let patient { columns.patient = patient }
        if let service { columns.service = service }
        if let from { columns.from = from }
        if let to { columns.to = to }
        if let time { columns.time = time }
        if let organisation {
            columns.organisation = organisation
            columns.organisationRequired = true
        }
        var delimiterByte: UInt8?
        switch delimiter {
        case nil: break
        case ","?: delimiterByte = UInt8(ascii: ",")
        case ";"?: delimiterByte = UInt8(ascii: ";")
        case "tab"?, "\t"?, "\\t"?: delimiterByte = 0x09
        case let other?: throw ValidationError("unknown delimiter '\(other)': use ',', ';' or tab")
        }
        return RecordOptions(delimiter: delimiterByte, columns: columns)
    }

    /// Reads `path`, or prints why not and exits with the data-error status.
    func load(_ path: String, progress: RunProgress? = nil) throws -> RecordLog {
        let options = try options()
        do {
            return try RecordFiles.load(path, options: options, progress: progress)
        } catch {
            printError(error.description)
            throw Exit.dataError
        }
    }
}

/// `--suppress-below N` and `--round-to N`: safe output before figures leave a secure
/// environment.
struct DisclosureOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "Show every count under N as '<N' (and leave it out of totals), in every output.", valueName: "n"))
    var suppressBelow: Int?
    @Option(
        name: .long, help: ArgumentHelp("Round every published count to the nearest multiple of N.", valueName: "n"))
    var roundTo: Int?

    func validate() throws {
        if let n = suppressBelow, n < 1 { throw ValidationError("--suppress-below must be 1 or more") }
        if let n = roundTo, n < 1 { throw ValidationError("--round-to must be 1 or more") }
    }

    var disclosure: Disclosure { Disclosure(suppressBelow: suppressBelow, roundTo: roundTo) }
}

/// RunProgress on standard error when it is a terminal (after two seconds, or the seconds
/// PATHWAY_PROGRESS_AFTER gives), else nil.
func terminalProgress() -> RunProgress? {
    guard isatty(2) == 1 else { return nil }
    let after = ProcessInfo.processInfo.environment["PATHWAY_PROGRESS_AFTER"].flatMap(Double.init) ?? 2
    return RunProgress(after: after) { FileHandle.standardError.write(Data($0.utf8)) }
}
