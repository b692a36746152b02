/// The starter file that `pathway new` writes: a small pathway that loads, with a comment on
/// every key, for an author to change into their own.
public enum StarterPathway {
    /// The starter pathway titled `title`; with `schema`, a first line that points editors at
    /// that JSON Schema (a path relative to the file, or a URL).
    public static func yaml(title: String, schema: String? = nil) -> String {
        var out = ""
        if let schema {
            out += "# yaml-language-server: $schema=\(schema.split(whereSeparator: \.isNewline).joined())\n"
        } else {
            out += "# For checking and completion as you type, save `pathway schema` beside this file and\n"
            out += "# make this the first line:  # yaml-language-server: $schema=pathway.schema.json\n"
        }
        out += """
            #
            # A referral pathway: the services, the organisations that run them, and the
            # routes by which patients are referred between them. Change the examples into
            # your own, then run `pathway check` on this file. The format is in the README
            # under "Pathway files"; ids are lower-case letters, digits and '-'.

            pathway: \(PathwayYAMLWriter.quote(title))
            condition: dementia                  # optional: the condition the pathway serves
            area: one borough                    # optional: where
            as-of: "2026"                        # optional: when it was as described
            source: service directory            # optional: where the description comes from

            organisations:                       # at least one
              - id: gp-practices
                name: GP practices
                sector: primary-care             # primary-care, acute, mental-health,
                                                 # community-health, social-care, third-sector,
                                                 # independent, commissioner or other
              - id: mh-trust
                name: Mental health trust
                sector: mental-health
              - id: council
                name: Borough council
                sector: social-care

            services:                            # at least one
              - id: gp
                name: General practice
                organisation: gp-practices       # an organisation id from above
                entry: true                      # patients first present here
                functions: [first-contact, review]
              - id: memory-service
                name: Memory assessment service
                organisation: mh-trust
                functions: [diagnosis, treatment]  # kebab-case words
                capacity: 600                    # optional: referrals accepted a year
              - id: social-services
                name: Adult social services
                organisation: council
                terminal: true                   # an end of the pathway: no onward route expected
                functions: [social-support]

            routes:                              # who refers to whom, for what, how often
              - from: gp
                to: memory-service
                purpose: diagnosis               # optional: a function word
                kind: formal                     # formal (the default) or informal
                volume: 400                      # optional: referrals a year
              - from: memory-service
                to: gp
                purpose: review
                volume: 300
              - from: memory-service
                to: social-services
                purpose: social-support
                volume: 120
                note: after diagnosis            # optional: free text

            # Optional: patient profiles, mixes of need met in order (see "Patient profiles").
            # profiles:
            #   - id: dementia-social
            #     needs: [diagnosis, social-support]

            """
        return out
    }
}
