import PathwayCore

/// What one view of a pathway draws, before it is written for a drawing tool: the boxes, the
/// arrows between them, and what each of them means.
///
/// A view (``PathwayView``) makes it from a pathway and its metrics; ``DOTWriter`` writes it for
/// Graphviz. Every name in it is the user's text as written: each writer escapes it for its own
/// language, in one place.
public struct Diagram: Sendable, Equatable {
    /// How a box is drawn.
    public enum Shape: String, Sendable, Equatable {
        /// A service (rounded box).
        case service
        /// A service where patients first present (arrow-shaped).
        case entry
        /// A service that ends the pathway (octagon).
        case terminal
        /// The missing end of an orphaned route (dashed, named after the missing id).
        case ghost
        /// An organisation, in the organisations view.
        case organisation
    }

    /// What a box is to the question the view asks.
    public enum Role: String, Sendable, Equatable {
        /// Drawn because the view includes it.
        case plain
        /// The service the view is about (the focus of `focus:S`).
        case subject
        /// A point of entry for the view's function.
        case pointOfEntry
        /// A provider of the view's function that is not a point of entry.
        case provider
        /// On the way: a service a patient passes on a shortest path, offering nothing the view
        /// asks about.
        case context
    }

    /// An arrow held against referral records (the conformance diagram); nil elsewhere.
    public enum Observation: String, Sendable, Equatable {
        /// Designed, and patients took it: its volume is the observed one.
        case used
        /// Designed, never taken.
        case dormant
        /// Taken by patients, not designed.
        case undesigned
    }

    /// How a box or an arrow changed in a redesign; nil outside a redesign.
    public enum Change: String, Sendable, Equatable, CaseIterable {
        case unchanged, added, removed, changed
    }

    public struct Node: Sendable, Equatable {
        /// Unique in the diagram and the same for the same thing in another pathway's diagram
        /// of the same view (`svc:ID`, `org:ID`, `ghost:ID`), so that two sides can be matched.
        public var key: String
        /// The element id in SVG (`svc-ID`, `org-ID`), which the HTML report highlights.
        public var elementID: String
        /// The name as drawn, already wrapped into lines.
        public var label: String
        /// A smaller line under the name ("point of entry", "6 services"), if any.
        public var note: String?
        /// The lane (organisation) it is drawn in, when lanes are drawn.
        public var lane: Int?
        /// The sector whose colour fills it.
        public var sector: Sector?
        public var shape: Shape
        public var role: Role = .plain
        /// No entry reaches it.
        public var unreachable = false
        /// It refers nowhere and is not terminal.
        public var deadEnd = false
        public var change: Change?
        /// Everything about it, shown on hover in SVG.
        public var tooltip: String

        public init(
            key: String, elementID: String, label: String, note: String? = nil, lane: Int? = nil,
            sector: Sector? = nil, shape: Shape, role: Role = .plain, unreachable: Bool = false,
            deadEnd: Bool = false, change: Change? = nil, tooltip: String
        ) {
            self.key = key
            self.elementID = elementID
            self.label = label
            self.note = note
            self.lane = lane
            self.sector = sector
            self.shape = shape
            self.role = role
            self.unreachable = unreachable
            self.deadEnd = deadEnd
            self.change = change
            self.tooltip = tooltip
        }
    }

    /// The referrals one way along an arrow.
    public struct Flow: Sendable, Equatable {
        /// The purposes of its routes, each once, in file order.
        public var purposes: [String]
        /// Referrals a year summed over its routes that give a volume; nil when none does.
        public var volume: Int?
        /// How many routes it stands for.
        public var routes: Int

        public init(purposes: [String], volume: Int?, routes: Int) {
            self.purposes = purposes
            self.volume = volume
            self.routes = routes
        }

        /// "diagnosis, review 300/yr": what the label says of this way.
        public var text: String {
            var parts = purposes.joined(separator: ", ")
            if let volume { parts += (parts.isEmpty ? "" : " ") + "\(volume)/yr" }
            return parts
        }
    }

