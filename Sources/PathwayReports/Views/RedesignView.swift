import PathwayCore

/// One view of a redesign: the view of the pathway before and of the pathway after, joined
/// into one drawing in which every box and arrow of either side has one place.
///
/// Boxes and arrows match by key (a service, an organisation, a pair of services); one
/// present on both sides is unchanged, or changed when anything drawn of it differs (its
/// name, shape, sector, what it offers, its volumes, purposes or kind). In views of services,
/// a dotted arrow joins each replaced service to the one that replaces it.
public struct Redesign: Sendable, Equatable {
    /// Every box and arrow of both sides, marked by how it changed, with the after side's
    /// text where it has one.
    public var difference: Diagram
    /// The same boxes and arrows, index for index, with the before side's text; those it does
    /// not have are marked added (and not drawn on that side).
    public var before: Diagram
    /// The same, with the after side's text; those it does not have are marked removed.
    public var after: Diagram

    init(difference: Diagram, before: Diagram, after: Diagram) {
        self.difference = difference
        self.before = before
        self.after = after
    }

    /// The drawing of one side.
    public func diagram(for side: DiagramSide) -> Diagram {
        switch side {
        case .difference: difference
        case .before: before
        case .after: after
        }
    }

    /// The redesign's `view`.
    ///
    /// - Throws: ``ViewError`` when neither side can be drawn in the view (a function neither
    ///   offers, a service neither has); a side that cannot is drawn empty.
    public init(_ diff: PathwayDiff, view: PathwayView) throws(ViewError) {
        func side(_ pathway: Pathway, _ metrics: PathwayMetrics) -> Result<Diagram, ViewError> {
            do throws(ViewError) {
                return .success(try view.diagram(pathway, metrics: metrics))
            } catch {
                return .failure(error)
            }
        }
        let sides = (side(diff.before, diff.beforeMetrics), side(diff.after, diff.afterMetrics))
        let old: Diagram
        let new: Diagram
        switch sides {
        case (.failure(let error), .failure):
            throw error
        case (.success(let b), .success(let a)): (old, new) = (b, a)
        case (.success(let b), .failure): (old, new) = (b, Diagram(title: ServiceDiagram.title(diff.after)))
        case (.failure, .success(let a)): (old, new) = (Diagram(title: ServiceDiagram.title(diff.before)), a)
        }
        self = Self.join(before: old, after: new, merged: view == .organisations ? [] : diff.merged)
        difference.title = Diagram.wrap(
            "What changed: \(Diagram.bounded(diff.before.title)) → \(Diagram.bounded(diff.after.title))", width: 64)
        difference.subtitle = new.subtitle ?? old.subtitle
        before.title = Diagram.wrap("Before: " + Diagram.bounded(diff.before.title), width: 64)
        after.title = Diagram.wrap("After: " + Diagram.bounded(diff.after.title), width: 64)
        before.subtitle = nil
        after.subtitle = nil
    }

