import CGraphviz
import Foundation
import PathwayCore

/// What Graphviz can write.
public enum DiagramFormat: String, Sendable, CaseIterable {
    case svg, png, pdf, dot
    /// DOT with the positions the layout chose (`pos`, `bb`, …) and drawing operations.
    case xdot
    /// DOT with the positions the layout chose and nothing else (Graphviz's own `dot` output):
    /// what a drawing is read back from. Unlike `xdot`, whose drawing operations carry each
    /// label as drawn and in Graphviz 2.43 leave a backslash before a quote unescaped, every
    /// string in it reads back as it was written.
    case positions

    /// The name Graphviz knows the format by.
    var graphvizName: String { self == .positions ? "dot" : rawValue }

    /// The format named by a file's extension, if it is one of ours.
    public init?(fileExtension: String) {
        let name = fileExtension.lowercased()
        guard let format = name == "gv" ? .dot : DiagramFormat(rawValue: name) else { return nil }
        self = format
    }
}

/// Graphviz layout engines the tool uses.
public enum LayoutEngine: String, Sendable, CaseIterable {
    case dot, neato, sfdp
    /// No layout: every node, edge and cluster already carries its position (`pos`, `bb`),
    /// as written by a layout to the `dot` format.
    case positioned = "nop2"

    /// The engines a user may choose.
    public static let chosen: [LayoutEngine] = [.dot, .neato, .sfdp]
}

/// Graphviz refused an input, in its own words.
public struct GraphvizError: Error, Sendable, CustomStringConvertible, Equatable {
    public var message: String
    /// The line of the DOT input Graphviz named, when it named one.
    public var line: Int?
    /// The time limit in seconds, when the layout was stopped for running past it.
    public var timeLimit: Double?

    public var description: String { message }

    public init(message: String, line: Int? = nil) {
        self.message = message
        self.line = line
    }

    /// At most this many distinct lines of Graphviz's text make a message.
    static let messageLines = 3

    /// An error from Graphviz's own text, taking the line it names ("… in line 3 …"), as one
    /// line: Graphviz's lines joined with "; ", without its "Error: <input>:" prefixes.
    /// Graphviz can repeat a complaint for every edge it routes (hundreds of "triangulation
    /// failed"), so only the first few distinct lines are kept, with a count of the rest.
    public init(graphvizText text: String) {
        var seen: Set<String> = []
        let distinct = text.split(whereSeparator: \.isNewline).map(Self.withoutPrefixes).filter {
            !$0.isEmpty && seen.insert($0).inserted
        }
        var message = distinct.prefix(Self.messageLines).joined(separator: "; ")
        if distinct.count > Self.messageLines {
            message += " (and \(distinct.count - Self.messageLines) more different messages from Graphviz)"
        }
        self.init(message: MessageText.oneLine(message), line: Self.line(in: text))
    }

    /// A line of Graphviz's text without the "Error: " or "Warning: " and "<input>: " it
    /// starts with, and without surrounding space.
    static func withoutPrefixes(_ line: Substring) -> String {
        var rest = line.trimmingCharacters(in: .whitespaces)[...]
        for prefix in ["Error: ", "Warning: ", "<input>: "] where rest.hasPrefix(prefix) {
            rest = rest.dropFirst(prefix.count)
        }
        return String(rest)
    }

    /// The line of the DOT input that Graphviz's text names ("… in line 3 …"), if any.
    static func line(in text: String) -> Int? {
        guard let range = text.range(of: #"line (\d+)"#, options: .regularExpression) else { return nil }
        return Int(text[range].dropFirst(5))
    }
}

/// The one place that calls Graphviz's C libraries (libcgraph, libgvc).
///
/// Graphviz keeps global state and is not thread-safe, so every call goes through one lock
/// and one long-lived context. Its error state is sticky: it is reset before each operation,
/// and its messages are captured and returned as ``GraphvizError`` instead of printed.
/// Every graph, layout and buffer is freed before a call returns.
public final class Graphviz: @unchecked Sendable {
    public static let shared = Graphviz()

