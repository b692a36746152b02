/// The shape of a pathway file and a profiles file (`shared/pathway-format.md` sections 1 and
/// 4): every mapping, its keys, what each key holds and which are required.
///
/// The YAML loader takes its lists of allowed keys from here, and `pathway schema` writes its
/// JSON Schema from here, so the two cannot drift apart: a key the loader accepts is a key
/// the schema describes.
public enum FileShape {
    /// What a key holds.
    public indirect enum Value: Sendable {
        /// Free text: any scalar (YAML reads `2009` as a number; the loader takes it as text).
        case text
        /// An id: lower-case letters, digits and `-`.
        case id
        /// A kebab-case word: lower-case words joined by single `-`.
        case word
        case bool
        /// A whole number from 0 to ``Limits/maximumCount``, unquoted.
        case count
        /// A number from 0 to 1, unquoted.
        case fraction
        /// One of these words.
        case oneOf([String])
        /// A list; `nonEmpty` when an empty list is refused.
        case list(Value, nonEmpty: Bool)
        /// A mapping of this shape.
        case mapping(Mapping)
    }

    public struct Field: Sendable {
        public var key: String
        public var value: Value
        public var required: Bool
        public var help: String

        init(_ key: String, _ value: Value, required: Bool = false, _ help: String) {
            self.key = key
            self.value = value
            self.required = required
            self.help = help
        }
    }

    public struct Mapping: Sendable {
        /// Its name among the schema's definitions, e.g. "service".
        public var name: String
        /// What the loader's messages call it, e.g. "a service".
        public var what: String
        public var fields: [Field]

        /// The keys the loader accepts, in the order the format lists them.
        public var keys: [String] { fields.map(\.key) }
    }

    public static let organisation = Mapping(
        name: "organisation", what: "an organisation",
        fields: [
            Field("id", .id, required: true, "Unique among organisations."),
            Field("name", .text, "Defaults to the id."),
            Field("sector", .oneOf(Sector.allCases.map(\.rawValue)), required: true, "The kind of organisation."),
        ])

    public static let service = Mapping(
        name: "service", what: "a service",
        fields: [
            Field("id", .id, required: true, "Unique among services."),
            Field("name", .text, "Defaults to the id."),
            Field("organisation", .id, required: true, "The id of the organisation that runs it."),
            Field("entry", .bool, "Patients first present here (usually the GP); default false."),
            Field("terminal", .bool, "An end of the pathway: no onward route is expected; default false."),
            Field("functions", .list(.word, nonEmpty: false), "What the service offers, as kebab-case words."),
            Field("capacity", .count, "Referrals accepted per year."),
            Field(
                "replaces", .list(.id, nonEmpty: false),
                "In an \"after\" pathway: the services of the \"before\" pathway this one takes over."),
            Field(
                "eligibility", .list(.word, nonEmpty: false),
                "Words a patient must all have (a profile's attributes) for the service to accept them."),
        ])

    public static let route = Mapping(
        name: "route", what: "a route",
        fields: [
            Field("from", .id, required: true, "The referring service's id."),
            Field("to", .id, required: true, "The receiving service's id (an orphaned route if none has it)."),
            Field("purpose", .word, "What the referral is for: a function word."),
            Field("kind", .oneOf(RouteKind.allCases.map(\.rawValue)), "formal (the default) or informal."),
            Field("volume", .count, "Referrals per year."),
            Field("note", .text, "Free text."),
        ])

    public static let profile = Mapping(
        name: "profile", what: "a profile",
        fields: [
            Field("id", .id, required: true, "Unique among profiles."),
            Field("name", .text, "Defaults to the id."),
            Field(
                "needs", .list(.word, nonEmpty: true), required: true,
                "Function words, in the order the patients need them met."),
            Field("attributes", .list(.word, nonEmpty: false), "Words: what these patients are."),
            Field(
                "entry", .list(.id, nonEmpty: true),
                "The services where these patients present; default: every entry service."),
            Field("share", .fraction, "The share of the condition's patients, from 0 to 1."),
        ])

    public static let pathway = Mapping(
        name: "pathwayFile", what: "the pathway file",
        fields: [
            Field("pathway", .text, required: true, "The title."),
            Field("condition", .text, "The condition the pathway serves."),
            Field("area", .text, "Where."),
            Field("as-of", .text, "When the pathway was as described (free text)."),
            Field("source", .text, "Provenance."),
            Field("notes", .text, "Free text."),
            Field(
                "organisations", .list(.mapping(organisation), nonEmpty: true), required: true,
                "The organisations that run the services: at least one."),
            Field(
                "services", .list(.mapping(service), nonEmpty: true), required: true,
                "The services: at least one."),
            Field("routes", .list(.mapping(route), nonEmpty: false), "Who refers to whom, for what, how often."),
            Field("profiles", .list(.mapping(profile), nonEmpty: false), "Patient profiles: mixes of need."),
        ])