    /// Joins two diagrams of one view.
    ///
    /// - Complexity: O(N + E) for the boxes and arrows of both.
    static func join(before old: Diagram, after new: Diagram, merged: [PathwayDiff.Merge]) -> Redesign {
        var union = Diagram(title: new.title, subtitle: new.subtitle)
        union.edgeFontSize = max(old.edgeFontSize, new.edgeFontSize)
        var beforeSide = union
        var afterSide = union
        // Lanes: the after side's, then the before side's it lacks.
        var laneIndex: [String: Int] = [:]
        for lane in new.lanes + old.lanes where laneIndex[lane.key] == nil {
            laneIndex[lane.key] = union.lanes.count
            union.lanes.append(lane)
        }
        beforeSide.lanes = union.lanes
        afterSide.lanes = union.lanes
        func relaned(_ node: Diagram.Node, in diagram: Diagram) -> Diagram.Node {
            var node = node
            node.lane = node.lane.map { laneIndex[diagram.lanes[$0].key]! }
            return node
        }
        // Boxes: the after side's in its order, then those only before.
        let oldNodes = Dictionary(old.nodes.enumerated().map { ($1.key, $0) }, uniquingKeysWith: { a, _ in a })
        let newNodes = Dictionary(new.nodes.enumerated().map { ($1.key, $0) }, uniquingKeysWith: { a, _ in a })
        var index: [String: Int] = [:]
        func add(_ key: String) {
            let b = oldNodes[key].map { relaned(old.nodes[$0], in: old) }
            let a = newNodes[key].map { relaned(new.nodes[$0], in: new) }
            index[key] = union.nodes.count
            let three = Self.versions(before: b, after: a, same: Self.same)
            union.nodes.append(three.shown)
            beforeSide.nodes.append(three.before)
            afterSide.nodes.append(three.after)
        }
        for node in new.nodes where index[node.key] == nil { add(node.key) }
        for node in old.nodes where index[node.key] == nil { add(node.key) }

        // Arrows, likewise, pointing as on the after side when it has them.
        let oldEdges = Dictionary(old.edges.enumerated().map { ($1.key, $0) }, uniquingKeysWith: { a, _ in a })
        let newEdges = Dictionary(new.edges.enumerated().map { ($1.key, $0) }, uniquingKeysWith: { a, _ in a })
        var seen: Set<String> = []
        func moved(_ edge: Diagram.Edge, from diagram: Diagram, pointingLike reference: Diagram.Edge?) -> Diagram.Edge {
            var edge = edge
            edge.from = index[diagram.nodes[edge.from].key]!
            edge.to = index[diagram.nodes[edge.to].key]!
            // Point it as the reference does, so that both sides read each way alike.
            // (An arrow that refers only one way keeps pointing the way it refers.)
            if let reference, reference.from == edge.to, reference.to == edge.from, let back = edge.back {
                (edge.from, edge.to) = (edge.to, edge.from)
                (edge.forth, edge.back) = (back, edge.forth)
            }
            return edge
        }
        func addEdge(_ key: String) {
            let a = newEdges[key].map { moved(new.edges[$0], from: new, pointingLike: nil) }
            let b = oldEdges[key].map { moved(old.edges[$0], from: old, pointingLike: a) }
            var three = Self.versions(before: b, after: a, same: Self.sameFlows)
            if three.shown.change == .changed, let b { three.shown.tooltip += "\nbefore: " + b.tooltip }
            union.edges.append(three.shown)
            beforeSide.edges.append(three.before)
            afterSide.edges.append(three.after)
        }
        for edge in new.edges where seen.insert(edge.key).inserted { addEdge(edge.key) }
        for edge in old.edges where seen.insert(edge.key).inserted { addEdge(edge.key) }

        // A dotted arrow from each replaced service to the service that replaces it.
        for merge in merged {
            for id in merge.from {
                guard let from = index["svc:\(id)"], let to = index["svc:\(merge.into)"] else { continue }
                let edge = Diagram.Edge(
                    key: "replaced:\(id)>\(merge.into)", from: from, to: to,
                    forth: Diagram.Flow(purposes: [], volume: nil, routes: 0), replacement: true, change: .changed,
                    tooltip: "\(merge.into) replaces \(id)")
                union.edges.append(edge)
                beforeSide.edges.append(edge)
                afterSide.edges.append(edge)
            }
        }
        return Redesign(difference: union, before: beforeSide, after: afterSide)
    }

    /// The three drawings' versions of one box or arrow that either side has, each marked with
    /// how it changed: the difference shows the after side's where it has one, each side its
    /// own where it has one.
    static func versions<Item: Changeable>(before b: Item?, after a: Item?, same: (Item, Item) -> Bool)
        -> (shown: Item, before: Item, after: Item)
    {
        let change: Diagram.Change =
            b == nil ? .added : a == nil ? .removed : same(b!, a!) ? .unchanged : .changed
        var shown = a ?? b!
        var before = b ?? a!
        var after = a ?? b!
        shown.change = change
        before.change = change
        after.change = change
        return (shown, before, after)
    }

    /// Two versions of a box show the same.
    static func same(_ a: Diagram.Node, _ b: Diagram.Node) -> Bool {
        a.label == b.label && a.note == b.note && a.shape == b.shape && a.sector == b.sector && a.role == b.role
            && a.unreachable == b.unreachable && a.deadEnd == b.deadEnd && a.tooltip == b.tooltip
    }

    /// Two versions of an arrow (already pointing alike) carry the same referrals.
    static func sameFlows(_ a: Diagram.Edge, _ b: Diagram.Edge) -> Bool {
        let forward = a.from == b.from && a.forth == b.forth && a.back == b.back
        let reversed = a.from == b.to && a.back.map { $0 == b.forth } == true && b.back.map { $0 == a.forth } == true
        return (forward || reversed) && a.informal == b.informal && a.crossing == b.crossing && a.orphaned == b.orphaned
    }
}

/// A box or an arrow, which a redesign marks with how it changed.
protocol Changeable {
    var change: Diagram.Change? { get set }
}

extension Diagram.Node: Changeable {}
extension Diagram.Edge: Changeable {}