    public struct Edge: Sendable, Equatable {
        /// Unique in the diagram and the same for the same pair in another diagram of the view.
        public var key: String
        /// Node indices: the arrow points from `from` to `to`; with `back`, it points both ways.
        public var from: Int
        public var to: Int
        /// The referrals from `from` to `to`: nil for an arrow that only goes the other way,
        /// which is never made (the pair is then drawn from the other end).
        public var forth: Flow
        /// The referrals from `to` back to `from`, when they refer both ways.
        public var back: Flow?
        /// Every route it stands for is informal.
        public var informal = false
        /// It joins services of different organisations.
        public var crossing = false
        /// One end names no service.
        public var orphaned = false
        /// In a redesign: the line from a replaced service to its replacement, not a route.
        public var replacement = false
        public var change: Change?
        /// Held against referral records: whether patients took it, and whether it was designed.
        public var observation: Observation?
        public var tooltip: String

        public init(
            key: String, from: Int, to: Int, forth: Flow, back: Flow? = nil, informal: Bool = false,
            crossing: Bool = false, orphaned: Bool = false, replacement: Bool = false, change: Change? = nil,
            tooltip: String
        ) {
            self.key = key
            self.from = from
            self.to = to
            self.forth = forth
            self.back = back
            self.informal = informal
            self.crossing = crossing
            self.orphaned = orphaned
            self.replacement = replacement
            self.change = change
            self.tooltip = tooltip
        }

        /// Referrals a year both ways, for the line's weight.
        public var volume: Int? {
            switch (forth.volume, back?.volume) {
            case (nil, nil): nil
            case (let a, let b): (a ?? 0) + (b ?? 0)
            }
        }
    }

    /// An organisation's lane, drawn around its services when lanes are drawn.
    public struct Lane: Sendable, Equatable {
        public var key: String
        public var label: String
        public var sector: Sector
        public var tooltip: String

        public init(key: String, label: String, sector: Sector, tooltip: String) {
            self.key = key
            self.label = label
            self.sector = sector
            self.tooltip = tooltip
        }
    }

    /// The heading: the pathway's title, its area and date.
    public var title: String
    /// What the view shows, under the title ("How patients reach diagnosis"); nil for the whole
    /// pathway.
    public var subtitle: String?
    public var lanes: [Lane]
    public var nodes: [Node]
    public var edges: [Edge]
    /// The size of the arrows' labels, in points: small where a diagram has many, larger in a
    /// view of a few boxes that is to be read on a page.
    public var edgeFontSize = 8.0
    /// What a black border means in the legend.
    public var subjectMeaning = "the service in focus"

    /// The smallest text the diagram is drawn with, in points: its arrows' labels when it has
    /// any, else its boxes' names.
    public var smallestFontSize: Double {
        edges.contains { !$0.forth.text.isEmpty } ? min(edgeFontSize, 10) : 10
    }

    public init(title: String, subtitle: String? = nil, lanes: [Lane] = [], nodes: [Node] = [], edges: [Edge] = []) {
        self.title = title
        self.subtitle = subtitle
        self.lanes = lanes
        self.nodes = nodes
        self.edges = edges
    }
}

extension Diagram {
    /// Breaks `text` into lines of about `width` characters at spaces, so that a long service
    /// name makes a taller box instead of a wide one; a word longer than the width stays
    /// whole, and line breaks already in the text are kept.
    public static func wrap(_ text: String, width: Int = 22) -> String {
        var lines: [String] = []
        for paragraph in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = ""
            for word in paragraph.split(separator: " ", omittingEmptySubsequences: true) {
                if line.isEmpty {
                    line = String(word)
                } else if line.count + 1 + word.count <= width {
                    line += " " + word
                } else {
                    lines.append(line)
                    line = String(word)
                }
            }
            lines.append(line)
        }
        return lines.joined(separator: "\n")
    }

    /// Text handed to a drawing tool is cut to this many characters, so that the time a layout
    /// takes depends on the pathway's size and not on one label's length; the tooltip keeps
    /// the whole text.
    public static let longestLabel = 200

    /// `text`, cut to ``longestLabel`` characters with an ellipsis.
    public static func bounded(_ text: String, to limit: Int = longestLabel) -> String {
        text.count <= limit ? text : String(text.prefix(limit - 1)) + "…"
    }
}
