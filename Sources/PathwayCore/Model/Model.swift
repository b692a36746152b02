/// Where something was written in a pathway file: the file as the user named it, and a
/// 1-based line and column (columns count Unicode scalars, as editors do).
public struct SourceLocation: Sendable, Hashable, Codable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    public var description: String { "\(file):\(line):\(column)" }
}

/// The kind of body that runs services, from `shared/pathway-format.md` section 1.
public enum Sector: String, Sendable, Hashable, Codable, CaseIterable {
    case primaryCare = "primary-care"
    case acute
    case mentalHealth = "mental-health"
    case communityHealth = "community-health"
    case socialCare = "social-care"
    case thirdSector = "third-sector"
    case independent
    case commissioner
    case other
}

/// A body that runs services: a trust, a council, a charity, a group of GP practices.
public struct Organisation: Sendable, Hashable, Codable {
    public var id: String
    public var name: String
    public var sector: Sector
    public var location: SourceLocation?

    public init(id: String, name: String? = nil, sector: Sector, location: SourceLocation? = nil) {
        self.id = id
        self.name = name ?? id
        self.sector = sector
        self.location = location
    }
}

/// A team or clinic that accepts referrals.
public struct Service: Sendable, Hashable, Codable {
    public var id: String
    public var name: String
    /// The id of the organisation that runs it.
    public var organisation: String
    /// Patients first present here (usually the GP).
    public var entry: Bool
    /// An end of the pathway: no onward route is expected.
    public var terminal: Bool
    /// What the service offers, as kebab-case words (`diagnosis`, `crisis-response`).
    public var functions: [String]
    /// Referrals accepted per year.
    public var capacity: Int?
    /// In an "after" pathway: the services of the "before" pathway this one takes over.
    public var replaces: [String]
    /// Words a patient must all have (a profile's `attributes`) for the service to accept them.
    public var eligibility: [String]
    public var location: SourceLocation?

    public init(
        id: String, name: String? = nil, organisation: String, entry: Bool = false,
        terminal: Bool = false, functions: [String] = [], capacity: Int? = nil,
        replaces: [String] = [], eligibility: [String] = [], location: SourceLocation? = nil
    ) {
        self.id = id
        self.name = name ?? id
        self.organisation = organisation
        self.entry = entry
        self.terminal = terminal
        self.functions = functions
        self.capacity = capacity
        self.replaces = replaces
        self.eligibility = eligibility
        self.location = location
    }
}

/// One group of patients: what they need, in the order they need it, and what they are
/// (`shared/pathway-format.md` section 4).
public struct Profile: Sendable, Hashable, Codable {
    public var id: String
    public var name: String
    /// Function words, met in this order; at least one.
    public var needs: [String]
    /// Words that say what these patients are (`age-65-plus`), matched against eligibility.
    public var attributes: [String]
    /// The services where these patients present; nil for every entry service.
    public var entry: [String]?
    /// The share of the condition's patients, 0 to 1, if known.
    public var share: Double?
    public var location: SourceLocation?
    /// Where each of `entry` was written, when loaded from a file.
    public var entryLocations: [SourceLocation]?

    public init(
        id: String, name: String? = nil, needs: [String], attributes: [String] = [],
        entry: [String]? = nil, share: Double? = nil, location: SourceLocation? = nil,
        entryLocations: [SourceLocation]? = nil
    ) {
        self.id = id
        self.name = name ?? id
        self.needs = needs
        self.attributes = attributes
        self.entry = entry
        self.share = share
        self.location = location
        self.entryLocations = entryLocations
    }
}

/// Whether a referral route is written down (formal) or rests on a personal link (informal).
public enum RouteKind: String, Sendable, Hashable, Codable, CaseIterable {
    case formal
    case informal
}

/// A referral from one service to another.
public struct Route: Sendable, Hashable, Codable {
    public var from: String
    public var to: String
    /// The function the referral is for (`diagnosis`, `treatment`), if stated.
    public var purpose: String?
    public var kind: RouteKind
    /// Referrals per year, if known.
    public var volume: Int?
    public var note: String?
    public var location: SourceLocation?

    public init(
        from: String, to: String, purpose: String? = nil, kind: RouteKind = .formal,
        volume: Int? = nil, note: String? = nil, location: SourceLocation? = nil
    ) {
        self.from = from
        self.to = to
        self.purpose = purpose
        self.kind = kind
        self.volume = volume
        self.note = note
        self.location = location
    }
}

/// A referral pathway: which services exist, who runs them, and who refers to whom.
///
/// Routes that name a service the pathway does not have are kept: they are the
/// orphaned routes that a redesign leaves behind, and every command reports them.
public struct Pathway: Sendable, Hashable, Codable {
    public var title: String
    public var condition: String?
    public var area: String?
    public var asOf: String?
    public var source: String?
    public var notes: String?
    public var organisations: [Organisation]
    public var services: [Service]
    public var routes: [Route]
    /// Patient profiles: the pathway's own, then those of any profiles file added to it.
    public var profiles: [Profile]
    /// The file (or folder, for the CSV pair) the pathway was loaded from.
    public var file: String?

    public init(
        title: String, condition: String? = nil, area: String? = nil, asOf: String? = nil,
        source: String? = nil, notes: String? = nil, organisations: [Organisation],
        services: [Service], routes: [Route] = [], profiles: [Profile] = [], file: String? = nil
    ) {
        self.title = title
        self.condition = condition
        self.area = area
        self.asOf = asOf
        self.source = source
        self.notes = notes
        self.organisations = organisations
        self.services = services
        self.routes = routes
        self.profiles = profiles
        self.file = file
    }
}

extension Pathway {
    /// The routes whose `from` or `to` names no service of this pathway, in file order.
    public var orphanedRoutes: [Route] {
        let ids = Set(services.map(\.id))
        return routes.filter { !ids.contains($0.from) || !ids.contains($0.to) }
    }
}
