import Foundation

/// A sheet to print a diagram on: A4, A3 or US letter, portrait or landscape.
public struct Paper: Sendable, Equatable, CustomStringConvertible {
    public var name: String
    /// The sheet's size in points (1/72 inch).
    public var width: Double
    public var height: Double

    /// The margin kept clear on every side, in points (10 mm).
    public static let margin = 28.35

    /// The text size below which a printed diagram is hard to read, in points.
    public static let readableText = 8.0

    public static let a4Landscape = Paper(name: "A4 landscape", width: 841.89, height: 595.28)

    public init(name: String, width: Double, height: Double) {
        self.name = name
        self.width = width
        self.height = height
    }

    /// Reads `a4`, `a3` or `letter`, with `-landscape` (the default) or `-portrait`.
    public init?(parsing text: String) {
        let parts = text.lowercased().split(separator: "-", maxSplits: 1).map(String.init)
        let sizes: [String: (String, Double, Double)] = [
            "a4": ("A4", 595.28, 841.89), "a3": ("A3", 841.89, 1190.55), "letter": ("US letter", 612, 792),
        ]
        guard let (name, short, long) = sizes[parts[0]] else { return nil }
        switch parts.count == 2 ? parts[1] : "landscape" {
        case "landscape": self.init(name: "\(name) landscape", width: long, height: short)
        case "portrait": self.init(name: "\(name) portrait", width: short, height: long)
        default: return nil
        }
    }

    public static let names = "a4, a3 or letter, each with -landscape (the default) or -portrait"

    /// The room inside the margins, in inches, as Graphviz's `size` takes it.
    public var printableInches: (width: Double, height: Double) {
        ((width - 2 * Self.margin) / 72, (height - 2 * Self.margin) / 72)
    }

    public var description: String { name }
}

/// How a drawing reads on paper: its size, the scale that fits it on the sheet, and the
/// smallest text it then shows.
public struct Readability: Sendable, Equatable {
    /// The drawing's size at full scale, in points.
    public var width: Double
    public var height: Double
    public var paper: Paper
    /// The scale that fits the drawing inside the sheet's margins, up or down.
    public var scale: Double
    /// Its smallest text at that scale, in points.
    public var smallestText: Double

    /// The drawing `width` × `height` points, whose smallest text is `smallestText` points at
    /// full scale, fitted to `paper`; never enlarged more than `largest` times.
    public init(width: Double, height: Double, smallestText: Double, paper: Paper, largest: Double = .infinity) {
        self.width = width
        self.height = height
        self.paper = paper
        let inches = paper.printableInches
        scale = min(largest, inches.width * 72 / max(width, 1), inches.height * 72 / max(height, 1))
        self.smallestText = smallestText * scale
    }

    /// Its text can be read on the sheet: at least ``Paper/readableText``.
    public var readable: Bool { smallestText >= Paper.readableText - 0.005 }

    /// "3.1 pt on A4 landscape".
    public var summary: String { String(format: "%.1f pt on %@", smallestText, paper.name) }
}