    let lock = NSLock()
    private let context: OpaquePointer

    private init() {
        context = gvContext()
        _ = agseterrf(captureGraphvizMessage)
    }

    /// The largest PNG drawn, in inches (Graphviz's `size`): 4,800 pixels at its 96 dots an
    /// inch, more than any sample pathway needs.
    public static let largestRaster = "50,50"

    /// Lays out `dot` with `engine` and renders it to `format`.
    ///
    /// - Throws: ``GraphvizError`` with Graphviz's message when the DOT does not parse or the
    ///   layout fails; nothing is rendered then.
    public func render(dot: String, engine: LayoutEngine = .dot, format: DiagramFormat) throws(GraphvizError)
        -> [UInt8]
    {
        lock.lock()
        defer { lock.unlock() }
        let graph = try parse(dot)
        defer { agclose(graph) }
        try refuseCrashingAttributes(graph)
        try refuseFileReadingAttributes(graph)
        if format == .dot {
            return Array(dot.utf8)
        }
        for (name, value) in LayoutBudget.attributes(
            engine: engine, nodes: Int(agnnodes(graph)), edges: Int(agnedges(graph)))
        {
            _ = pathway_agsafeset(UnsafeMutableRawPointer(graph), name, value)
        }
        // The force-directed layouts leave boxes on top of one another unless told not to; prism
        // moves them apart (2 s more for 5,000 services).
        if engine == .sfdp || engine == .neato, pathway_agattr_find(graph, pathway_kind_graph(), "overlap") == nil {
            _ = pathway_agsafeset(UnsafeMutableRawPointer(graph), "overlap", "prism")
        }
        // A PNG at full size of 5,000 services is 13,000 by 8,000 pixels, 85 MB, and takes 11 s
        // to paint: a raster is shrunk to fit the largest size, and left alone below it.
        if format == .png, pathway_agattr_find(graph, pathway_kind_graph(), "size") == nil {
            _ = pathway_agsafeset(UnsafeMutableRawPointer(graph), "size", Self.largestRaster)
        }
        // A failed gvLayout has already freed what it made: freeing again would corrupt the heap.
        guard pathway_gvLayout(context, graph, engine.rawValue) == 0 else {
            throw takeError(default: "Graphviz could not lay out the diagram with \(engine.rawValue)")
        }
        defer { gvFreeLayout(context, graph) }
        guard agerrors() == 0 else {
            throw takeError(default: "Graphviz reported an error laying out the diagram")
        }
        var data: UnsafeMutablePointer<CChar>?
        var length: UInt32 = 0
        guard pathway_gvRenderData(context, graph, format.graphvizName, &data, &length) == 0, let data else {
            throw takeError(default: "Graphviz could not render \(format.rawValue)")
        }
        defer { gvFreeRenderData(data) }
        let bytes = data.withMemoryRebound(to: UInt8.self, capacity: Int(length)) {
            Array(UnsafeBufferPointer(start: $0, count: Int(length)))
        }
        return format == .pdf ? Self.pdfWithFixedDate(bytes, epoch: Self.sourceDateEpoch) : bytes
    }

    /// `SOURCE_DATE_EPOCH` (seconds since 1970, the reproducible-builds convention), if set
    /// to a whole number of seconds from 0 to the year 9999.
    static var sourceDateEpoch: Int? {
        guard let text = ProcessInfo.processInfo.environment["SOURCE_DATE_EPOCH"], let seconds = Int(text),
            (0...253_402_300_799).contains(seconds)
        else { return nil }
        return seconds
    }

