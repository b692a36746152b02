// Graphviz's C API as Debian's libgraphviz-dev installs it (found through pkg-config libgvc).
#include <gvc.h>
#include <cgraph.h>
#include <stdlib.h>
#include <string.h>

// Graphviz takes `char *` where it only reads; these shims keep the casts in one place.
static inline int pathway_gvLayout(GVC_t *gvc, Agraph_t *g, const char *engine) {
    return gvLayout(gvc, g, engine);
}

static inline int pathway_gvRenderData(GVC_t *gvc, Agraph_t *g, const char *format,
                                       char **result, unsigned int *length) {
    return gvRenderData(gvc, g, format, result, length);
}

// ---------------------------------------------------------------------------------------------
// A deterministic object-ID discipline. cgraph's default uses the address of each name's string
// as its ID, and orders subgraphs by ID, so the order of clusters in the output (and so the
// bytes of an SVG) follows the heap. Here named objects get IDs in the order their names are
// first seen, so the same DOT always gives the same drawing.

typedef struct {
    char **names;          // names[k] has ID 2 * (k + 1): even, like the default's pointers
    size_t count, capacity;
    size_t *slots;         // open-addressing hash table of name index + 1; 0 is empty
    size_t slotCount;
    IDTYPE anonymous;      // odd IDs for unnamed objects
} pathway_idstate;

static inline size_t pathway_hash(const char *s) {
    size_t h = 1469598103934665603ULL;
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

static inline void *pathway_idopen(Agraph_t *g, Agdisc_t *disc) {
    (void)g; (void)disc;
    pathway_idstate *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    s->anonymous = 1;
    s->slotCount = 64;
    s->slots = calloc(s->slotCount, sizeof *s->slots);
    return s;
}

static inline int pathway_idgrow(pathway_idstate *s) {
    if (s->count + 1 > s->capacity) {
        size_t capacity = s->capacity ? s->capacity * 2 : 64;
        char **names = realloc(s->names, capacity * sizeof *names);
        if (!names) return 0;
        s->names = names;
        s->capacity = capacity;
    }
    if (2 * (s->count + 1) > s->slotCount) {
        size_t slotCount = s->slotCount * 2;
        size_t *slots = calloc(slotCount, sizeof *slots);
        if (!slots) return 0;
        for (size_t k = 0; k < s->count; k++) {
            size_t i = pathway_hash(s->names[k]) & (slotCount - 1);
            while (slots[i]) i = (i + 1) & (slotCount - 1);
            slots[i] = k + 1;
        }
        free(s->slots);
        s->slots = slots;
        s->slotCount = slotCount;
    }
    return 1;
}

static inline long pathway_idmap(void *state, int objtype, char *str, IDTYPE *id, int createflag) {
    (void)objtype;
    pathway_idstate *s = state;
    if (!s || !s->slots) return 0;
    if (!str) {
        *id = s->anonymous;
        s->anonymous += 2;
        return 1;
    }
    size_t i = pathway_hash(str) & (s->slotCount - 1);
    while (s->slots[i]) {
        size_t k = s->slots[i] - 1;
        if (strcmp(s->names[k], str) == 0) {
            *id = 2 * (IDTYPE)(k + 1);
            return 1;
        }
        i = (i + 1) & (s->slotCount - 1);
    }
    if (!createflag) return 0;
    if (!pathway_idgrow(s)) return 0;
    char *copy = strdup(str);
    if (!copy) return 0;
    i = pathway_hash(str) & (s->slotCount - 1);
    while (s->slots[i]) i = (i + 1) & (s->slotCount - 1);
    s->names[s->count] = copy;
    s->slots[i] = s->count + 1;
    s->count++;
    *id = 2 * (IDTYPE)s->count;
    return 1;
}

static inline long pathway_idalloc(void *state, int objtype, IDTYPE id) {
    (void)state; (void)objtype; (void)id;
    return 1;
}

static inline void pathway_idfree(void *state, int objtype, IDTYPE id) {
    (void)state; (void)objtype; (void)id;  // names live until the graph closes
}

static inline char *pathway_idprint(void *state, int objtype, IDTYPE id) {
    (void)objtype;
    pathway_idstate *s = state;
    if (id % 2 != 0 || id == 0 || id / 2 > s->count) return NULL;
    return s->names[id / 2 - 1];
}

static inline void pathway_idclose(void *state) {
    pathway_idstate *s = state;
    if (!s) return;
    for (size_t k = 0; k < s->count; k++) free(s->names[k]);
    free(s->names);
    free(s->slots);
    free(s);
}

static inline void pathway_idregister(void *state, int objtype, void *obj) {
    (void)state; (void)objtype; (void)obj;
}

// Reads DOT from memory a line at a time, as cgraph's own agmemread does.
typedef struct {
    const char *data;
    size_t length, position;
} pathway_reader;

static inline int pathway_readline(void *chan, char *buf, int bufsize) {
    pathway_reader *r = chan;
    if (bufsize <= 0 || r->position >= r->length) return 0;
    int n = 0;
    char c;
    do {
        c = r->data[r->position++];
        buf[n++] = c;
    } while (c != '\n' && n < bufsize && r->position < r->length);
    return n;
}

/// Parses the first graph of `text` with the deterministic ID discipline, then drains any
/// further graphs in it (cgraph's reader would hand them to the next call otherwise) and
/// closes them, reporting how many through `extra`.
static inline Agraph_t *pathway_read(const char *text, size_t length, int *extra) {
    static Agiddisc_t ids = {
        pathway_idopen, pathway_idmap, pathway_idalloc, pathway_idfree,
        pathway_idprint, pathway_idclose, pathway_idregister,
    };
    static Agiodisc_t io;
    io.afread = pathway_readline;
    io.putstr = AgIoDisc.putstr;
    io.flush = AgIoDisc.flush;
    Agdisc_t disc = { &AgMemDisc, &ids, &io };
    pathway_reader reader = { text, length, 0 };
    // The lexer's line counter is global and would go on from the last input: reset it so
    // that messages name lines of this input.
    agsetfile("<input>");
    Agraph_t *g = agread(&reader, &disc);
    *extra = 0;
    Agraph_t *more;
    while ((more = agread(&reader, &disc)) != NULL) {
        agclose(more);
        (*extra)++;
    }
    return g;
}

// aghead and agtail are macros, which Swift cannot import.
static inline Agnode_t *pathway_aghead(Agedge_t *e) { return aghead(e); }
static inline Agnode_t *pathway_agtail(Agedge_t *e) { return agtail(e); }
static inline char *pathway_agget(void *obj, const char *name) { return agget(obj, (char *)name); }
static inline Agsym_t *pathway_agnxtattr(Agraph_t *g, int kind, Agsym_t *sym) { return agnxtattr(g, kind, sym); }
static inline int pathway_kind_node(void) { return AGNODE; }
static inline int pathway_kind_edge(void) { return AGEDGE; }
static inline int pathway_kind_graph(void) { return AGRAPH; }

// Reading and setting attributes by name, before a layout: the layout budget and the check for
// attributes that crash the layout.
static inline Agsym_t *pathway_agattr_find(Agraph_t *g, int kind, const char *name) {
    return agattr(g, kind, (char *)name, NULL);
}
static inline int pathway_agsafeset(void *obj, const char *name, const char *value) {
    return agsafeset(obj, (char *)name, (char *)value, "");
}
