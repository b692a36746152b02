import Foundation
import PathwayCore

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// Reads an XES event log (IEEE 1849), as PM4Py, ProM and Disco write them, as event rows:
/// each trace's `concept:name` is the patient; each event's `concept:name` the service, its
/// `time:timestamp` the time, and the attribute named by `--organisation` (`org:group` or
/// `org:resource`) its organisation. Other attributes, global defaults and classifiers are
/// ignored. Column options name the attribute keys: `--service`, `--time`, `--patient`.
enum XESReader {
    static func load(_ path: String, options: RecordOptions) throws(PathwayLoadError) -> RecordLog {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            throw PathwayLoadError(file: path, "no such file")
        }
        if isFolder.boolValue { throw PathwayLoadError(file: path, "is a folder, not a records file") }
        guard let stream = InputStream(fileAtPath: path) else {
            throw PathwayLoadError(file: path, "cannot be read")
        }
        let reader = Delegate(file: path, options: options)
        let parser = XMLParser(stream: stream)
        parser.delegate = reader
        parser.shouldResolveExternalEntities = false
        let ok = parser.parse()
        // Problems found before the parser stopped (or was stopped) come first.
        if !reader.problems.isEmpty && (reader.stoppedByProblem || !ok || parser.parserError != nil) {
            throw PathwayLoadError(problems: reader.problems)
        }
        if !ok || parser.parserError != nil {
            let code = (parser.parserError as NSError?)?.code ?? 0
            throw PathwayLoadError(
                file: path, line: max(parser.lineNumber, 1), column: max(parser.columnNumber, 1),
                "not well-formed XML (XML parser error \(code)): expected an XES log of <trace> and <event> elements")
        }
        if !reader.problems.isEmpty { throw PathwayLoadError(problems: reader.problems) }
        if !reader.sawLog {
            throw PathwayLoadError(file: path, line: 1, column: 1, "not an XES log: expected a <log> element")
        }
        if reader.log.count == 0 {
            throw PathwayLoadError(
                file: path, line: max(parser.lineNumber, 1), column: 1,
                "no events: expected <trace> elements holding <event> elements")
        }
        var log = reader.log
        log.patientCount = reader.patients.names.count
        log.serviceNames = reader.services.names
        log.organisationNames = reader.organisations.names
        return log
    }

    private final class Delegate: NSObject, XMLParserDelegate {
        let file: String
        let options: RecordOptions
        var log: RecordLog
        var problems: [PathwayLoadError.Problem] = []
        var stoppedByProblem = false
        var sawLog = false
        var patients = Interner()
        var services = Interner()
        var organisations = Interner()
        /// The element names open, outermost first.
        var stack: [String] = []
        var tracePatient: String?
        var traceLine = 0
        var traceColumn = 0
        /// The current trace's events: service, time, organisation.
        var events: [(Int32, Int64, Int32)] = []
        var event: (service: String?, time: Int64?, organisation: String?, line: Int, column: Int)?
        var zoneSeen: (hasZone: Bool, line: Int)?

        init(file: String, options: RecordOptions) {
            self.file = file
            self.options = options
            log = RecordLog(file: file, shape: .events)
            log.organisationColumn = options.columns.organisationRequired
        }

        var serviceKey: String { options.columns.service == "service" ? "concept:name" : options.columns.service }
        var timeKey: String { options.columns.time == "time" ? "time:timestamp" : options.columns.time }
        var patientKey: String { options.columns.patient == "patient" ? "concept:name" : options.columns.patient }

        func fail(_ parser: XMLParser, _ message: String, line: Int? = nil, column: Int? = nil) {
            problems.append(
                .init(
                    file: file, line: line ?? max(parser.lineNumber, 1), column: column ?? max(parser.columnNumber, 1),
                    message: message))
            if problems.count >= 50 {
                stoppedByProblem = true
                parser.abortParsing()
            }
        }

        func parser(
            _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
            attributes: [String: String] = [:]
        ) {
            let parent = stack.last
            stack.append(name)
            if stack.count == 1 {
                if name != "log" {
                    fail(parser, "not an XES log: the root element is <\(name)>, expected <log>")
                    stoppedByProblem = true
                    parser.abortParsing()
                }
                sawLog = true
                return
            }
            switch name {
            case "trace" where parent == "log":
                tracePatient = nil
                traceLine = parser.lineNumber
                traceColumn = parser.columnNumber
                events.removeAll(keepingCapacity: true)
            case "event" where parent == "trace":
                event = (nil, nil, nil, parser.lineNumber, parser.columnNumber)
            default:
                guard let key = attributes["key"], let value = attributes["value"] else { return }
                if parent == "trace" && stack.count == 3 && key == patientKey {
                    tracePatient = value
                } else if parent == "event" && stack.count == 4, event != nil {
                    if key == serviceKey { event!.service = value }
                    if key == options.columns.organisation { event!.organisation = value }
                    if key == timeKey {
                        switch RecordTime.parse(value.trimmingCharacters(in: .whitespaces)) {
                        case .success(let t):
                            event!.time = t.nanoseconds
                            if let seen = zoneSeen, seen.hasZone != t.hasZone {
                                fail(
                                    parser,
                                    "the time '\(value)' \(t.hasZone ? "has" : "has no") time zone but the time at"
                                        + " line \(seen.line) \(seen.hasZone ? "has one" : "has none"): write every"
                                        + " time with a zone, or none (then all are UTC)")
                            } else if zoneSeen == nil {
                                zoneSeen = (t.hasZone, parser.lineNumber)
                            }
                        case .failure(.unreadable):
                            fail(parser, "'\(value)' is not a time: \(RecordTime.expected)")
                        case .failure(.outOfRange(let what)):
                            fail(parser, "the time '\(value)' has \(what)")
                        }
                    }
                }
            }
        }

        func parser(
            _ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?
        ) {
            defer { stack.removeLast() }
            if name == "event" && stack.count == 3, let e = event {
                event = nil
                guard let service = e.service, !service.isEmpty else {
                    fail(
                        parser, "an event without a '\(serviceKey)' attribute: expected the service", line: e.line,
                        column: e.column)
                    return
                }
                guard let time = e.time else {
                    fail(
                        parser, "an event without a '\(timeKey)' date: expected the time", line: e.line,
                        column: e.column)
                    return
                }
                var organisation: Int32 = -1
                if options.columns.organisationRequired {
                    guard let name = e.organisation, !name.isEmpty else {
                        fail(
                            parser,
                            "an event without a '\(options.columns.organisation)' attribute: expected the organisation",
                            line: e.line, column: e.column)
                        return
                    }
                    organisation = organisations.intern(name)
                }
                events.append((services.intern(service), time, organisation))
            } else if name == "trace" && stack.count == 2 {
                guard let patient = tracePatient, !patient.isEmpty else {
                    if !events.isEmpty {
                        fail(
                            parser, "a trace without a '\(patientKey)' attribute: expected the patient",
                            line: traceLine, column: traceColumn)
                    }
                    return
                }
                let p = patients.intern(patient)
                for (service, time, organisation) in events {
                    log.patient.append(p)
                    log.service.append(service)
                    log.time.append(time)
                    if organisation >= 0 { log.organisation.append(organisation) }
                }
            }
        }
    }
}