    public static let profilesFile = Mapping(
        name: "profilesFile", what: "a profiles file",
        fields: [
            Field(
                "profiles", .list(.mapping(profile), nonEmpty: true), required: true,
                "Patient profiles, to add to any pathway with --profiles.")
        ])
}

extension FileShape {
    /// A JSON Schema (draft 2020-12) of both files: a document is either a pathway file or a
    /// profiles file (a mapping whose only key is `profiles`).
    ///
    /// It checks structure: keys, types, the shape of ids and words, the ranges of numbers,
    /// the sectors and route kinds, and what is required. What needs the whole file (an id
    /// given twice, a service naming an organisation that is not there, a profile entry that
    /// names no service) is for `pathway check`.
    public static func jsonSchema() -> JSONValue {
        .object([
            "$schema": .string("https://json-schema.org/draft/2020-12/schema"),
            "title": .string("Referral pathway or patient profiles (pathway format version 1)"),
            "description": .string(
                "A referral pathway (services, the organisations that run them, the routes between them) or a"
                    + " profiles file, as `pathway` reads them. Written by `pathway schema`."),
            "oneOf": .array([
                .object(["$ref": .string("#/$defs/pathwayFile")]), .object(["$ref": .string("#/$defs/profilesFile")]),
            ]),
            "$defs": .object(
                Dictionary(
                    uniqueKeysWithValues: [pathway, profilesFile, organisation, service, route, profile].map {
                        ($0.name, schema($0))
                    }
                ).merging(words) { a, _ in a }),
        ])
    }

    /// The definitions of an id and a word.
    static let words: [String: JSONValue] = [
        "id": .object([
            "description": .string("Lower-case letters, digits and '-'."),
            "anyOf": .array([
                .object(["type": .string("string"), "pattern": .string("^[a-z0-9-]+$")]),
                .object(["type": .string("integer"), "minimum": .int(0)]),
            ]),
        ]),
        "word": .object([
            "description": .string("kebab-case: lower-case words joined by single '-'."),
            "anyOf": .array([
                .object(["type": .string("string"), "pattern": .string("^[a-z0-9]+(-[a-z0-9]+)*$")]),
                .object(["type": .string("integer"), "minimum": .int(0)]),
            ]),
        ]),
    ]

    /// The schema of one mapping: its properties, the required ones, and no others.
    static func schema(_ mapping: Mapping) -> JSONValue {
        var properties: [String: JSONValue] = [:]
        for field in mapping.fields {
            var value = schema(field.value, optional: !field.required)
            if case .object(var object) = value {
                object["description"] = .string(field.help)
                value = .object(object)
            }
            properties[field.key] = value
        }
        return .object([
            "type": .string("object"),
            "description": .string(mapping.what.prefix(1).uppercased() + mapping.what.dropFirst() + "."),
            "properties": .object(properties),
            "required": .strings(mapping.fields.filter(\.required).map(\.key)),
            "additionalProperties": .bool(false),
        ])
    }

    /// The schema of a value; an optional key may also be empty (null), which the loader
    /// takes as not given.
    static func schema(_ value: Value, optional: Bool) -> JSONValue {
        func orNull(_ types: [String]) -> JSONValue { .strings(optional ? types + ["null"] : types) }
        func ref(_ name: String) -> JSONValue {
            let target = JSONValue.object(["$ref": .string("#/$defs/\(name)")])
            return optional ? .object(["anyOf": .array([target, .object(["type": .string("null")])])]) : target
        }
        switch value {
        case .text: return .object(["type": orNull(["string", "number", "boolean"])])
        case .id: return ref("id")
        case .word: return ref("word")
        case .bool: return .object(["type": orNull(["boolean"])])
        case .count:
            return .object(["type": orNull(["integer"]), "minimum": .int(0), "maximum": .int(Limits.maximumCount)])
        case .fraction: return .object(["type": orNull(["number"]), "minimum": .int(0), "maximum": .int(1)])
        case .oneOf(let words):
            return .object(["enum": .array(words.map { .string($0) } + (optional ? [.null] : []))])
        case .list(let item, let nonEmpty):
            var list: [String: JSONValue] = ["type": orNull(["array"]), "items": schema(item, optional: false)]
            if nonEmpty { list["minItems"] = .int(1) }
            return .object(list)
        case .mapping(let mapping): return ref(mapping.name)
        }
    }
}