    /// A PDF from cairo with its creation date (`/CreationDate (D:YYYYMMDDHHMMSSZ)`, the time of
    /// the run) made the same on every run: `epoch`'s date when given, else no date at all
    /// (the entry written over with spaces). The length never changes, so the file's table of
    /// byte offsets still holds. A PDF without such an entry is returned as it is.
    static func pdfWithFixedDate(_ pdf: [UInt8], epoch: Int?) -> [UInt8] {
        let key = Array("/CreationDate (D:".utf8)
        let digits = 14
        guard pdf.count >= key.count + digits + 2 else { return pdf }
        var start = -1
        for k in 0...(pdf.count - key.count - digits - 2) where pdf[k] == key[0] && Array(pdf[k..<k + key.count]) == key
        {
            let date = pdf[(k + key.count)..<(k + key.count + digits)]
            if date.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) && pdf[k + key.count + digits] == UInt8(ascii: "Z")
                && pdf[k + key.count + digits + 1] == UInt8(ascii: ")")
            {
                start = k
                break
            }
        }
        guard start >= 0 else { return pdf }
        var fixed = pdf
        if let epoch {
            var time = time_t(epoch)
            var parts = tm()
            gmtime_r(&time, &parts)
            let text = String(
                format: "%04d%02d%02d%02d%02d%02d", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1,
                Int(parts.tm_mday), Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec))
            fixed.replaceSubrange((start + key.count)..<(start + key.count + digits), with: Array(text.utf8))
        } else {
            let end = start + key.count + digits + 2
            fixed.replaceSubrange(start..<end, with: [UInt8](repeating: 0x20, count: end - start))
        }
        return fixed
    }

    /// Refuses a graph that sets an attribute making Graphviz read a local file, wherever it is
    /// set: on the graph, on a cluster or subgraph, on a node or an edge, or as the default for
    /// all of them (`node [image=…]`). These are ``fileReadingAttributes``, a `fontname` that is
    /// a path, and an HTML label holding an `<IMG>` (in any letter case). The tool's own
    /// diagrams set none, so this guards every other way in: DOT import and any DOT rendered.
    func refuseFileReadingAttributes(_ graph: UnsafeMutablePointer<Agraph_t>) throws(GraphvizError) {
        func reads(_ name: String, _ text: UnsafeMutablePointer<CChar>?) -> Bool {
            guard let text, text.pointee != 0 else { return false }
            if Self.fileReadingAttributes.contains(name) { return true }
            if name.lowercased().hasSuffix("fontname") { return String(cString: text).contains("/") }
            if name.lowercased().hasSuffix("label") && aghtmlstr(text) != 0 {
                return String(cString: text).lowercased().contains("<img")
            }
            return false
        }
        let kinds = [
            (pathway_kind_graph(), "the graph or a cluster"), (pathway_kind_node(), "a node"),
            (pathway_kind_edge(), "an edge"),
        ]
        for (kind, owner) in kinds {
            var symbol = pathway_agnxtattr(graph, kind, nil)
            while let s = symbol {
                let name = String(cString: s.pointee.name)
                var found = reads(name, s.pointee.defval)
                if !found {
                    forEachObject(graph, kind: kind) { object in
                        if !found && reads(name, agxget(object, s)) { found = true }
                    }
                }
                if found {
                    throw GraphvizError(
                        message: "\(owner) has '\(name)', which makes Graphviz read a local file: refused")
                }
                symbol = pathway_agnxtattr(graph, kind, s)
            }
        }
    }

    /// Refuses a graph that sets an attribute known to crash Graphviz 2.43's layouts or run them
    /// away (``crashingAttributes``, or an edge `weight` above ``maxEdgeWeight``), before any
    /// layout sees it. The tool's own diagrams never set them; this guards every other way in.
    func refuseCrashingAttributes(_ graph: UnsafeMutablePointer<Agraph_t>) throws(GraphvizError) {
        func refuse(_ name: String, _ owner: String) -> GraphvizError {
            GraphvizError(message: "the diagram sets '\(name)' on \(owner), which can crash Graphviz's layout: refused")
        }
        let kinds = [
            (pathway_kind_graph(), "the graph"), (pathway_kind_node(), "a node"), (pathway_kind_edge(), "an edge"),
        ]
        for (kind, owner) in kinds {
            for name in Self.crashingAttributes {
                guard let symbol = pathway_agattr_find(graph, kind, name) else { continue }
                if let value = symbol.pointee.defval, value.pointee != 0 { throw refuse(name, owner) }
                var set = false
                forEachObject(graph, kind: kind) { object in
                    if let value = agxget(object, symbol), value.pointee != 0 { set = true }
                }
                if set { throw refuse(name, owner) }
            }
        }
        guard let weight = pathway_agattr_find(graph, pathway_kind_edge(), "weight") else { return }
        // Not a number (NaN) is refused too: it compares as no weight at all.
        func tooHeavy(_ text: UnsafeMutablePointer<CChar>?) -> Double? {
            guard let text, let w = Double(String(cString: text)) else { return nil }
            return w <= Self.maxEdgeWeight ? nil : w
        }
        var heaviest = tooHeavy(weight.pointee.defval)
        forEachObject(graph, kind: pathway_kind_edge()) { edge in
            if heaviest == nil { heaviest = tooHeavy(agxget(edge, weight)) }
        }
        if let heaviest {
            throw GraphvizError(
                message: "the diagram gives an edge a weight of \(String(format: "%g", heaviest)), above the limit of"
                    + " \(String(format: "%g", Self.maxEdgeWeight)) that Graphviz's layout handles: refused")
        }
    }

    /// Calls `body` with every object of one kind: the root graph and its subgraphs, every node,
    /// or every edge.
    private func forEachObject(
        _ graph: UnsafeMutablePointer<Agraph_t>, kind: Int32, _ body: (UnsafeMutableRawPointer) -> Void
    ) {
        if kind == pathway_kind_graph() {
            var stack = [graph]
            while let g = stack.popLast() {
                body(UnsafeMutableRawPointer(g))
                var sub = agfstsubg(g)
                while let s = sub {
                    stack.append(s)
                    sub = agnxtsubg(s)
                }
            }
            return
        }
        var node = agfstnode(graph)
        while let n = node {
            if kind == pathway_kind_node() {
                body(UnsafeMutableRawPointer(n))
            } else {
                var edge = agfstout(graph, n)
                while let e = edge {
                    body(UnsafeMutableRawPointer(e))
                    edge = agnxtout(graph, e)
                }
            }
            node = agnxtnode(graph, n)
        }
    }

    /// Checks that `dot` parses, returning Graphviz's message if it does not.
    public func validate(dot: String) throws(GraphvizError) {
        lock.lock()
        defer { lock.unlock() }
        agclose(try parse(dot))
    }

    /// Parses one graph; the caller holds the lock and closes the graph.
    func parse(_ dot: String) throws(GraphvizError) -> UnsafeMutablePointer<Agraph_t> {
        _ = agreseterrors()
        GraphvizMessages.shared.reset()
        var extra: Int32 = 0
        let graph = dot.withCString { pathway_read($0, strlen($0), &extra) }
        // A graph that came with errors may be partial: never lay it out.
        if let graph, agerrors() == 0 { return graph }
        if let graph { agclose(graph) }
        throw takeError(default: "Graphviz could not read the diagram source")
    }

    private func takeError(default fallback: String) -> GraphvizError {
        var text = GraphvizMessages.shared.take().trimmingCharacters(in: .whitespacesAndNewlines)
        if text.isEmpty { text = fallback }
        _ = agreseterrors()
        return GraphvizError(graphvizText: text)
    }
}

/// Graphviz hands its messages, in pieces, to a C callback that can capture nothing; they are
/// collected here. Only touched while ``Graphviz``'s lock is held.
final class GraphvizMessages: @unchecked Sendable {
    static let shared = GraphvizMessages()
    private var text = ""

    func append(_ piece: String) { text += piece }
    func reset() { text = "" }

    func take() -> String {
        defer { text = "" }
        return text
    }
}

private func captureGraphvizMessage(_ message: UnsafeMutablePointer<CChar>?) -> Int32 {
    if let message { GraphvizMessages.shared.append(String(cString: message)) }
    return 0
}
